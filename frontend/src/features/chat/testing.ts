// Test helpers: messages and events as the server sends them.
import type { Message, RoomEvent } from './types';

export const ALICE = { id: 'a0000000-0000-4000-8000-000000000001', username: 'alice', display_name: 'Alice', bio: '', avatar_url: null, created_at: '2025-01-01T00:00:00Z', is_bot: false };
export const BOB = { id: 'b0000000-0000-4000-8000-000000000002', username: 'bob', display_name: 'Bob', bio: '', avatar_url: null, created_at: '2025-01-01T00:00:00Z', is_bot: false };
export const ROOM = 'r0000000-0000-4000-8000-000000000001';

export function message(id: number, overrides: Partial<Message> = {}): Message {
  return {
    id,
    room_id: ROOM,
    kind: 'user',
    author: ALICE,
    body: `message ${id}`,
    html: `<p>message ${id}</p>`,
    parent_message_id: null,
    reply_count: 0,
    last_reply_at: null,
    reactions: [],
    mentions: [],
    client_id: null,
    created_at: new Date(Date.UTC(2026, 0, 1, 12, 0, id)).toISOString(),
    edited_at: null,
    deleted: false,
    removed_by_moderator: false,
    link_previews: [],
    link_previews_enabled: true,
    ...overrides,
  };
}

let seq = 0;
type DataOf<T extends RoomEvent['type'], E = RoomEvent> = E extends { type: infer U; data: infer D } ? (T extends U ? D : never) : never;

export function event<T extends RoomEvent['type']>(type: T, data: DataOf<T>): RoomEvent {
  seq += 1;
  return { type, topic: `room:${ROOM}`, seq, data } as RoomEvent;
}
