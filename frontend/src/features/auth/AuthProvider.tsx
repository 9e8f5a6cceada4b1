import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';

import { api } from '../../api/client';
import { ApiError } from '../../api/errors';
import { SESSION_HINT_KEY } from '../../api/tokens';
import { clearOutboxes } from '../../lib/outbox';
import * as auth from './api';
import { AuthContext, type AuthContextValue, type AuthStatus, type SignedOutNotice } from './AuthContext';

/**
 * Owns the signed-in state of the app: restores the session on start from the refresh cookie (when
 * this browser signed in before), signs in and out, and turns a session that ended elsewhere (revoked, expired, logged out
 * in another tab) into the signed-out state, from which <RequireAuth> sends the person to /login.
 */
export function AuthProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [state, setState] = useState<AuthStatus>(() =>
    api.hasSession() ? { status: 'restoring' } : { status: 'signed-out', notice: null },
  );

  const restore = useCallback(async () => {
    if (!api.hasSession()) {
      setState({ status: 'signed-out', notice: null });
      return;
    }
    setState({ status: 'restoring' });
    const outcome = await api.refresh();
    if (outcome === 'ended') {
      api.clearSession();
      setState({ status: 'signed-out', notice: 'expired' });
      return;
    }
    if (outcome === 'unavailable') {
      setState({ status: 'unreachable' });
      return;
    }
    try {
      queryClient.setQueryData(auth.meQueryKey, await auth.fetchMe());
      setState({ status: 'signed-in' });
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        api.clearSession();
        setState({ status: 'signed-out', notice: 'expired' });
      } else {
        setState({ status: 'unreachable' });
      }
    }
  }, [queryClient]);

  // Once per page load, even under StrictMode's double effects: a second refresh would be wasted.
  const restoring = useRef(false);
  useEffect(() => {
    if (restoring.current) return;
    restoring.current = true;
    void restore();
  }, [restore]);

  useEffect(() => {
    api.setAuthLostHandler(() => setState({ status: 'signed-out', notice: 'expired' }));
    return () => api.setAuthLostHandler(null);
  }, []);

  // Logged out in another tab: the shared session is gone, so this tab is signed out too.
  useEffect(() => {
    function onStorage(event: StorageEvent) {
      if (event.key === SESSION_HINT_KEY && event.newValue === null && state.status === 'signed-in') {
        api.loseSession();
      }
    }
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, [state.status]);

  // Nothing of the previous account may outlive its session in the cache.
  useEffect(() => {
    if (state.status === 'signed-out') queryClient.clear();
  }, [state.status, queryClient]);

  const finishSignIn = useCallback(
    async (pair: auth.TokenPair) => {
      api.startSession(pair);
      const me = await auth.fetchMe();
      queryClient.setQueryData(auth.meQueryKey, me);
      setState({ status: 'signed-in' });
      return me;
    },
    [queryClient],
  );

  const signIn = useCallback(
    async (login: string, password: string) => {
      const result = await auth.login({ login, password });
      return 'second_factor_required' in result ? result : finishSignIn(result);
    },
    [finishSignIn],
  );

  const register = useCallback<AuthContextValue['register']>(
    async (data) => {
      await auth.register(data);
      return signIn(data.username, data.password);
    },
    [signIn],
  );

  const forget = useCallback((notice: SignedOutNotice) => {
    api.clearSession();
    setState({ status: 'signed-out', notice });
  }, []);

  const signOut = useCallback(async () => {
    try {
      await auth.logout();
    } catch {
      // The session may already be over; locally it ends either way.
    }
    clearOutboxes();
    forget('signed-out');
  }, [forget]);

  const signOutEverywhere = useCallback(async () => {
    const { revoked } = await auth.logoutEverywhere();
    clearOutboxes();
    forget('everywhere');
    return revoked;
  }, [forget]);

  const value = useMemo<AuthContextValue>(
    () => ({
      state,
      signIn,
      finishSignIn,
      register,
      signOut,
      signOutEverywhere,
      forget,
      retryRestore: () => void restore(),
    }),
    [state, signIn, finishSignIn, register, signOut, signOutEverywhere, forget, restore],
  );

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}
