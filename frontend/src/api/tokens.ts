// Where the credentials live (docs/security.md, "Sessions"):
// - the access token: in memory only; it dies with the tab and is never in storage;
// - the refresh token: an HttpOnly cookie the server sets at login and refresh (Path=/api/auth,
//   SameSite=Strict). Script cannot read it, so an injected script cannot carry it away;
// - a hint in localStorage that this browser signed in, so a reload or a new tab knows a refresh is
//   worth trying, and other tabs hear about a log out (the storage event). It is not a credential.
// A refresh token that an older version of the app kept in localStorage is moved into the cookie by the
// next refresh and then deleted.

export const SESSION_HINT_KEY = 'sanctum.session';
export const LEGACY_REFRESH_TOKEN_KEY = 'sanctum.refresh';

export interface AccessTokenLike {
  access_token: string;
}

export interface TokenStore {
  accessToken(): string | null;
  /** Whether a refresh may find a session: this browser signed in, or an old stored token waits to move. */
  mayHaveSession(): boolean;
  /** A refresh token left in storage by an older version of the app. Read it inside the refresh lock. */
  legacyRefreshToken(): string | null;
  forgetLegacyRefreshToken(): void;
  /** A new access token (login or refresh); marks this browser as signed in. */
  save(pair: AccessTokenLike): void;
  clear(): void;
}

/** One key of a storage that never throws (private browsing, disabled storage): falls back to memory. */
function safeItem(storage: Storage | null | undefined, key: string) {
  let fallback: string | null = null;
  return {
    get(): string | null {
      try {
        return storage ? storage.getItem(key) : fallback;
      } catch {
        return fallback;
      }
    },
    set(value: string | null): void {
      fallback = value;
      try {
        if (!storage) return;
        if (value === null) storage.removeItem(key);
        else storage.setItem(key, value);
      } catch {
        // Memory fallback already holds it.
      }
    },
  };
}

export function createTokenStore(storage: Storage | null | undefined): TokenStore {
  const hint = safeItem(storage, SESSION_HINT_KEY);
  const legacy = safeItem(storage, LEGACY_REFRESH_TOKEN_KEY);
  let access: string | null = null;
  return {
    accessToken: () => access,
    mayHaveSession: () => hint.get() !== null || legacy.get() !== null,
    legacyRefreshToken: () => legacy.get(),
    forgetLegacyRefreshToken: () => legacy.set(null),
    save(pair) {
      access = pair.access_token;
      if (hint.get() === null) hint.set('1');
    },
    clear() {
      access = null;
      hint.set(null);
      legacy.set(null);
    },
  };
}

function browserStorage(): Storage | null {
  try {
    return typeof window !== 'undefined' ? window.localStorage : null;
  } catch {
    return null;
  }
}

export const tokens: TokenStore = createTokenStore(browserStorage());
