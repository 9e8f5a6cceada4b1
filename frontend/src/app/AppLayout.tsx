import { useEffect, useState } from 'react';
import { Link, NavLink, Outlet, useLocation } from 'react-router';

import { Badge, Icon } from '../components/ui';
import { ChatLive, ChatUnreadBadge, UnreadTitle } from '../features/chat/ChatLive';
import { CallBar } from '../features/calls/CallBar';
import { CallProvider } from '../features/calls/CallProvider';
import { GameInvites } from '../features/games/GameInvites';
import { NotificationBell } from '../features/notifications/NotificationBell';
import { NotificationsLive } from '../features/notifications/NotificationsLive';
import { VerifyBanner } from '../features/security/VerifyBanner';
import { PushNavigation } from '../features/push/navigation';
import { SiteSearch } from '../features/search/SearchDialog';
import { ConnectionStatus, RealtimeProvider } from '../lib/realtime';
import { NAV } from './nav';
import { UserMenu } from './UserMenu';

/**
 * The signed-in frame: top bar, side navigation (a drawer on narrow screens), and the page. It also
 * holds the tab's realtime connection, which therefore runs exactly while someone is signed in.
 */
export function AppLayout() {
  return (
    <RealtimeProvider>
      <NotificationsLive />
      <ChatLive />
      <UnreadTitle />
      <GameInvites />
      <PushNavigation />
      <CallProvider>
        <CallBar />
        <Shell />
      </CallProvider>
    </RealtimeProvider>
  );
}

function Shell() {
  const [navOpen, setNavOpen] = useState(false);
  const location = useLocation();
  // The chat area fills the window below the top bar and scrolls inside itself.
  const flush = location.pathname === '/chat' || location.pathname.startsWith('/chat/');

  // A tap on a link in the drawer navigates; the drawer should not stay over the new page.
  useEffect(() => setNavOpen(false), [location.pathname]);

  useEffect(() => {
    if (!navOpen) return;
    const onKey = (event: KeyboardEvent) => event.key === 'Escape' && setNavOpen(false);
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [navOpen]);

  return (
    <div className="shell" data-nav-open={navOpen || undefined} data-compact={flush || undefined}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <button
          type="button"
          className="topbar__menu icon-button"
          aria-label={navOpen ? 'Close navigation' : 'Open navigation'}
          title={navOpen ? 'Close navigation' : 'Open navigation'}
          aria-expanded={navOpen}
          aria-controls="side-nav"
          onClick={() => setNavOpen((o) => !o)}
        >
          <Icon name={navOpen ? 'close' : 'menu'} />
        </button>
        <Link to="/" className="brand" aria-label="Sanctum home">
          <span className="brand-mark" aria-hidden="true">
            <Icon name="shield" size={18} />
          </span>
          <span className="brand-name">Sanctum</span>
        </Link>
        <div className="topbar__spacer" />
        <SiteSearch />
        <ConnectionStatus />
        <NotificationBell />
        <UserMenu />
      </header>
      <nav id="side-nav" className="sidenav" aria-label="Main">
        <ul>
          {NAV.map((entry) => (
            <li key={entry.to}>
              {entry.ready ? (
                <NavLink to={entry.to} end={entry.to === '/'} className="sidenav__item" title={flush ? entry.label : undefined}>
                  <Icon name={entry.icon} />
                  <span>{entry.label}</span>
                  {entry.to === '/chat' && <ChatUnreadBadge />}
                </NavLink>
              ) : (
                <span className="sidenav__item sidenav__item--disabled" aria-disabled="true" title={flush ? `${entry.label}: coming soon` : "Coming soon"}>
                  <Icon name={entry.icon} />
                  <span>{entry.label}</span>
                  <Badge>Soon</Badge>
                </span>
              )}
            </li>
          ))}
        </ul>
        <ul className="sidenav__secondary">
          <li>
            <NavLink to="/settings/profile" className="sidenav__item" title={flush ? "Edit profile" : undefined}>
              <Icon name="edit" />
              <span>Edit profile</span>
            </NavLink>
          </li>
          <li>
            <NavLink to="/moderation" className="sidenav__item" title={flush ? "Moderation" : undefined}>
              <Icon name="shield" />
              <span>Moderation</span>
            </NavLink>
          </li>
          <li>
            <NavLink to="/settings/security" className="sidenav__item" title={flush ? "Security" : undefined}>
              <Icon name="lock" />
              <span>Security</span>
            </NavLink>
          </li>
          <li>
            <NavLink to="/settings/sessions" className="sidenav__item" title={flush ? "Sessions" : undefined}>
              <Icon name="devices" />
              <span>Sessions</span>
            </NavLink>
          </li>
          <li>
            <NavLink to="/settings/notifications" className="sidenav__item" title={flush ? "Notification settings" : undefined}>
              <Icon name="bell" />
              <span>Notification settings</span>
            </NavLink>
          </li>
          <li>
            <NavLink to="/settings/data" className="sidenav__item" title={flush ? "Your data" : undefined}>
              <Icon name="down" />
              <span>Your data</span>
            </NavLink>
          </li>
        </ul>
      </nav>
      <div className="scrim" aria-hidden="true" onClick={() => setNavOpen(false)} />
      <main id="main" className={flush ? 'main main--flush' : 'main'} tabIndex={-1}>
        <VerifyBanner />
        {flush ? (
          <Outlet />
        ) : (
          <div className="main__inner">
            <Outlet />
          </div>
        )}
      </main>
    </div>
  );
}
