// Site staff tools (site admins): suspending accounts and lifting suspensions, and giving or taking
// site roles. The server decides (`site.admin`); the dashboard shows these tabs to site admins only.
import { infiniteQueryOptions, useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';

import { api, unwrap } from '../../../api/client';
import type { components } from '../../../api/generated/schema';

export type SuspendedAccount = components['schemas']['SuspendedAccount'];
export type SiteStaffMember = components['schemas']['SiteStaffMember'];
export type SiteRole = SiteStaffMember['role'];

export const staffKeys = {
  suspensions: ['moderation', 'suspensions'] as const,
  staff: ['moderation', 'staff'] as const,
  audit: ['moderation', 'audit'] as const,
};

/** A list of the API paged by `next_cursor`, 50 at a time. */
function paged<P extends { next_cursor: string | null }>(
  queryKey: readonly string[],
  fetchPage: (query: { cursor?: string; limit: number }) => Promise<P>,
) {
  return infiniteQueryOptions({
    queryKey,
    queryFn: ({ pageParam }) => fetchPage({ cursor: pageParam ?? undefined, limit: 50 }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
  });
}

/** The accounts suspended now, most recently suspended first, a page at a time. */
export function useSuspensions() {
  return useInfiniteQuery(
    paged(staffKeys.suspensions, (query) => unwrap(api.client.GET('/api/admin/suspensions', { params: { query } }))),
  );
}

/** Suspend (`until`: an ISO time, or null until lifted) and lift; each refreshes the list and the audit log. */
export function useSuspensionActions() {
  const queryClient = useQueryClient();
  const onSuccess = () => {
    void queryClient.invalidateQueries({ queryKey: staffKeys.suspensions });
    void queryClient.invalidateQueries({ queryKey: staffKeys.audit });
  };
  const suspend = useMutation({
    mutationFn: ({ userId, reason, until }: { userId: string; reason: string; until: string | null }) =>
      unwrap(
        api.client.POST('/api/admin/users/{user_id}/suspension', {
          params: { path: { user_id: userId } },
          body: { reason, until },
        }),
      ),
    onSuccess,
  });
  const lift = useMutation({
    mutationFn: (userId: string) =>
      unwrap(api.client.DELETE('/api/admin/users/{user_id}/suspension', { params: { path: { user_id: userId } } })),
    onSuccess,
  });
  return { suspend, lift };
}

/** Whoever holds a site role, by username. */
export function useSiteStaff() {
  return useInfiniteQuery(paged(staffKeys.staff, (query) => unwrap(api.client.GET('/api/admin/staff', { params: { query } }))));
}

/** Give a site role (or null: take it away). */
export function useSetSiteRole() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ userId, role }: { userId: string; role: SiteRole | null }) =>
      unwrap(api.client.PUT('/api/admin/users/{user_id}/site-role', { params: { path: { user_id: userId } }, body: { role } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: staffKeys.staff });
      void queryClient.invalidateQueries({ queryKey: staffKeys.audit });
    },
  });
}
