// Where the "New messages" divider goes, and the unread badge text.
import type { Message } from './types';

/**
 * The first message the person has not read: newer than their read position, not their own and not
 * deleted (the same rule as the server's unread count). `null` when everything was read, or when
 * there is no read position (someone previewing a public room they are not in).
 */
export function firstUnreadId(messages: readonly Message[], lastReadId: number | null | undefined, me: string): number | null {
  if (lastReadId === null || lastReadId === undefined) return null;
  for (const message of messages) {
    if (message.id <= lastReadId) continue;
    if (message.deleted || message.author?.id === me) continue;
    return message.id;
  }
  return null;
}

/**
 * Whether older pages must be loaded before the divider can be placed: the oldest loaded message is
 * already unread and there is more history before it.
 */
export function needsOlderForDivider(
  messages: readonly Message[],
  hasMore: boolean,
  lastReadId: number | null | undefined,
): boolean {
  if (!hasMore || lastReadId === null || lastReadId === undefined) return false;
  const oldest = messages[0];
  return oldest !== undefined && oldest.id > lastReadId + 1;
}

/** "1" ... "99", then "99+" (the server caps counts at 100). */
export function unreadLabel(count: number): string | null {
  if (!Number.isFinite(count) || count <= 0) return null;
  return count > 99 ? '99+' : String(Math.floor(count));
}
