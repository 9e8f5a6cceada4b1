import { lazy, Suspense, type ComponentType } from 'react';
import { createBrowserRouter, Outlet, type RouteObject } from 'react-router';

import { Spinner } from '../components/ui';
import { AuthProvider } from '../features/auth/AuthProvider';
import { LoginPage } from '../features/auth/LoginPage';
import { RegisterPage } from '../features/auth/RegisterPage';
import { PublicOnly, RequireAuth } from '../features/auth/RequireAuth';

// Route-level code splitting: the login and register pages load only what they need; the signed-in
// app (its frame, realtime and every area) comes in chunks of its own, each area when first opened.
const AppLayout = lazy(() => import('./AppLayout').then((m) => ({ default: m.AppLayout })));

/** A page loaded when first shown; the frame around it stays while it loads. */
function page<M>(load: () => Promise<M>, pick: (m: M) => ComponentType) {
  const Page = lazy(() => load().then((m) => ({ default: pick(m) })));
  return (
    <Suspense fallback={<Spinner label="Loading" />}>
      <Page />
    </Suspense>
  );
}

const home = page(() => import('../features/home/HomePage'), (m) => m.HomePage);
const notFound = page(() => import('./pages'), (m) => m.NotFoundPage);

export const routes: RouteObject[] = [
  {
    // Inside the router, so signing in and out can read and change the location.
    element: (
      <AuthProvider>
        <Outlet />
      </AuthProvider>
    ),
    children: [
      { path: '/login', element: <PublicOnly><LoginPage /></PublicOnly> },
      { path: '/register', element: <PublicOnly><RegisterPage /></PublicOnly> },
      // Open to everyone: the preview card shows before signing in; joining needs an account.
      { path: '/invite', element: page(() => import('../features/invites/InvitePage'), (m) => m.InvitePage) },
      // Emailed links: open signed in or not (the token in the fragment is the credential).
      { path: '/verify-email', element: page(() => import('../features/security/PublicPages'), (m) => m.VerifyEmailPage) },
      { path: '/reset-password', element: page(() => import('../features/security/PublicPages'), (m) => m.ResetPasswordPage) },
      { path: '/forgot-password', element: <PublicOnly>{page(() => import('../features/security/PublicPages'), (m) => m.ForgotPasswordPage)}</PublicOnly> },
      {
        element: (
          <RequireAuth>
            <Suspense fallback={<Spinner label="Loading Sanctum" />}>
              <AppLayout />
            </Suspense>
          </RequireAuth>
        ),
        children: [
          { index: true, element: home },
          { path: '/u/:username', element: page(() => import('../features/profile/ProfilePage'), (m) => m.ProfilePage) },
          { path: '/settings/profile', element: page(() => import('../features/profile/EditProfilePage'), (m) => m.EditProfilePage) },
          { path: '/settings/security', element: page(() => import('../features/security/SecurityPage'), (m) => m.SecurityPage) },
          { path: '/settings/sessions', element: page(() => import('../features/sessions/SessionsPage'), (m) => m.SessionsPage) },
          { path: '/settings/notifications', element: page(() => import('../features/preferences/NotificationSettingsPage'), (m) => m.NotificationSettingsPage) },
          { path: '/settings/data', element: page(() => import('../features/export/ExportPage'), (m) => m.ExportPage) },
          { path: '/moderation/reports', element: page(() => import('../features/moderation/ModerationPage'), (m) => m.ModerationPage) },
          { path: '/notifications', element: page(() => import('../features/notifications/NotificationsPage'), (m) => m.NotificationsPage) },
          {
            path: '/chat',
            element: page(() => import('../features/chat/ChatLayout'), (m) => m.ChatLayout),
            children: [
              { index: true, element: page(() => import('../features/chat/ChatLayout'), (m) => m.ChatHome) },
              { path: 'browse', element: page(() => import('../features/chat/Directory'), (m) => m.Directory) },
              { path: ':roomId', element: page(() => import('../features/chat/RoomView'), (m) => m.RoomView) },
              { path: '*', element: notFound },
            ],
          },
          { path: '/feed', element: page(() => import('../features/social/FeedPage'), (m) => m.FeedPage) },
          { path: '/posts/:postId', element: page(() => import('../features/social/PostPage'), (m) => m.PostPage) },
          { path: '/sanctums', element: page(() => import('../features/social/SanctumsPage'), (m) => m.SanctumsPage) },
          { path: '/sanctums/:slug', element: page(() => import('../features/social/SanctumPage'), (m) => m.SanctumPage) },
          { path: '/moderation', element: page(() => import('../features/moderation/ModerationPage'), (m) => m.ModerationPage) },
          { path: '/friends', element: page(() => import('../features/social/FriendsPage'), (m) => m.FriendsPage) },
          { path: '/games', element: page(() => import('../features/games/GamesLobby'), (m) => m.GamesLobby) },
          { path: '/games/rooms/:roomId', element: page(() => import('../features/games/GameRoomPage'), (m) => m.GameRoomPage) },
          { path: '/games/leaderboard', element: page(() => import('../features/games/LeaderboardPage'), (m) => m.LeaderboardPage) },
          { path: '/games/history', element: page(() => import('../features/games/HistoryPage'), (m) => m.HistoryPage) },
          { path: '/games/replay/:roomId', element: page(() => import('../features/games/ReplayPage'), (m) => m.ReplayPage) },
          { path: '*', element: notFound },
        ],
      },
    ],
  },
];

export function createRouter() {
  return createBrowserRouter(routes);
}
