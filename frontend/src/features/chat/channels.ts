// Channels in the room list: each sanctum's channels right under its main room, in the sanctum's order.
import type { MyRoom } from './types';

export interface ListedRoom {
  entry: MyRoom;
  /** A channel shown under its sanctum's main room. */
  nested: boolean;
}

/**
 * The list in its order (most recent activity first), except that a sanctum's channels follow its
 * main room, by position. A channel whose main room is not in the list stays where it was.
 */
export function groupChannels(rooms: readonly MyRoom[]): ListedRoom[] {
  const mains = new Set(rooms.filter((r) => r.room.sanctum_id).map((r) => r.room.sanctum_id as string));
  const bySanctum = new Map<string, MyRoom[]>();
  for (const entry of rooms) {
    const sanctum = entry.room.channel_of;
    if (!sanctum || !mains.has(sanctum)) continue;
    bySanctum.set(sanctum, [...(bySanctum.get(sanctum) ?? []), entry]);
  }
  const out: ListedRoom[] = [];
  for (const entry of rooms) {
    const sanctum = entry.room.channel_of;
    if (sanctum && mains.has(sanctum)) continue; // placed under its main room
    out.push({ entry, nested: false });
    const channels = entry.room.sanctum_id ? bySanctum.get(entry.room.sanctum_id) : undefined;
    for (const channel of (channels ?? []).slice().sort((a, b) => (a.room.position ?? 0) - (b.room.position ?? 0))) {
      out.push({ entry: channel, nested: true });
    }
  }
  return out;
}
