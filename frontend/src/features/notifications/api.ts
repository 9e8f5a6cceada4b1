// The notifications API: query keys, calls and the hooks the bell and the page use.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';

import { api, unwrap } from '../../api/client';
import { markRead, type NotificationPage, type PagedNotifications } from './model';

export { notificationLink, notificationSubject, type Notification } from './model';

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

/** What the person is looking at right now (`room:{id}`, `post:{id}`, `game:{id}`), or null. */
export const viewing: { subject: string | null } = { subject: null };

export function markSubjectRead(queryClient: QueryClient, subject: string) {
  return unwrap(api.client.POST('/api/notifications/read-subject', { body: { subject } })).then((r) => {
    queryClient.setQueryData(notificationKeys.unread, r.unread);
    return r;
  });
}

/**
 * The screen shows `subject`: whatever notifies about it is read, now (if anything is unread) and
 * whenever the tab comes back into view; a notification about it that arrives meanwhile is read at once
 * (NotificationsLive).
 */
export function useViewedSubject(subject: string | null) {
  const queryClient = useQueryClient();
  useEffect(() => {
    if (!subject) return undefined;
    viewing.subject = subject;
    const read = () => {
      if (document.visibilityState !== 'visible') return;
      if ((queryClient.getQueryData<number>(notificationKeys.unread) ?? 1) > 0) void markSubjectRead(queryClient, subject).catch(() => undefined);
    };
    read();
    document.addEventListener('visibilitychange', read);
    return () => {
      document.removeEventListener('visibilitychange', read);
      if (viewing.subject === subject) viewing.subject = null;
    };
  }, [queryClient, subject]);
}
