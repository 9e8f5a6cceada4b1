// Blocks: whom I blocked (cached for the session, refetched after a change), block and unblock.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api, unwrap } from '../../api/client';
import type { components } from '../../api/generated/schema';

export type BlockList = components['schemas']['BlockList'];

export const blocksQueryKey = ['users', 'me', 'blocks'] as const;

const EMPTY: ReadonlySet<string> = new Set();

export function useBlocks() {
  return useQuery({
    queryKey: blocksQueryKey,
    queryFn: () => unwrap(api.client.GET('/api/users/me/blocks')),
    staleTime: 5 * 60_000,
  });
}

/** The ids of the people I blocked: their messages and posts are collapsed, their DMs closed. */
export function useBlockedIds(): ReadonlySet<string> {
  const blocks = useBlocks();
  const ids = blocks.data?.ids;
  return ids && ids.length ? new Set(ids) : EMPTY;
}

export function useSetBlocked() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ userId, blocked }: { userId: string; blocked: boolean }) => {
      const path = { params: { path: { user_id: userId } } };
      if (blocked) return unwrap(api.client.POST('/api/users/{user_id}/block', path));
      await unwrap(api.client.DELETE('/api/users/{user_id}/block', path));
      return null;
    },
    onSuccess: (list) => {
      if (list) queryClient.setQueryData(blocksQueryKey, list);
      void queryClient.invalidateQueries({ queryKey: blocksQueryKey });
    },
  });
}
