// Where the credentials live. The access token stays in memory only (it dies with the tab and is never
// readable from storage); the refresh token is kept in localStorage so a reload or a new tab can get a
// fresh access token without asking for the password again.

export const REFRESH_TOKEN_KEY = 'sanctum.refresh';

export interface TokenPairLike {
  access_token: string;
  refresh_token: string;
}

export interface TokenStore {
  accessToken(): string | null;
  /** Read from storage every time: another tab may have rotated it since. */
  refreshToken(): string | null;
  save(pair: TokenPairLike): void;
  clear(): void;
}

/** Storage that never throws (private browsing, disabled storage): falls back to memory. */
function safeStorage(storage: Storage | null | undefined) {
  let fallback: string | null = null;
  return {
    get(): string | null {
      try {
        return storage ? storage.getItem(REFRESH_TOKEN_KEY) : fallback;
      } catch {
        return fallback;
      }
    },
    set(value: string | null): void {
      fallback = value;
      try {
        if (!storage) return;
        if (value === null) storage.removeItem(REFRESH_TOKEN_KEY);
        else storage.setItem(REFRESH_TOKEN_KEY, value);
      } catch {
        // Memory fallback already holds it.
      }
    },
  };
}

export function createTokenStore(storage: Storage | null | undefined): TokenStore {
  const refresh = safeStorage(storage);
  let access: string | null = null;
  return {
    accessToken: () => access,
    refreshToken: () => refresh.get(),
    save(pair) {
      access = pair.access_token;
      refresh.set(pair.refresh_token);
    },
    clear() {
      access = null;
      refresh.set(null);
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
