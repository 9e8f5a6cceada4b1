// What the composer's action commands do (/invite, /mute, /pin): the API decides who may.
import { api, unwrap } from '../../api/client';
import { formatDateTime } from '../../lib/format';
import { muteInRoom } from '../moderation/api';
import type { SlashResult } from './slash';
import type { Message } from './types';

type Action = Exclude<SlashResult, { kind: 'text' | 'send' | 'hint' }>;

async function userId(username: string): Promise<string> {
  const user = await unwrap(api.client.GET('/api/users/{username}', { params: { path: { username } } }));
  return user.id;
}

/** Runs an action command in the room; resolves to the notice to show under the composer. */
export async function runCommand(roomId: string, command: Action, messages: readonly Message[]): Promise<string | null> {
  switch (command.kind) {
    case 'invite': {
      const id = await userId(command.username);
      await unwrap(api.client.POST('/api/rooms/{room_id}/invite', { params: { path: { room_id: roomId } }, body: { user_id: id } }));
      return `Added @${command.username} to the room.`;
    }
    case 'mute': {
      const id = await userId(command.username);
      const seconds = Math.max(60, command.seconds); // a mute lasts at least a minute
      const muted = await muteInRoom(roomId, id, seconds);
      return `Muted @${command.username} until ${formatDateTime(muted.until ?? '')}.`;
    }
    case 'pin': {
      const last = [...messages].reverse().find((m) => m.kind === 'user' && !m.deleted && m.parent_message_id === null);
      if (!last) return 'There is no message to pin yet.';
      await unwrap(
        api.client.POST('/api/rooms/{room_id}/messages/{message_id}/pin', { params: { path: { room_id: roomId, message_id: last.id } } }),
      );
      return 'Pinned the last message.';
    }
  }
}
