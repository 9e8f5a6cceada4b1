// The tab's one realtime connection, wired to the app's API client and session rules.
import { api as appApi, type Api } from '../../api/client';
import { resolveApiBase, wsUrlFor } from '../../api/base';
import { RealtimeConnection, type TicketOutcome } from './connection';

/**
 * Asks for a WebSocket ticket through the authenticated client, so an expired access token is
 * refreshed (single-flight) and the call retried as for any other call.
 *
 * A 401 that survives that means the session is over, and the client has already dropped the
 * tokens: `unauthorized`. The one exception is a 401 whose refresh could not reach the server
 * (the tokens are still there): that is an outage, not a lost session, so it is `unavailable`
 * and retried with backoff like any other failure.
 */
export async function fetchTicket(api: Api = appApi): Promise<TicketOutcome> {
  let result;
  try {
    result = await api.client.POST('/api/ws/ticket');
  } catch (error) {
    return { ok: false, reason: 'unavailable', detail: String(error) };
  }
  if (result.data) return { ok: true, ticket: result.data.ticket };
  const status = result.response.status;
  if (status === 401 && !api.hasSession()) return { ok: false, reason: 'unauthorized' };
  return { ok: false, reason: 'unavailable', detail: `HTTP ${status}` };
}

/** The gateway's URL for a ticket, on the API the app talks to (same origin by default). */
export function socketUrl(ticket: string, apiBase: string = resolveApiBase()): string {
  return wsUrlFor(apiBase, `/api/ws?ticket=${encodeURIComponent(ticket)}`);
}

export function createAppConnection(api: Api = appApi): RealtimeConnection {
  return new RealtimeConnection({
    getTicket: () => fetchTicket(api),
    url: (ticket) => socketUrl(ticket),
    // Idempotent, and the same "session lost" the HTTP client uses: tokens dropped, the app sent
    // to /login once. Usually the client has already fired it while refreshing for the ticket.
    onSessionLost: () => api.loseSession(),
    debug: import.meta.env.DEV ? (message, details) => console.debug(message, details ?? '') : undefined,
  });
}

let shared: RealtimeConnection | null = null;

/** The tab's connection, created on first use. */
export function realtimeConnection(): RealtimeConnection {
  shared ??= createAppConnection();
  return shared;
}
