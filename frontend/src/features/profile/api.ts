import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api, unwrap } from '../../api/client';
import type { components } from '../../api/generated/schema';
import { meQueryKey, type Me } from '../auth/api';

export type PublicUser = components['schemas']['PublicUser'];
export type ProfileUpdate = components['schemas']['ProfileUpdate'];

export const userQueryKey = (username: string) => ['users', username.toLowerCase()] as const;

export function useUser(username: string) {
  return useQuery({
    queryKey: userQueryKey(username),
    queryFn: () => unwrap(api.client.GET('/api/users/{username}', { params: { path: { username } } })),
  });
}

export function useUpdateProfile() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ProfileUpdate) => unwrap(api.client.PATCH('/api/users/me', { body })),
    onSuccess: (me: Me) => {
      queryClient.setQueryData(meQueryKey, me);
      void queryClient.invalidateQueries({ queryKey: userQueryKey(me.username) });
    },
  });
}

export function useDeleteAccount() {
  return useMutation({
    mutationFn: (password: string) => unwrap(api.client.DELETE('/api/users/me', { body: { password } })),
  });
}
