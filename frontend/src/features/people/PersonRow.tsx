import type { ReactNode } from 'react';
import { Link } from 'react-router';

import { Name } from '../../components/ui';
import { PersonAvatar } from './PersonAvatar';

interface PersonRowProps {
  user: { id: string; username: string; display_name: string; avatar_url?: string | null };
  /** Badges and buttons at the end of the row. */
  children?: ReactNode;
  live?: boolean;
  testId?: string;
}

/** One person in a list: avatar with presence, name and @username linking to the profile, actions. */
export function PersonRow({ user, children, live = true, testId = 'person-row' }: PersonRowProps) {
  return (
    <li className="person-row" data-testid={testId}>
      <PersonAvatar user={user} live={live} />
      <Link to={`/u/${user.username}`} className="person-row__names">
        <span className="person-row__name">
          <Name>{user.display_name || user.username}</Name>
        </span>
        <span className="person-row__username">@{user.username}</span>
      </Link>
      {children && <span className="person-row__end">{children}</span>}
    </li>
  );
}

/** Rows beyond this many watch no presence (each dot holds a topic of the tab's socket). */
export const LIVE_PRESENCE_ROWS = 40;
