import { describe, expect, it } from 'vitest';

import { groupChannels } from './channels';
import type { MyRoom } from './types';

function entry(id: string, room: Partial<MyRoom['room']> = {}): MyRoom {
  return {
    room: {
      id,
      kind: 'private',
      name: id,
      topic: '',
      description: '',
      sanctum_id: null,
      channel_of: null,
      position: 0,
      member_count: 1,
      slow_mode_seconds: 0,
      system_messages_unread: false,
      created_at: '2026-01-01T00:00:00Z',
      last_activity_at: '2026-01-01T00:00:00Z',
      receipts: [],
      my_permissions: [],
      my_muted_until: null,
      pinned_message_ids: [],
      ...room,
    },
    unread_count: 0,
    last_message: null,
  };
}

describe('groupChannels', () => {
  it('puts a sanctum’s channels under its main room, in their order, whatever their activity', () => {
    const list = [
      entry('late', { channel_of: 's1', position: 2 }),
      entry('dm', { kind: 'dm' }),
      entry('main', { sanctum_id: 's1' }),
      entry('early', { channel_of: 's1', position: 1 }),
    ];

    const grouped = groupChannels(list).map((r) => [r.entry.room.id, r.nested]);

    expect(grouped).toEqual([
      ['dm', false],
      ['main', false],
      ['early', true],
      ['late', true],
    ]);
  });

  it('leaves a channel whose main room is missing where it is', () => {
    const grouped = groupChannels([entry('orphan', { channel_of: 's9' }), entry('other')]);

    expect(grouped.map((r) => [r.entry.room.id, r.nested])).toEqual([
      ['orphan', false],
      ['other', false],
    ]);
  });
});
