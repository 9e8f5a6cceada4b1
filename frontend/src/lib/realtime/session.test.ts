import { describe, expect, it, vi } from 'vitest';

import { createApi } from '../../api/client';
import { createTokenStore } from '../../api/tokens';
import { RealtimeConnection } from './connection';
import { fetchTicket, socketUrl } from './session';
import { FakeSocket } from './testing';

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

const refused = () => json(401, { error: { code: 'INVALID_TOKEN', message: 'expired', request_id: 'r' } });

/**
 * The accounts API as far as tickets go: `access-ok` is accepted; the refresh endpoint answers
 * with `refresh` (a status, or a thrown network error).
 */
function backend(refresh: number | 'network-error') {
  const calls: string[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const path = new URL(request.url).pathname;
    calls.push(`${request.method} ${path} ${request.headers.get('Authorization') ?? '-'}`);
    if (path === '/api/auth/refresh') {
      if (refresh === 'network-error') throw new TypeError('Failed to fetch');
      if (refresh !== 200) return json(refresh, { error: { code: 'SESSION_REVOKED', message: 'ended', request_id: 'r' } });
      return json(200, { access_token: 'access-ok', refresh_token: null, token_type: 'bearer', expires_in: 900 });
    }
    if (path === '/api/ws/ticket') {
      if (request.headers.get('Authorization') !== 'Bearer access-ok') return refused();
      return json(200, { ticket: 'tk_1', expires_in: 30 });
    }
    return json(404, {});
  });
  const onAuthLost = vi.fn();
  const tokens = createTokenStore(null);
  const api = createApi({ baseUrl: 'http://sanctum.test', tokens, fetch: fetchMock, lock: (f) => f(), onAuthLost });
  return { api, calls, onAuthLost, tokens };
}

describe('fetchTicket', () => {
  it('asks with the access token', async () => {
    const b = backend(200);
    b.api.startSession({ access_token: 'access-ok' });
    await expect(fetchTicket(b.api)).resolves.toEqual({ ok: true, ticket: 'tk_1' });
    expect(b.calls).toEqual(['POST /api/ws/ticket Bearer access-ok']);
  });

  it('an expired access token is refreshed and the ticket call retried, as for any call', async () => {
    const b = backend(200);
    b.api.startSession({ access_token: 'access-old' });
    await expect(fetchTicket(b.api)).resolves.toEqual({ ok: true, ticket: 'tk_1' });
    expect(b.calls).toEqual([
      'POST /api/ws/ticket Bearer access-old',
      'POST /api/auth/refresh -',
      'POST /api/ws/ticket Bearer access-ok',
    ]);
    expect(b.onAuthLost).not.toHaveBeenCalled();
  });

  it('a session that cannot be refreshed is unauthorized, and the app is told once', async () => {
    const b = backend(401);
    b.api.startSession({ access_token: 'access-old' });
    await expect(fetchTicket(b.api)).resolves.toEqual({ ok: false, reason: 'unauthorized' });
    expect(b.onAuthLost).toHaveBeenCalledTimes(1);
    expect(b.api.hasSession()).toBe(false);
  });

  it('a 401 whose refresh could not reach the server is an outage, not a lost session', async () => {
    const b = backend('network-error');
    b.api.startSession({ access_token: 'access-old' });
    await expect(fetchTicket(b.api)).resolves.toMatchObject({ ok: false, reason: 'unavailable' });
    expect(b.onAuthLost).not.toHaveBeenCalled();
    expect(b.api.hasSession()).toBe(true);
  });

  it('a network error is unavailable', async () => {
    const b = backend(200);
    b.api.startSession({ access_token: 'access-ok' });
    const failing = createApi({
      baseUrl: 'http://sanctum.test',
      tokens: b.tokens,
      fetch: async () => {
        throw new TypeError('Failed to fetch');
      },
    });
    await expect(fetchTicket(failing)).resolves.toMatchObject({ ok: false, reason: 'unavailable' });
  });

  it('through a connection: the session is lost once and nothing retries', async () => {
    vi.useFakeTimers();
    try {
      const b = backend(401);
      b.api.startSession({ access_token: 'access-old' });
      const sockets: FakeSocket[] = [];
      const conn = new RealtimeConnection({
        getTicket: () => fetchTicket(b.api),
        url: (ticket) => socketUrl(ticket, 'http://sanctum.test'),
        onSessionLost: () => b.api.loseSession(),
        createSocket: (url) => {
          const socket = new FakeSocket(url);
          sockets.push(socket);
          return socket;
        },
      });
      conn.start();
      await vi.advanceTimersByTimeAsync(120_000);
      expect(b.onAuthLost).toHaveBeenCalledTimes(1);
      expect(b.calls.filter((c) => c.includes('/api/ws/ticket'))).toHaveLength(1);
      expect(sockets).toHaveLength(0);
      expect(conn.getStatus()).toEqual({ state: 'stopped', reason: 'session-lost' });
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('socketUrl', () => {
  it('is same-origin by default, and follows an API on another origin', () => {
    expect(socketUrl('a+b/c', '')).toBe(`ws://${window.location.host}/api/ws?ticket=a%2Bb%2Fc`);
    expect(socketUrl('tk', 'https://sanctum.example.com')).toBe('wss://sanctum.example.com/api/ws?ticket=tk');
    expect(socketUrl('tk', '/sanctum')).toBe(`ws://${window.location.host}/sanctum/api/ws?ticket=tk`);
  });
});
