// Messages typed but not yet confirmed by the server, kept in localStorage per person, room and
// thread, so a reload, a crash or a closed tab loses nothing: the next time the room opens they are
// shown as "Sending…" and sent again with the same client id (the server stores each id once).
// Cleared for everyone on an explicit log-out (a shared computer keeps no one's drafts).

export interface OutboxEntry {
  clientId: string;
  body: string;
  createdAt: string;
  /** Ids of uploaded files the message carries. */
  attachments?: string[];
}

const PREFIX = 'sanctum.outbox:';

export function outboxKey(me: string, roomId: string, parentId: number | null): string {
  return `${PREFIX}${me}:${roomId}:${parentId ?? 'room'}`;
}

function storage(): Storage | null {
  try {
    return typeof window !== 'undefined' ? window.localStorage : null;
  } catch {
    return null; // storage disabled: the outbox lives only as long as the page
  }
}

function isEntry(value: unknown): value is OutboxEntry {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.clientId === 'string' && typeof v.body === 'string' && typeof v.createdAt === 'string';
}

export function readOutbox(key: string): OutboxEntry[] {
  try {
    const raw = storage()?.getItem(key);
    const parsed: unknown = raw ? JSON.parse(raw) : [];
    return Array.isArray(parsed) ? parsed.filter(isEntry) : [];
  } catch {
    return [];
  }
}

function write(key: string, entries: OutboxEntry[]) {
  try {
    if (entries.length === 0) storage()?.removeItem(key);
    else storage()?.setItem(key, JSON.stringify(entries));
  } catch {
    // Full or disabled: the message is still on screen and being sent.
  }
}

export function addToOutbox(key: string, entry: OutboxEntry) {
  const entries = readOutbox(key);
  if (!entries.some((e) => e.clientId === entry.clientId)) write(key, [...entries, entry]);
}

export function removeFromOutbox(key: string, clientIds: Iterable<string>) {
  const gone = new Set(clientIds);
  const entries = readOutbox(key);
  const kept = entries.filter((e) => !gone.has(e.clientId));
  if (kept.length !== entries.length) write(key, kept);
}

export function clearOutboxes() {
  const store = storage();
  if (!store) return;
  try {
    const keys = Array.from({ length: store.length }, (_, i) => store.key(i)).filter((k): k is string => !!k?.startsWith(PREFIX));
    for (const key of keys) store.removeItem(key);
  } catch {
    // Nothing to clear.
  }
}
