// What the composer's action commands do (/invite, /mute, /pin): the API decides who may.
import { api, unwrap } from '../../api/client';
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
    case 'mute':
      // Muting is a moderator's action on its own endpoint; until this server has it, say so.
      await userId(command.username);
      return `Muting is not available on this server yet: ask an administrator to mute @${command.username}.`;
    case 'pin': {
      const last = [...messages].reverse().find((m) => m.kind === 'user' && !m.deleted);
      if (!last) return 'There is no message to pin yet.';
      return 'Pinning is not available on this server yet.';
    }
  }
}
