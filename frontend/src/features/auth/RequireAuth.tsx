import type { ReactNode } from 'react';
import { Navigate, useLocation, type Location } from 'react-router';

import { Button, Spinner } from '../../components/ui';
import { useAuth } from './AuthContext';

/** Where to go back to after logging in. */
export interface LoginState {
  from?: Pick<Location, 'pathname' | 'search' | 'hash'>;
}

export function FullPageSpinner({ label }: { label: string }) {
  return (
    <div className="splash">
      <Spinner size="lg" label={label} />
    </div>
  );
}

function Unreachable({ retry }: { retry: () => void }) {
  return (
    <div className="splash">
      <div className="splash__box">
        <h1>Sanctum is out of reach</h1>
        <p>We could not reach the server to restore your session. Check your connection and try again.</p>
        <Button variant="primary" onClick={retry}>
          Try again
        </Button>
      </div>
    </div>
  );
}

/** Renders its children for a signed-in person; sends anyone else to /login, remembering where they were going. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { state, retryRestore } = useAuth();
  const location = useLocation();
  if (state.status === 'restoring') return <FullPageSpinner label="Restoring your session" />;
  if (state.status === 'unreachable') return <Unreachable retry={retryRestore} />;
  if (state.status === 'signed-out') {
    // After a deliberate log out, the next login starts fresh at home.
    const deliberate = state.notice === 'signed-out' || state.notice === 'everywhere' || state.notice === 'deleted';
    const loginState: LoginState | undefined = deliberate
      ? undefined
      : { from: { pathname: location.pathname, search: location.search, hash: location.hash } };
    return <Navigate to="/login" replace state={loginState} />;
  }
  return children;
}

/** Login and register: a signed-in person has nothing to do there. */
export function PublicOnly({ children }: { children: ReactNode }) {
  const { state, retryRestore } = useAuth();
  const location = useLocation();
  if (state.status === 'restoring') return <FullPageSpinner label="Restoring your session" />;
  if (state.status === 'unreachable') return <Unreachable retry={retryRestore} />;
  if (state.status === 'signed-in') {
    return <Navigate to={safeReturnPath((location.state as LoginState | null)?.from)} replace />;
  }
  return children;
}

/** Only paths inside this app, never a crafted URL to elsewhere or back to the login screens. */
export function safeReturnPath(from: LoginState['from'] | undefined): string {
  if (!from || typeof from.pathname !== 'string') return '/';
  const { pathname, search = '', hash = '' } = from;
  if (!pathname.startsWith('/') || pathname.startsWith('//')) return '/';
  if (pathname === '/login' || pathname === '/register') return '/';
  return `${pathname}${search}${hash}`;
}
