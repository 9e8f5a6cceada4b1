import { createBrowserRouter, Outlet, type RouteObject } from 'react-router';

import { AuthProvider } from '../features/auth/AuthProvider';
import { LoginPage } from '../features/auth/LoginPage';
import { RegisterPage } from '../features/auth/RegisterPage';
import { PublicOnly, RequireAuth } from '../features/auth/RequireAuth';
import { ChatHome, ChatLayout } from '../features/chat/ChatLayout';
import { Directory } from '../features/chat/Directory';
import { RoomView } from '../features/chat/RoomView';
import { InvitePage } from '../features/invites/InvitePage';
import { NotificationsPage } from '../features/notifications/NotificationsPage';
import { GameRoomPage } from '../features/games/GameRoomPage';
import { GamesLobby } from '../features/games/GamesLobby';
import { HistoryPage } from '../features/games/HistoryPage';
import { LeaderboardPage } from '../features/games/LeaderboardPage';
import { ReplayPage } from '../features/games/ReplayPage';
import { EditProfilePage } from '../features/profile/EditProfilePage';
import { ProfilePage } from '../features/profile/ProfilePage';
import { SessionsPage } from '../features/sessions/SessionsPage';
import { FeedPage } from '../features/social/FeedPage';
import { FriendsPage } from '../features/social/FriendsPage';
import { PostPage } from '../features/social/PostPage';
import { SanctumPage } from '../features/social/SanctumPage';
import { SanctumsPage } from '../features/social/SanctumsPage';
import { AppLayout } from './AppLayout';
import { HomePage, NotFoundPage } from './pages';

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
      { path: '/invite', element: <InvitePage /> },
      {
        element: (
          <RequireAuth>
            <AppLayout />
          </RequireAuth>
        ),
        children: [
          { index: true, element: <HomePage /> },
          { path: '/u/:username', element: <ProfilePage /> },
          { path: '/settings/profile', element: <EditProfilePage /> },
          { path: '/settings/sessions', element: <SessionsPage /> },
          { path: '/notifications', element: <NotificationsPage /> },
          {
            path: '/chat',
            element: <ChatLayout />,
            children: [
              { index: true, element: <ChatHome /> },
              { path: 'browse', element: <Directory /> },
              { path: ':roomId', element: <RoomView /> },
              { path: '*', element: <NotFoundPage /> },
            ],
          },
          { path: '/feed', element: <FeedPage /> },
          { path: '/posts/:postId', element: <PostPage /> },
          { path: '/sanctums', element: <SanctumsPage /> },
          { path: '/sanctums/:slug', element: <SanctumPage /> },
          { path: '/friends', element: <FriendsPage /> },
          { path: '/games', element: <GamesLobby /> },
          { path: '/games/rooms/:roomId', element: <GameRoomPage /> },
          { path: '/games/leaderboard', element: <LeaderboardPage /> },
          { path: '/games/history', element: <HistoryPage /> },
          { path: '/games/replay/:roomId', element: <ReplayPage /> },
          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
  },
];

export function createRouter() {
  return createBrowserRouter(routes);
}
