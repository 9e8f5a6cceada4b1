import { useQueryClient } from '@tanstack/react-query';

import { useMe } from '../auth/useMe';
import { userTopic, useTopic, type TopicEvent } from '../../lib/realtime';
import { applyRead, markSubjectRead, notificationKeys, notificationSubject, viewing, type Notification } from './api';

type Changed = { notification: Notification; unread: number };
type Read = { ids?: number[]; all?: boolean; unread: number };

/**
 * Holds the account's own topic (`user:{id}`) for as long as the person is signed in, so its seq is
 * tracked and a reconnect resumes it, and applies its notification events to the bell and the list.
 */
export function NotificationsLive() {
  const me = useMe();
  const queryClient = useQueryClient();
  useTopic(
    me.data ? userTopic(me.data.id) : null,
    (event: TopicEvent) => {
      if (event.type === 'notification.created' || event.type === 'notification.updated') {
        const data = event.data as Changed;
        queryClient.setQueryData(notificationKeys.unread, data.unread);
        // About what is on screen (a message in the open conversation): read already.
        const subject = notificationSubject(data.notification);
        if (subject && subject === viewing.subject && document.visibilityState === 'visible' && !data.notification.read) {
          void markSubjectRead(queryClient, subject).catch(() => undefined);
        }
        // The list reorders (an updated notification moves to the top): refetch it when it is shown.
        void queryClient.invalidateQueries({ queryKey: notificationKeys.list });
        void queryClient.invalidateQueries({ queryKey: ['home'] });
        // What the notification is about changed too: a friend request to answer, a new friend.
        if (data.notification.kind === 'friend_request' || data.notification.kind === 'friend_accepted') {
          void queryClient.invalidateQueries({ queryKey: ['friends'] });
        }
      } else if (event.type === 'notification.read') {
        const data = event.data as Read;
        applyRead(queryClient, data.all ? 'all' : (data.ids ?? []), data.unread);
      }
    },
    {
      // Too much was missed to replay: whatever the account's events would have changed is stale.
      onError: (error) => {
        if (error.code === 'RESYNC_REQUIRED') void queryClient.invalidateQueries();
      },
    },
  );
  return null;
}
