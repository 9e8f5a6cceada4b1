import { describe, expect, it, vi } from 'vitest';

import { createApi, unwrap } from './client';
import { ApiError } from './errors';
import { createTokenStore, LEGACY_REFRESH_TOKEN_KEY, SESSION_HINT_KEY } from './tokens';

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

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

function unauthorized(code = 'INVALID_TOKEN'): Response {
  return json(401, { error: { code, message: 'The access token is invalid or expired.', request_id: 'r1' } });
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

interface FakeBackend {
  /** Access tokens the backend accepts. */
  valid: Set<string>;
  /** The refresh token the backend will rotate; anything else is refused. */
  refreshToken: string | null;
  /** The browser's HttpOnly refresh cookie, which the browser (not the app) sends and stores. */
  cookie: string | null;
  refreshStatus: number;
  refreshCalls: number;
  /** Held open until released, so tests can pile up concurrent calls. */
  refreshGate: Promise<void> | null;
  /** Holds the answer to the first call made with a refused token until released. */
  holdFirstRefused: Promise<void> | null;
  seen: { path: string; auth: string | null; csrf: string | null; body: string }[];
}

/** A fetch that behaves like the accounts API (and the browser's cookie jar) for the endpoints these tests touch. */
function fakeBackend(initial: Partial<FakeBackend> = {}) {
  const state: FakeBackend = {
    valid: new Set(),
    refreshToken: 'refresh-1',
    cookie: 'refresh-1',
    refreshStatus: 200,
    refreshCalls: 0,
    refreshGate: null,
    holdFirstRefused: null,
    seen: [],
    ...initial,
  };
  let generation = 1;
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const path = new URL(request.url).pathname;
    const auth = request.headers.get('Authorization');
    const csrf = request.headers.get('X-Sanctum-CSRF');
    const body = request.method === 'GET' ? '' : await request.text();
    state.seen.push({ path, auth, csrf, body });
    if (path === '/api/auth/refresh') {
      state.refreshCalls += 1;
      if (state.refreshGate) await state.refreshGate;
      const sent = JSON.parse(body) as { refresh_token?: string; refresh_token_delivery?: string };
      if (!sent.refresh_token && csrf !== '1') {
        return json(403, { error: { code: 'CSRF_HEADER_REQUIRED', message: 'header', request_id: 'r' } });
      }
      const presented = sent.refresh_token ?? state.cookie;
      if (state.refreshStatus !== 200) {
        return json(state.refreshStatus, { error: { code: 'SESSION_REVOKED', message: 'ended', request_id: 'r' } });
      }
      if (!presented || presented !== state.refreshToken) return unauthorized('REFRESH_TOKEN_REUSED');
      generation += 1;
      const access = `access-${generation}`;
      state.valid.add(access);
      state.refreshToken = `refresh-${generation}`;
      state.cookie = state.refreshToken;
      return json(200, { access_token: access, refresh_token: null, token_type: 'bearer', expires_in: 900 });
    }
    if (path === '/api/auth/login') return unauthorized('INVALID_CREDENTIALS');
    const token = auth?.replace(/^Bearer /, '') ?? '';
    if (!state.valid.has(token)) {
      const hold = state.holdFirstRefused;
      state.holdFirstRefused = null;
      if (hold) await hold;
      return unauthorized();
    }
    if (path === '/api/users/me' && request.method === 'PATCH') {
      return json(200, { ...ME, ...(JSON.parse(body) as object) });
    }
    if (path === '/api/users/me') return json(200, ME);
    return json(404, { error: { code: 'NOT_FOUND', message: 'Not found.', request_id: 'r' } });
  });
  return { state, fetch: fetchMock as unknown as typeof fetch };
}

/** What this browser's storage holds, beyond the signed-in hint: never a token. */
function storedValues(): string[] {
  return Object.keys(window.localStorage)
    .filter((key) => key !== SESSION_HINT_KEY)
    .map((key) => window.localStorage.getItem(key) ?? '');
}

function setup(initial: Partial<FakeBackend> = {}, access: string | null = 'access-stale') {
  const backend = fakeBackend(initial);
  const tokens = createTokenStore(window.localStorage);
  if (access) tokens.save({ access_token: access });
  else if (backend.state.cookie) window.localStorage.setItem(SESSION_HINT_KEY, '1');
  const onAuthLost = vi.fn();
  const api = createApi({ baseUrl: 'http://sanctum.test', tokens, fetch: backend.fetch, onAuthLost });
  return { api, tokens, backend: backend.state, onAuthLost };
}

