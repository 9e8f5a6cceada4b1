// Where the API lives. Every API path already starts with `/api`, so the base is an origin (plus an
// optional path prefix when a proxy mounts Sanctum below one), never `.../api`.

interface LocationLike {
  protocol: string;
  host: string;
}

/**
 * The base URL for API calls: `''` (same origin, the default: the backend serves this app) unless
 * `VITE_API_URL` names another one, either absolute (`https://sanctum.example.com`) or a path prefix
 * on this origin (`/sanctum`). Trailing slashes are dropped.
 */
export function resolveApiBase(configured: string | undefined = import.meta.env.VITE_API_URL): string {
  const value = (configured ?? '').trim();
  if (value === '' || value === '/') return '';
  if (value.startsWith('/')) {
    if (value.startsWith('//')) throw new Error(`VITE_API_URL must not be protocol-relative: ${value}`);
    return value.replace(/\/+$/, '');
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`VITE_API_URL must be an absolute http(s) URL or a path starting with "/": ${value}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`VITE_API_URL must use http or https, not ${url.protocol}: ${value}`);
  }
  if (url.search || url.hash) {
    throw new Error(`VITE_API_URL must not carry a query or fragment: ${value}`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/**
 * The WebSocket URL for `path` (e.g. `/api/ws?ticket=...`) on the API at `apiBase`: `wss:` when the
 * API is served over https, `ws:` otherwise. A same-origin or path-prefix base uses this page's host.
 */
export function wsUrlFor(apiBase: string, path: string, location: LocationLike = window.location): string {
  if (!path.startsWith('/')) throw new Error(`wsUrlFor needs a path starting with "/": ${path}`);
  if (apiBase === '' || apiBase.startsWith('/')) {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    return `${scheme}//${location.host}${apiBase}${path}`;
  }
  const url = new URL(apiBase);
  const scheme = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${url.host}${url.pathname.replace(/\/+$/, '')}${path}`;
}
