import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { api } from '../api/client';
import { SESSION_HINT_KEY } from '../api/tokens';
import { routes } from './router';

const ME = {
  id: '00000000-0000-4000-8000-000000000001',
  username: 'ada',
  display_name: 'Ada',
  bio: '',
  avatar_url: null,
  created_at: '2025-01-01T00:00:00Z',
  email: 'ada@example.com',
  is_admin: false,
};

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

const revoked = () =>
  json(401, { error: { code: 'SESSION_REVOKED', message: 'This session has ended; log in again.', request_id: 'r' } });

/**
 * A backend whose session is revoked right after the app restored it: the restore refresh works,
 * then every call and every later refresh answers 401.
 */
function revokedAfterRestore() {
  const calls: string[] = [];
  let refreshes = 0;
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const path = new URL(request.url).pathname;
    calls.push(`${request.method} ${path}`);
    if (path === '/api/auth/refresh') {
      refreshes += 1;
      if (refreshes > 1) return revoked();
      return json(200, { access_token: 'a2', refresh_token: null, token_type: 'bearer', expires_in: 900 });
    }
    if (path === '/api/users/me' && calls.filter((c) => c.endsWith('/api/users/me')).length === 1) {
      return json(200, ME);
    }
    return revoked();
  });
  return { fetchMock, calls, refreshes: () => refreshes };
}

function renderApp(initialPath: string) {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const router = createMemoryRouter(routes, { initialEntries: [initialPath] });
  const visited: string[] = [];
  router.subscribe((state) => visited.push(state.location.pathname));
  render(
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
  return { router, visited };
}

afterEach(() => {
  vi.unstubAllGlobals();
  api.clearSession();
});

describe('when the session ends while the app is open', () => {
  it('goes to /login exactly once, remembering the page, and stops calling the API', async () => {
    const backend = revokedAfterRestore();
    vi.stubGlobal('fetch', backend.fetchMock);
    window.localStorage.setItem(SESSION_HINT_KEY, '1');

    const { router, visited } = renderApp('/settings/sessions');

    // The signed-in areas load as chunks of their own first (route-level code splitting).
    expect(await screen.findByText('Your session has ended. Log in again to continue.', {}, { timeout: 5_000 })).toBeTruthy();
    expect(router.state.location.pathname).toBe('/login');
    expect(router.state.location.state).toEqual({ from: { pathname: '/settings/sessions', search: '', hash: '' } });
    expect(visited.filter((path) => path === '/login')).toHaveLength(1);
    expect(window.localStorage.getItem(SESSION_HINT_KEY)).toBeNull();

    // One refresh to restore, one after the 401: never a loop, never a reuse of a retired token.
    expect(backend.refreshes()).toBe(2);
    const settled = backend.calls.length;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(backend.calls.length).toBe(settled);
    expect(visited.filter((path) => path === '/login')).toHaveLength(1);
  });

  it('a reload with a dead refresh cookie lands on /login once', async () => {
    const fetchMock = vi.fn(async () => revoked());
    vi.stubGlobal('fetch', fetchMock);
    window.localStorage.setItem(SESSION_HINT_KEY, '1');

    const { router, visited } = renderApp('/u/ada');

    expect(await screen.findByRole('heading', { name: 'Welcome back' })).toBeTruthy();
    expect(router.state.location.pathname).toBe('/login');
    expect(visited).toEqual(['/login']);
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it('a visitor without a session is sent to /login without calling the API', async () => {
    const fetchMock = vi.fn();
    vi.stubGlobal('fetch', fetchMock);

    const { router } = renderApp('/settings/profile');

    expect(await screen.findByRole('heading', { name: 'Welcome back' })).toBeTruthy();
    expect(router.state.location.pathname).toBe('/login');
    expect(screen.queryByText(/session has ended/)).toBeNull();
    expect(fetchMock).not.toHaveBeenCalled();
  });
});