describe('single-flight refresh', () => {
  it('two concurrent 401s share one refresh call and both calls are retried', async () => {
    const gate = deferred();
    const { api, backend, tokens } = setup({ refreshGate: gate.promise });

    const first = unwrap(api.client.GET('/api/users/me'));
    const second = unwrap(api.client.GET('/api/users/me'));
    await vi.waitFor(() => expect(backend.refreshCalls).toBe(1));
    gate.resolve();

    await expect(first).resolves.toMatchObject({ username: 'ada' });
    await expect(second).resolves.toMatchObject({ username: 'ada' });
    expect(backend.refreshCalls).toBe(1);
    expect(tokens.accessToken()).toBe('access-2');
    expect(backend.cookie).toBe('refresh-2');
    expect(storedValues()).toEqual([]);
    const retried = backend.seen.filter((s) => s.path === '/api/users/me' && s.auth === 'Bearer access-2');
    expect(retried).toHaveLength(2);
  });

  it('many concurrent 401s still make exactly one refresh call', async () => {
    const { api, backend } = setup();
    const calls = Array.from({ length: 5 }, () => unwrap(api.client.GET('/api/users/me')));
    await Promise.all(calls);
    expect(backend.refreshCalls).toBe(1);
  });

  it('a 401 that arrives after another call already refreshed reuses the new token', async () => {
    const late = deferred();
    const { api, backend } = setup({ holdFirstRefused: late.promise });
    const slow = unwrap(api.client.GET('/api/users/me'));
    await vi.waitFor(() => expect(backend.seen).toHaveLength(1));
    // A second call fails fast, refreshes and succeeds while the first is still on the wire.
    await unwrap(api.client.GET('/api/users/me'));
    expect(backend.refreshCalls).toBe(1);
    late.resolve();
    await expect(slow).resolves.toMatchObject({ username: 'ada' });
    expect(backend.refreshCalls).toBe(1);
    expect(backend.seen.at(-1)).toMatchObject({ path: '/api/users/me', auth: 'Bearer access-2' });
  });

  it('replays the request body on the retry', async () => {
    const { api, backend } = setup();
    const me = await unwrap(api.client.PATCH('/api/users/me', { body: { display_name: 'Countess' } }));
    expect(me.display_name).toBe('Countess');
    const patches = backend.seen.filter((s) => s.path === '/api/users/me');
    expect(patches.map((p) => p.body)).toEqual(['{"display_name":"Countess"}', '{"display_name":"Countess"}']);
  });

  it('retries a call only once', async () => {
    const { api, backend } = setup();
    backend.valid.clear();
    // The backend accepts the refresh but then refuses the new token too.
    const realAdd = backend.valid.add.bind(backend.valid);
    backend.valid.add = () => backend.valid;
    await expect(unwrap(api.client.GET('/api/users/me'))).rejects.toMatchObject({ status: 401 });
    backend.valid.add = realAdd;
    expect(backend.refreshCalls).toBe(1);
    expect(backend.seen.filter((s) => s.path === '/api/users/me')).toHaveLength(2);
  });

  it('gets an access token before the first call after a reload', async () => {
    const { api, backend } = setup({}, null);
    await expect(unwrap(api.client.GET('/api/users/me'))).resolves.toMatchObject({ username: 'ada' });
    expect(backend.refreshCalls).toBe(1);
    expect(backend.seen.filter((s) => s.path === '/api/users/me').map((s) => s.auth)).toEqual(['Bearer access-2']);
  });

  it('never refreshes on a 401 from a public endpoint', async () => {
    const { api, backend, onAuthLost } = setup();
    const body = { login: 'ada', password: 'nope', refresh_token_delivery: 'cookie' as const };
    const error = await unwrap(api.client.POST('/api/auth/login', { body })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('INVALID_CREDENTIALS');
    expect(backend.refreshCalls).toBe(0);
    expect(backend.seen[0]?.auth).toBeNull();
    expect(onAuthLost).not.toHaveBeenCalled();
  });
});

describe('when the session cannot be refreshed', () => {
  it('clears the tokens and notifies exactly once for concurrent failures', async () => {
    const { api, backend, tokens, onAuthLost } = setup({ refreshStatus: 401 });
    const results = await Promise.allSettled([
      unwrap(api.client.GET('/api/users/me')),
      unwrap(api.client.GET('/api/users/me')),
      unwrap(api.client.GET('/api/auth/sessions')),
    ]);
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(backend.refreshCalls).toBe(1);
    expect(onAuthLost).toHaveBeenCalledTimes(1);
    expect(tokens.accessToken()).toBeNull();
    expect(window.localStorage.getItem(SESSION_HINT_KEY)).toBeNull();
  });

  it('does not notify again on later calls, and does not loop', async () => {
    const { api, backend, onAuthLost } = setup({ refreshStatus: 401 });
    await unwrap(api.client.GET('/api/users/me')).catch(() => undefined);
    await unwrap(api.client.GET('/api/users/me')).catch(() => undefined);
    await unwrap(api.client.GET('/api/auth/sessions')).catch(() => undefined);
    expect(onAuthLost).toHaveBeenCalledTimes(1);
    // Without tokens, later calls go out once, unauthenticated, and are not refreshed.
    expect(backend.refreshCalls).toBe(1);
  });

  it('notifies again only after a new session started', async () => {
    const { api, backend, onAuthLost } = setup({ refreshStatus: 401 });
    await unwrap(api.client.GET('/api/users/me')).catch(() => undefined);
    api.startSession({ access_token: 'access-new' });
    await unwrap(api.client.GET('/api/users/me')).catch(() => undefined);
    expect(onAuthLost).toHaveBeenCalledTimes(2);
    expect(backend.refreshCalls).toBe(2);
  });

  it('keeps the session when the server is unreachable or failing', async () => {
    const { api, backend, tokens, onAuthLost } = setup({ refreshStatus: 503 });
    await expect(unwrap(api.client.GET('/api/users/me'))).rejects.toMatchObject({ status: 401 });
    expect(onAuthLost).not.toHaveBeenCalled();
    expect(tokens.mayHaveSession()).toBe(true);
    expect(backend.refreshCalls).toBe(1);
  });

  it('a deliberate log out does not notify', () => {
    const { api, onAuthLost, tokens } = setup();
    api.clearSession();
    expect(tokens.mayHaveSession()).toBe(false);
    expect(onAuthLost).not.toHaveBeenCalled();
  });
});

describe('the refresh cookie', () => {
  it('refreshes with the cookie and the anti-CSRF header, never a token from storage', async () => {
    const { api, backend } = setup({}, null);
    await expect(api.refresh()).resolves.toBe('refreshed');
    const [call] = backend.seen.filter((s) => s.path === '/api/auth/refresh');
    expect(call).toMatchObject({ csrf: '1', body: '{}' });
    expect(storedValues()).toEqual([]);
  });

  it('does not call the API when this browser never signed in', async () => {
    const { api, backend } = setup({ cookie: null }, null);
    await expect(api.refresh()).resolves.toBe('ended');
    expect(backend.refreshCalls).toBe(0);
  });

  it('moves a refresh token an older version left in localStorage into the cookie once, then deletes it', async () => {
    window.localStorage.setItem(LEGACY_REFRESH_TOKEN_KEY, 'refresh-1');
    const { api, backend } = setup({ cookie: null }, null);

    await expect(api.refresh()).resolves.toBe('refreshed');
    await expect(api.refresh()).resolves.toBe('refreshed');

    const bodies = backend.seen.filter((s) => s.path === '/api/auth/refresh').map((s) => JSON.parse(s.body) as object);
    expect(bodies).toEqual([{ refresh_token: 'refresh-1', refresh_token_delivery: 'cookie' }, {}]);
    expect(window.localStorage.getItem(LEGACY_REFRESH_TOKEN_KEY)).toBeNull();
    expect(window.localStorage.getItem(SESSION_HINT_KEY)).toBe('1');
    expect(backend.cookie).toBe('refresh-3');
  });

  it('deletes a dead stored token and still tries the cookie', async () => {
    window.localStorage.setItem(LEGACY_REFRESH_TOKEN_KEY, 'long-gone');
    const { api, backend } = setup({}, null);

    await expect(api.refresh()).resolves.toBe('refreshed');

    expect(backend.refreshCalls).toBe(2);
    expect(window.localStorage.getItem(LEGACY_REFRESH_TOKEN_KEY)).toBeNull();
  });

  it('keeps a stored token for later when the server cannot be reached', async () => {
    window.localStorage.setItem(LEGACY_REFRESH_TOKEN_KEY, 'refresh-1');
    const { api } = setup({ refreshStatus: 503, cookie: null }, null);

    await expect(api.refresh()).resolves.toBe('unavailable');

    expect(window.localStorage.getItem(LEGACY_REFRESH_TOKEN_KEY)).toBe('refresh-1');
  });
});

describe('unwrap', () => {
  it('turns the error envelope into an ApiError with fields and Retry-After', async () => {
    const response = json(
      429,
      { error: { code: 'RATE_LIMITED', message: 'Slow down.', fields: { login: 'too many' }, request_id: 'abc' } },
      { 'Retry-After': '42' },
    );
    const error = (await unwrap(Promise.resolve({ error: await response.clone().json(), response })).catch(
      (e: unknown) => e,
    )) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.fields).toEqual({ login: 'too many' });
    expect(error.requestId).toBe('abc');
    expect(error.retryAfterSeconds).toBe(42);
    expect(error.userMessage).toBe('Too many attempts. Try again in 42 seconds.');
  });

  it('reports a network failure as NETWORK_ERROR', async () => {
    const error = (await unwrap(Promise.reject(new TypeError('fetch failed'))).catch((e: unknown) => e)) as ApiError;
    expect(error.code).toBe('NETWORK_ERROR');
    expect(error.status).toBe(0);
  });
});
