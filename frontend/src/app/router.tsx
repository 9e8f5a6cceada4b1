import { createBrowserRouter, Outlet, type RouteObject } from 'react-router';

import { AuthProvider } from '../features/auth/AuthProvider';
import { LoginPage } from '../features/auth/LoginPage';
import { RegisterPage } from '../features/auth/RegisterPage';
import { PublicOnly, RequireAuth } from '../features/auth/RequireAuth';
import { ChatHome, ChatLayout } from '../features/chat/ChatLayout';
import { Directory } from '../features/chat/Directory';
import { RoomView } from '../features/chat/RoomView';
import { GameRoomPage } from '../features/games/GameRoomPage';
import { GamesLobby } from '../features/games/GamesLobby';
import { HistoryPage } from '../features/games/HistoryPage';
import { LeaderboardPage } from '../features/games/LeaderboardPage';
import { ReplayPage } from '../features/games/ReplayPage';
import { EditProfilePage } from '../features/profile/EditProfilePage';
import { ProfilePage } from '../features/profile/ProfilePage';
import { SessionsPage } from '../features/sessions/SessionsPage';
import { AppLayout } from './AppLayout';
import { ComingSoonPage, HomePage, NotFoundPage } from './pages';

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
          { path: '/sanctums/*', element: <ComingSoonPage area="Sanctums" /> },
          { path: '/games', element: <GamesLobby /> },
          { path: '/games/rooms/:roomId', element: <GameRoomPage /> },
          { path: '/games/leaderboard', element: <LeaderboardPage /> },
          { path: '/games/history', element: <HistoryPage /> },
          { path: '/games/replay/:roomId', element: <ReplayPage /> },
          { path: '/friends/*', element: <ComingSoonPage area="Friends" /> },
          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
  },
];

export function createRouter() {
  return createBrowserRouter(routes);
}
