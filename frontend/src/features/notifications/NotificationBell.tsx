import { NavLink } from 'react-router';

import { Icon } from '../../components/ui';
import { useMe } from '../auth/useMe';
import { unreadLabel } from '../chat/unread';
import { useUnreadNotifications } from './api';

/** The bell in the top bar: unread count as a badge, a link to the notifications page. */
export function NotificationBell() {
  const me = useMe();
  const unread = useUnreadNotifications(Boolean(me.data));
  const label = unreadLabel(unread.data ?? 0);
  return (
    <NavLink
      to="/notifications"
      className="icon-button bell"
      aria-label={label ? `Notifications, ${label} unread` : 'Notifications'}
      title="Notifications"
      data-testid="notification-bell"
    >
      <Icon name="bell" />
      {label && (
        <span className="bell__badge" data-testid="notification-count">
          {label}
        </span>
      )}
    </NavLink>
  );
}
