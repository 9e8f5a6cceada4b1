import { ApiError } from '../../api/errors';

/** A send the server refused for its rate: which limit, and how long to wait. The text goes back in the composer. */
export interface SendRefusal {
  limit: string;
  seconds: number;
}

/** The refusal in a failed send, if it was a rate limit (429 RATE_LIMITED) rather than a failure. */
export function refusalOf(error: unknown): SendRefusal | null {
  // Muted (403 MUTED): the text goes back to the composer, which the mute banner then replaces.
  if (error instanceof ApiError && error.code === 'MUTED') return { limit: 'muted', seconds: 1 };
  if (!(error instanceof ApiError) || error.status !== 429) return null;
  return { limit: error.limit ?? 'chat_message', seconds: Math.max(1, error.retryAfterSeconds ?? 1) };
}

/** What the composer says while it waits. */
export function waitMessage(limit: string, seconds: number): string {
  if (limit === 'muted') return 'You are muted here';
  return limit === 'slow_mode'
    ? `Slow mode is on — wait ${seconds} s`
    : `You are sending messages too fast — wait ${seconds} s`;
}

/** The choices of the room setting, in seconds (0 is off). */
export const SLOW_MODE_CHOICES: readonly number[] = [0, 5, 10, 30, 60, 300, 900, 3600];

export function slowModeLabel(seconds: number): string {
  if (seconds === 0) return 'Off';
  if (seconds < 60) return `${seconds} seconds`;
  if (seconds < 3600) return `${seconds / 60} minute${seconds === 60 ? '' : 's'}`;
  return `${seconds / 3600} hour${seconds === 3600 ? '' : 's'}`;
}
