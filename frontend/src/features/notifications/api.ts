// The notifications API: query keys, calls and the hooks the bell and the page use.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';

import { api, unwrap } from '../../api/client';
import { markRead, type NotificationPage, type PagedNotifications } from './model';

export { notificationLink, type Notification } from './model';

export const notificationKeys = {
  all: ['notifications'] as const,
  list: ['notifications', 'list'] as const,
  unread: ['notifications', 'unread'] as const,
};

const PAGE_SIZE = 30;

export function fetchNotifications(cursor?: string): Promise<NotificationPage> {
  return unwrap(api.client.GET('/api/notifications', { params: { query: { cursor, limit: PAGE_SIZE } } }));
}

export function fetchUnread(): Promise<number> {
  return unwrap(api.client.GET('/api/notifications/unread-count')).then((r) => r.unread);
}

export function useUnreadNotifications(enabled = true) {
  return useQuery({ queryKey: notificationKeys.unread, queryFn: fetchUnread, enabled, staleTime: 60_000 });
}

export function useNotifications() {
  return useInfiniteQuery({
    queryKey: notificationKeys.list,
    queryFn: ({ pageParam }) => fetchNotifications(pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

/** Read state changed (here, in another tab, on another device): the list and the badge follow. */
export function applyRead(queryClient: QueryClient, ids: readonly number[] | 'all', unread: number) {
  queryClient.setQueryData(notificationKeys.unread, unread);
  queryClient.setQueryData<PagedNotifications>(notificationKeys.list, (data) => (data ? markRead(data, ids) : data));
}

export function useMarkRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: number) =>
      unwrap(api.client.POST('/api/notifications/{notification_id}/read', { params: { path: { notification_id: id } } })),
    onSuccess: (notification) => {
      applyRead(queryClient, [notification.id], Math.max(0, (queryClient.getQueryData<number>(notificationKeys.unread) ?? 1) - 1));
      void queryClient.invalidateQueries({ queryKey: notificationKeys.unread });
    },
  });
}

export function useMarkAllRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.client.POST('/api/notifications/read-all')),
    onSuccess: (result) => applyRead(queryClient, 'all', result.unread),
  });
}
