import type { components } from './generated/schema';
import { formatDateTime } from '../lib/format';
import { counted } from '../lib/plural';

export type ErrorBody = components['schemas']['ErrorBody'];

/** Why and until when an account is suspended (`details` of a 403 `ACCOUNT_SUSPENDED`); null = not said / until lifted. */
export interface Suspension {
  reason: string | null;
  until: string | null;
}

/**
 * Every failed call, as one type: the backend's error envelope
 * (`{"error": {"code", "message", "fields"?, "request_id"}}`) plus the HTTP status and, on 429,
 * the seconds to wait. Network failures get status 0 and code `NETWORK_ERROR`.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fields: Record<string, string>;
  readonly requestId: string | null;
  readonly retryAfterSeconds: number | null;
  /** The refusing rate limit's name (`details.limit` of a 429), e.g. `chat_message` or `slow_mode`. */
  readonly limit: string | null;
  /** Set on `ACCOUNT_SUSPENDED`: the suspension's reason and end, which `userMessage` spells out. */
  readonly suspension: Suspension | null;

  constructor(init: {
    status: number;
    code: string;
    message: string;
    fields?: Record<string, string> | null;
    requestId?: string | null;
    retryAfterSeconds?: number | null;
    limit?: string | null;
    suspension?: Suspension | null;
  }) {
    super(init.message);
    this.name = 'ApiError';
    this.status = init.status;
    this.code = init.code;
    this.fields = init.fields ?? {};
    this.requestId = init.requestId ?? null;
    this.retryAfterSeconds = init.retryAfterSeconds ?? null;
    this.limit = init.limit ?? null;
    this.suspension = init.suspension ?? null;
  }

  /** The message a person should read, with the wait spelled out for rate limits. */
  get userMessage(): string {
    if (this.status === 429) {
      const wait = this.retryAfterSeconds;
      if (wait !== null && wait > 0) {
        return `Too many attempts. Try again in ${formatWait(wait)}.`;
      }
      return 'Too many attempts. Try again in a moment.';
    }
    if (this.suspension) return suspensionMessage(this.suspension);
    return this.message;
  }
}

/** "This account is suspended until 14 Dec 2026, 10:00. Reason: spam." */
export function suspensionMessage({ reason, until }: Suspension): string {
  const end = until ? formatDateTime(until) : '';
  const head = end
    ? `This account is suspended until ${end}.`
    : until
      ? 'This account is suspended.'
      : 'This account is suspended until an admin lifts it.';
  return reason ? `${head} Reason: ${reason}` : head;
}

function formatWait(seconds: number): string {
  if (seconds < 60) return counted(seconds, { one: 'second', other: 'seconds' });
  const minutes = Math.ceil(seconds / 60);
  return counted(minutes, { one: 'minute', other: 'minutes' });
}

/** Retry-After is either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

function limitOf(details: unknown): string | null {
  if (typeof details !== 'object' || details === null || !('limit' in details)) return null;
  const limit = (details as { limit: unknown }).limit;
  return typeof limit === 'string' ? limit : null;
}

function suspensionOf(code: string, details: unknown): Suspension | null {
  // Only the refusal that says when (`until`, null for "until lifted"): others keep the server's message.
  if (code !== 'ACCOUNT_SUSPENDED' || typeof details !== 'object' || details === null || !('until' in details)) return null;
  const known = details as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim() : null);
  return { reason: text(known.reason), until: text(known.until) };
}

function isErrorEnvelope(value: unknown): value is { error: ErrorBody } {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const body = (value as { error: unknown }).error;
  return typeof body === 'object' && body !== null && 'code' in body && 'message' in body;
}

const FALLBACK_MESSAGES: Record<number, string> = {
  401: 'Please log in again.',
  403: 'You are not allowed to do that.',
  404: 'Not found.',
  429: 'Too many attempts. Try again in a moment.',
};

/** Builds an ApiError from an openapi-fetch failure (`error` is the parsed body, if any). */
export function toApiError(error: unknown, response: Response): ApiError {
  const retryAfterSeconds = parseRetryAfter(response.headers.get('Retry-After'));
  if (isErrorEnvelope(error)) {
    return new ApiError({
      status: response.status,
      code: error.error.code,
      message: error.error.message,
      fields: error.error.fields ?? null,
      requestId: error.error.request_id,
      retryAfterSeconds,
      limit: limitOf(error.error.details),
      suspension: suspensionOf(error.error.code, error.error.details),
    });
  }
  return new ApiError({
    status: response.status,
    code: `HTTP_${response.status}`,
    message: FALLBACK_MESSAGES[response.status] ?? `The server answered ${response.status}. Please try again.`,
    requestId: response.headers.get('X-Request-ID'),
    retryAfterSeconds,
  });
}

export function networkError(cause: unknown): ApiError {
  const error = new ApiError({
    status: 0,
    code: 'NETWORK_ERROR',
    message: 'Cannot reach Sanctum. Check your connection and try again.',
  });
  (error as { cause?: unknown }).cause = cause;
  return error;
}

/** Any thrown value as something to show a person. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.userMessage;
  if (error instanceof Error && error.message) return error.message;
  return 'Something went wrong. Please try again.';
}

export interface FormErrors<F extends string> {
  fields: Partial<Record<F, string>>;
  /** What to show above the form: the message, plus any field the form has no input for. */
  message: string | null;
}

/** Splits an error into per-input messages for the inputs a form has, and one message for the rest. */
export function formErrors<F extends string>(error: unknown, inputs: readonly F[]): FormErrors<F> {
  if (!(error instanceof ApiError)) return { fields: {}, message: messageOf(error) };
  const fields: Partial<Record<F, string>> = {};
  const others: string[] = [];
  for (const [name, problem] of Object.entries(error.fields)) {
    if ((inputs as readonly string[]).includes(name)) fields[name as F] = sentence(problem);
    else others.push(`${name}: ${problem}`);
  }
  const matched = Object.keys(fields).length > 0;
  const message = matched && others.length === 0 ? null : [error.userMessage, ...others].join(' ');
  return { fields, message };
}

/** "field required" -> "Field required." so server messages read well under an input. */
function sentence(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return trimmed;
  const capital = trimmed[0]!.toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}
