import { useEffect, useState } from 'react';
import { Link } from 'react-router';

import { Avatar, Button, ButtonLink, Card, Icon, Line, PageHeader, Spinner } from '../../components/ui';
import { formatRelative } from '../../lib/format';
import { notificationLine } from './model';
import { notificationLink, useMarkAllRead, useMarkRead, useNotifications, useUnreadNotifications, type Notification } from './api';

export function NotificationsPage() {
  const list = useNotifications();
  const unread = useUnreadNotifications();
  const markAll = useMarkAllRead();
  const items = list.data?.pages.flatMap((page) => page.items) ?? [];
  // Opening the list is seeing it: the bell clears, while what was new keeps its mark for this visit.
  const [fresh, setFresh] = useState<ReadonlySet<number> | null>(null);
  const { mutate: clearAll } = markAll;
  useEffect(() => {
    if (fresh !== null || !list.isSuccess) return;
    const news = new Set(items.filter((n) => !n.read).map((n) => n.id));
    setFresh(news);
    if (news.size > 0) clearAll();
  }, [fresh, list.isSuccess, items, clearAll]);

  return (
    <div className="stack">
      <PageHeader
        title="Notifications"
        actions={
          <Button
            variant="secondary"
            size="sm"
            onClick={() => markAll.mutate()}
            disabled={!unread.data || markAll.isPending}
          >
            Mark all read
          </Button>
        }
      />
      {list.isPending ? (
        <Spinner label="Loading notifications" />
      ) : items.length === 0 ? (
        <Card className="empty">
          <Icon name="bell" size={32} />
          <h2 className="empty__title">Nothing yet</h2>
          <p className="empty__text">
            Friend requests, mentions, comments and likes show up here. Join a sanctum or add friends to get the conversation going.
          </p>
          <ButtonLink to="/sanctums" variant="secondary">
            Find a sanctum
          </ButtonLink>
        </Card>
      ) : (
        <ul className="notifications" aria-label="Notifications">
          {items.map((n) => (
            <NotificationItem key={n.id} notification={n} isNew={!n.read || (fresh?.has(n.id) ?? false)} />
          ))}
        </ul>
      )}
      {list.hasNextPage && (
        <Button variant="ghost" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
          {list.isFetchingNextPage ? 'Loading…' : 'Older notifications'}
        </Button>
      )}
    </div>
  );
}

function NotificationItem({ notification: n, isNew }: { notification: Notification; isNew: boolean }) {
  const markRead = useMarkRead();
  const name = n.actor?.display_name || n.actor?.username || '?';
  return (
    <li className={isNew ? 'notification notification--unread' : 'notification'} data-testid="notification" data-read={n.read}>
      <Avatar name={name} src={n.actor?.avatar_url} size="sm" />
      <Link
        to={notificationLink(n)}
        className="notification__body"
        onClick={() => {
          if (!n.read) markRead.mutate(n.id);
        }}
      >
        {/* Plain text from the server, rendered as text: never HTML. */}
        <span className="notification__text">
          <Line parts={notificationLine(n)} />
        </span>
        <time className="notification__time" dateTime={n.updated_at}>
          {formatRelative(n.updated_at)}
        </time>
      </Link>
      {!n.read && (
        <button
          type="button"
          className="icon-button notification__read"
          aria-label="Mark read"
          title="Mark read"
          onClick={() => markRead.mutate(n.id)}
        >
          <span className="notification__dot" aria-hidden="true" />
        </button>
      )}
    </li>
  );
}
