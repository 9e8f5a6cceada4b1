// The one typed HTTP client of the app, with the session rules in one place:
// - every call to a protected endpoint carries `Authorization: Bearer <access token>`;
// - a 401 on such a call refreshes the session once and retries the call once;
// - refreshes are single-flight: concurrent 401s (and other tabs, through a Web Lock) share one
//   refresh, because the backend treats a second use of a rotated refresh token as theft and ends
//   the session. The refresh token is the HttpOnly cookie, which the browser sends by itself; the
//   refresh carries the anti-CSRF header the backend requires with it;
// - when the session cannot be refreshed, the tokens are dropped and `onAuthLost` fires once.
import createClient, { type Client, type Middleware } from 'openapi-fetch';

import { resolveApiBase } from './base';
import { ApiError, networkError, toApiError } from './errors';
import type { paths } from './generated/schema';
import { tokens as browserTokens, type AccessTokenLike, type TokenStore } from './tokens';

export type ApiClient = Client<paths>;

/** What a refresh attempt found: new tokens, a session that is over, or a server out of reach. */
export type RefreshOutcome = 'refreshed' | 'ended' | 'unavailable';

/** Endpoints that never take an access token; their 401s mean "wrong password", not "expired". */
const PUBLIC_PATHS: ReadonlySet<string> = new Set([
  '/api/auth/login',
  '/api/auth/register',
  '/api/auth/refresh',
  '/api/invites/preview',
  '/api/auth/login/second-factor',
  '/api/auth/passkeys/login/options',
  '/api/auth/passkeys/login',
  '/api/auth/password/forgot',
  '/api/auth/password/reset',
  '/api/auth/email/verify',
]);

type Lock = <T>(critical: () => Promise<T>) => Promise<T>;

type RefreshBody = NonNullable<paths['/api/auth/refresh']['post']['requestBody']>['content']['application/json'];

/** Sent with every refresh: the backend refuses a refresh by cookie without it (no other site can set it). */
const CSRF_HEADER = 'X-Sanctum-CSRF';

/** Serializes refreshes across the tabs of this browser, which share one refresh token. */
const browserLock: Lock = <T,>(critical: () => Promise<T>) => {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  return locks ? (locks.request('sanctum.refresh', critical) as Promise<T>) : critical();
};

export interface ApiOptions {
  baseUrl: string;
  tokens: TokenStore;
  fetch?: typeof fetch;
  lock?: Lock;
  onAuthLost?: () => void;
}

export interface Api {
  client: ApiClient;
  /** Refreshes the session (single-flight). Does not end the session by itself. */
  refresh(): Promise<RefreshOutcome>;
  /** Starts a session from a fresh login: keeps the access token and re-arms `onAuthLost`. */
  startSession(pair: AccessTokenLike): void;
  /** Drops the tokens without notifying (a deliberate log out). */
  clearSession(): void;
  /** Drops the tokens and notifies `onAuthLost`, at most once until the next `startSession`. */
  loseSession(): void;
  hasSession(): boolean;
  setAuthLostHandler(handler: (() => void) | null): void;
}

export function createApi(options: ApiOptions): Api {
  const store = options.tokens;
  const lock = options.lock ?? browserLock;
  // Late-bound so tests (and anything wrapping window.fetch) see the current global.
  const fetchImpl: typeof fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const bare = createClient<paths>({ baseUrl: options.baseUrl, fetch: fetchImpl });
  const client = createClient<paths>({ baseUrl: options.baseUrl, fetch: fetchImpl });

  let onAuthLost = options.onAuthLost ?? null;
  let lostNotified = false;
  let inflight: Promise<RefreshOutcome> | null = null;

  async function attempt(body: RefreshBody): Promise<RefreshOutcome> {
    let result;
    try {
      result = await bare.POST('/api/auth/refresh', { body, params: { header: { [CSRF_HEADER]: '1' } } });
    } catch {
      return 'unavailable';
    }
    if (result.data) {
      store.save(result.data);
      return 'refreshed';
    }
    const status = result.response.status;
    return status === 400 || status === 401 || status === 403 || status === 422 ? 'ended' : 'unavailable';
  }

  async function rotate(): Promise<RefreshOutcome> {
    // Read inside the lock: another tab may have moved the old stored token into the cookie meanwhile.
    const legacy = store.legacyRefreshToken();
    if (legacy) {
      // Once: present the token an older version kept in localStorage, get the cookie back, forget it.
      const outcome = await attempt({ refresh_token: legacy, refresh_token_delivery: 'cookie' });
      if (outcome === 'unavailable') return outcome;
      store.forgetLegacyRefreshToken();
      if (outcome === 'refreshed') return outcome;
    }
    if (!store.mayHaveSession()) return 'ended';
    return attempt({});
  }

  function refresh(): Promise<RefreshOutcome> {
    inflight ??= lock(rotate).finally(() => {
      inflight = null;
    });
    return inflight;
  }

  function loseSession(): void {
    store.clear();
    if (lostNotified) return;
    lostNotified = true;
    onAuthLost?.();
  }

  // The request as it was before fetch consumed its body, to send it again after a refresh.
  const sent = new Map<string, { replay: Request; token: string }>();

  const auth: Middleware = {
    async onRequest({ request, schemaPath, id }) {
      if (PUBLIC_PATHS.has(schemaPath)) return undefined;
      let token = store.accessToken();
      if (!token && store.mayHaveSession()) {
        // A reload: the refresh cookie survived, the access token did not.
        const outcome = await refresh();
        if (outcome === 'ended') loseSession();
        token = store.accessToken();
      }
      if (!token) return undefined;
      request.headers.set('Authorization', `Bearer ${token}`);
      sent.set(id, { replay: request.clone(), token });
      return request;
    },
    async onResponse({ response, id }) {
      const entry = sent.get(id);
      sent.delete(id);
      if (!entry || response.status !== 401) return undefined;
      let token = store.accessToken();
      // Someone else already refreshed since this call left: just use their token.
      if (!token || token === entry.token) {
        const outcome = await refresh();
        if (outcome === 'ended') {
          loseSession();
          return undefined;
        }
        token = store.accessToken();
        if (outcome === 'unavailable' || !token) return undefined;
      }
      entry.replay.headers.set('Authorization', `Bearer ${token}`);
      const retried = await fetchImpl(entry.replay);
      // A token minted a moment ago was refused: the session was revoked in between.
      if (retried.status === 401) loseSession();
      return retried;
    },
    onError({ id }) {
      sent.delete(id);
      return undefined;
    },
  };
  client.use(auth);

  return {
    client,
    refresh,
    startSession(pair) {
      store.save(pair);
      lostNotified = false;
    },
    clearSession() {
      store.clear();
    },
    loseSession,
    hasSession: () => store.accessToken() !== null || store.mayHaveSession(),
    setAuthLostHandler(handler) {
      onAuthLost = handler;
    },
  };
}

type Result<D> = { data?: D; error?: unknown; response: Response };

/** Resolves to the data of a successful call, or throws an ApiError. */
export async function unwrap<D>(pending: Promise<Result<D>>): Promise<D> {
  let result: Result<D>;
  try {
    result = await pending;
  } catch (cause) {
    if (cause instanceof ApiError) throw cause;
    throw networkError(cause);
  }
  if (result.response.ok) return result.data as D;
  throw toApiError(result.error, result.response);
}

export const api: Api = createApi({ baseUrl: resolveApiBase(), tokens: browserTokens });
