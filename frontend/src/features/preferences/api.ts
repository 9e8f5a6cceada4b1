import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api, unwrap } from '../../api/client';
import type { components } from '../../api/generated/schema';

export type Preferences = components['schemas']['NotificationPreferences'];
export type PreferencesUpdate = components['schemas']['PreferencesUpdate'];
export type Kind = keyof Preferences['kinds'];

export const preferencesKey = ['notification-preferences'] as const;

export function usePreferences() {
  return useQuery({
    queryKey: preferencesKey,
    queryFn: () => unwrap(api.client.GET('/api/preferences/notifications')),
  });
}

export function useUpdatePreferences() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: PreferencesUpdate) => unwrap(api.client.PATCH('/api/preferences/notifications', { body })),
    onSuccess: (saved) => queryClient.setQueryData(preferencesKey, saved),
  });
}

/** The kinds a push can be sent for (the server pushes no other). */
export const PUSH_KINDS: ReadonlySet<string> = new Set(['message', 'mention', 'friend_request', 'game_invite', 'missed_call']);

export const KIND_LABELS: Record<string, string> = {
  message: 'Direct and group messages',
  mention: 'Mentions',
  friend_request: 'Friend requests',
  friend_accepted: 'Accepted friend requests',
  game_invite: 'Game invitations',
  missed_call: 'Missed calls',
  comment: 'Comments on your posts',
  reply: 'Replies to your comments',
  like: 'Likes',
  reaction: 'Reactions to your messages',
  thread_reply: 'Thread replies',
};

export type Mutes = components['schemas']['Mutes'];
export const mutesKey = ['notification-mutes'] as const;

export function useMutes() {
  return useQuery({ queryKey: mutesKey, queryFn: () => unwrap(api.client.GET('/api/preferences/mutes')) });
}

export function useSetMute() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ scope, id, muted }: { scope: 'rooms' | 'sanctums'; id: string; muted: boolean }) => {
      const params = { path: { scope, target_id: id } };
      return unwrap(
        muted
          ? api.client.PUT('/api/preferences/mutes/{scope}/{target_id}', { params })
          : api.client.DELETE('/api/preferences/mutes/{scope}/{target_id}', { params }),
      );
    },
    onSuccess: (mutes) => queryClient.setQueryData(mutesKey, mutes),
  });
}
