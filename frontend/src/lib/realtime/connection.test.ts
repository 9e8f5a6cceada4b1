import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { backoffDelay } from './backoff';
import { CLIENT_HEARTBEAT_TIMEOUT, RealtimeConnection, type TicketOutcome } from './connection';
import type { ErrorBody, TopicEvent } from './protocol';
import { FakeSocket } from './testing';

type TicketAnswer = TicketOutcome | 'throw';

/** A connection wired to fakes: tickets answer from `answers` (then succeed), sockets are FakeSockets. */
function harness(options: { answers?: TicketAnswer[]; random?: () => number } = {}) {
  const answers = [...(options.answers ?? [])];
  const sockets: FakeSocket[] = [];
  const ticketCalls: number[] = [];
  const onSessionLost = vi.fn();
  let issued = 0;
  const conn = new RealtimeConnection({
    getTicket: async () => {
      ticketCalls.push(Date.now());
      const answer = answers.shift();
      if (answer === 'throw') throw new TypeError('Failed to fetch');
      if (answer) return answer;
      issued += 1;
      return { ok: true, ticket: `t${issued}` };
    },
    url: (ticket) => `ws://sanctum.test/api/ws?ticket=${ticket}`,
    onSessionLost,
    createSocket: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
    random: options.random ?? (() => 0),
  });
  const last = () => {
    const socket = sockets.at(-1);
    if (!socket) throw new Error('no socket was opened');
    return socket;
  };
  return { conn, sockets, ticketCalls, onSessionLost, answers, last };
}

const unavailable: TicketOutcome = { ok: false, reason: 'unavailable', detail: 'HTTP 503' };
const unauthorized: TicketOutcome = { ok: false, reason: 'unauthorized' };

/** Lets pending promises (the ticket call) settle without moving the clock. */
const settle = () => vi.advanceTimersByTimeAsync(0);

function gaps(times: number[]): number[] {
  return times.slice(1).map((t, i) => t - (times[i] as number));
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2026-01-01T00:00:00Z'));
});

afterEach(() => {
  vi.useRealTimers();
});

describe('backoffDelay', () => {
  it('doubles from 1 s and stops at 30 s', () => {
    const top = () => 0; // no jitter taken off
    expect([0, 1, 2, 3, 4, 5, 6, 12, 1000].map((n) => backoffDelay(n, top))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000, 30_000,
    ]);
  });

  it('takes off up to a quarter at random, so consecutive delays still grow', () => {
    for (const r of [0, 0.25, 0.5, 0.999999]) {
      for (let n = 0; n < 10; n += 1) {
        const ceiling = Math.min(30_000, 1_000 * 2 ** n);
        const delay = backoffDelay(n, () => r);
        expect(delay).toBeGreaterThanOrEqual(ceiling * 0.75);
        expect(delay).toBeLessThanOrEqual(ceiling);
      }
    }
    // The worst case of one attempt still waits longer than the best case of the one before.
    for (let n = 0; n < 4; n += 1) expect(backoffDelay(n + 1, () => 0.999999)).toBeGreaterThan(backoffDelay(n, () => 0));
  });
});

describe('reconnecting', () => {
  it('backs off 1, 2, 4, 8, 16, 30, 30 s between failed attempts, with jitter', async () => {
    const jitter = [0.1, 0.9, 0.3, 0.6, 0.2, 0.8, 0.5, 0.4];
    let i = 0;
    const h = harness({ answers: Array(8).fill(unavailable), random: () => jitter[i++ % jitter.length] as number });
    h.conn.start();
    await vi.advanceTimersByTimeAsync(110_000);

    const observed = gaps(h.ticketCalls.slice(0, 8));
    const ceilings = [1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000];
    expect(observed).toEqual(ceilings.map((c, k) => Math.round(c * (1 - 0.25 * (jitter[k] as number)))));
    for (const [k, gap] of observed.entries()) {
      expect(gap).toBeGreaterThanOrEqual((ceilings[k] as number) * 0.75);
      expect(gap).toBeLessThanOrEqual(ceilings[k] as number);
    }
    expect(h.sockets).toHaveLength(1); // the ninth attempt got a ticket
  });

  it('shows the wait in its status while offline', async () => {
    const h = harness({ answers: [unavailable, unavailable] });
    const seen: string[] = [];
    h.conn.onStatus(() => seen.push(h.conn.getStatus().state));
    h.conn.start();
    await settle();
    expect(h.conn.getStatus()).toMatchObject({ state: 'offline', attempt: 1, delayMs: 1_000, retryAt: Date.now() + 1_000 });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(h.conn.getStatus()).toMatchObject({ state: 'offline', attempt: 2, delayMs: 2_000 });
    await vi.advanceTimersByTimeAsync(2_000);
    h.last().hello();
    expect(h.conn.getStatus()).toMatchObject({ state: 'online', connectionId: 'c1', userId: 'u1' });
    expect(seen).toEqual(['connecting', 'offline', 'connecting', 'offline', 'connecting', 'online']);
  });

  it('starts the sequence over only after a connection stayed healthy', async () => {
    const h = harness({ answers: [unavailable, unavailable, unavailable] });
    h.conn.start();
    await vi.advanceTimersByTimeAsync(1_000 + 2_000 + 4_000);
    expect(h.ticketCalls).toHaveLength(4);

    // Up, but only for a second: not healthy, so the next wait keeps growing (8 s).
    h.last().hello();
    await vi.advanceTimersByTimeAsync(1_000);
    h.last().serverClose(1006);
    expect(h.conn.getStatus()).toMatchObject({ state: 'offline', delayMs: 8_000 });
    await vi.advanceTimersByTimeAsync(8_000);
    expect(h.ticketCalls).toHaveLength(5);

    // Up for longer than healthyAfterMs (5 s): the next drop waits 1 s again.
    h.last().hello('c2');
    await vi.advanceTimersByTimeAsync(5_000);
    h.last().serverClose(1001, 'server shutting down');
    expect(h.conn.getStatus()).toMatchObject({ state: 'offline', delayMs: 1_000, closeCode: 1001 });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(h.ticketCalls).toHaveLength(6);
    expect(gaps(h.ticketCalls)).toEqual([1_000, 2_000, 4_000, 9_000, 6_000]);
  });

  it('gets a fresh ticket for every attempt, including after 4401', async () => {
    const h = harness({ answers: ['throw'] });
    h.conn.start();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(h.sockets.map((s) => s.ticket)).toEqual(['t1']);
    expect(h.last().url).toBe('ws://sanctum.test/api/ws?ticket=t1');

    h.last().serverClose(4401, 'the ticket is invalid, expired or already used');
    await vi.advanceTimersByTimeAsync(10_000);
    h.last().hello();
    h.last().serverClose(4408, 'heartbeat timeout');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(h.sockets.map((s) => s.ticket)).toEqual(['t1', 't2', 't3']);
    expect(h.ticketCalls).toHaveLength(4);
  });

  it('waits long after 4429 and backs off after 4403 and 1008', async () => {
    const h = harness();
    h.conn.start();
    await settle();
    h.last().serverClose(4429, 'too many connections for this user');
    expect(h.conn.getStatus()).toMatchObject({ state: 'offline', delayMs: 30_000, closeCode: 4429 });
    await vi.advanceTimersByTimeAsync(30_000);

    h.last().hello();
    await vi.advanceTimersByTimeAsync(5_000); // healthy: the sequence starts over...
    h.last().serverClose(1008, 'too many invalid messages');
    // ...but a policy close still waits as if two attempts had failed.
    expect(h.conn.getStatus()).toMatchObject({ state: 'offline', delayMs: 4_000 });
    await vi.advanceTimersByTimeAsync(4_000);
    h.last().serverClose(4403, 'forbidden');
    expect(h.conn.getStatus()).toMatchObject({ state: 'offline', delayMs: 8_000 });
  });

  it('drops an attempt that never says hello', async () => {
    const h = harness();
    h.conn.start();
    await settle();
    h.last().open();
    await vi.advanceTimersByTimeAsync(15_000);
    expect(h.sockets[0]?.closedWith?.code).toBe(4001);
    expect(h.conn.getStatus()).toMatchObject({ state: 'offline', delayMs: 1_000 });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(h.sockets).toHaveLength(2);
  });

  it('stop() closes the socket and never retries', async () => {
    const h = harness();
    h.conn.start();
    await settle();
    const socket = h.last();
    socket.hello();
    h.conn.stop();
    expect(socket.closedWith).toEqual({ code: 1000, reason: 'client stopped' });
    socket.serverClose(1000); // late events of the old socket are ignored
    await vi.advanceTimersByTimeAsync(120_000);
    expect(h.ticketCalls).toHaveLength(1);
    expect(h.conn.getStatus()).toEqual({ state: 'idle' });
  });

  it('a ticket that arrives after stop() is not used', async () => {
    const h = harness();
    h.conn.start();
    h.conn.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(h.sockets).toHaveLength(0);
  });
});

describe('a lost session', () => {
  it('a 401 on the ticket stops the connection and signals session loss once', async () => {
    const h = harness({ answers: [unauthorized, unauthorized] });
    h.conn.start();
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    expect(h.onSessionLost).toHaveBeenCalledTimes(1);
    expect(h.ticketCalls).toHaveLength(1);
    expect(h.sockets).toHaveLength(0);
    expect(h.conn.getStatus()).toEqual({ state: 'stopped', reason: 'session-lost' });
  });

  it('4401, then a 401 for the new ticket: login once, no loop', async () => {
    const h = harness();
    h.conn.start();
    await settle();
    h.last().hello();
    h.answers.push(unauthorized, unauthorized);
    h.last().serverClose(4401, 'the ticket is invalid, expired or already used');
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    expect(h.onSessionLost).toHaveBeenCalledTimes(1);
    expect(h.ticketCalls).toHaveLength(2);
    expect(h.sockets).toHaveLength(1);
  });

  it('a server out of reach is not a lost session', async () => {
    const h = harness({ answers: ['throw', unavailable, 'throw'] });
    h.conn.start();
    await vi.advanceTimersByTimeAsync(1_000 + 2_000 + 4_000);
    expect(h.onSessionLost).not.toHaveBeenCalled();
    expect(h.sockets).toHaveLength(1);
  });
});

describe('topics', () => {
  async function online(h: ReturnType<typeof harness>, connectionId = 'c1') {
    await settle();
    h.last().hello(connectionId);
  }

  it('after 1012 (a deploy) reconnects within a second, resumes from the last seq and keeps the backoff', async () => {
    const h = harness({ random: () => 0.5 });
    const seen: TopicEvent[] = [];
    h.conn.subscribe('room:1', { onEvent: (e) => seen.push(e) });
    h.conn.start();
    await online(h);
    const first = h.last();
    first.receive({ type: 'subscribed', topic: 'room:1', seq: 3, cid: first.sentOfType('subscribe')[0]?.cid });
    first.receive({ type: 'message.created', topic: 'room:1', seq: 4, data: {} });

    first.serverClose(1012, 'service restart');
    expect(h.conn.getStatus()).toMatchObject({ state: 'offline', delayMs: 500, closeCode: 1012, reason: 'server restarting' });
    await vi.advanceTimersByTimeAsync(500);
    await online(h, 'c2');
    expect(h.last().sentOfType('subscribe').map(({ topic, since }) => ({ topic, since }))).toEqual([
      { topic: 'room:1', since: 4 },
    ]);
    // A restart is not a failure: a drop right after it still waits the first backoff step only.
    h.last().serverClose(1006);
    expect(h.conn.getStatus()).toMatchObject({ state: 'offline', delayMs: backoffDelay(0, () => 0.5) });
  });

  it('subscribes once per topic, then resubscribes with since after a reconnect', async () => {
    const h = harness();
    const room: TopicEvent[] = [];
    const a = h.conn.subscribe('room:1', { onEvent: (e) => room.push(e) });
    h.conn.subscribe('room:1', { onEvent: () => undefined });
    h.conn.subscribe('user:u1', { onEvent: () => undefined });
    h.conn.start();
    await online(h);

    const first = h.last();
    expect(first.sentOfType('subscribe').map(({ topic, since }) => ({ topic, since }))).toEqual([
      { topic: 'room:1', since: undefined },
      { topic: 'user:u1', since: undefined },
    ]);
    const [roomCid, userCid] = first.sentOfType('subscribe').map((f) => f.cid);
    first.receive({ type: 'subscribed', topic: 'room:1', seq: 3, cid: roomCid });
    first.receive({ type: 'subscribed', topic: 'user:u1', seq: 0, cid: userCid });
    first.receive({ type: 'message.created', topic: 'room:1', seq: 4, data: { n: 4 } });
    first.receive({ type: 'message.created', topic: 'room:1', seq: 5, data: { n: 5 } });
    first.serverClose(1006);

    await vi.advanceTimersByTimeAsync(1_000);
    await online(h, 'c2');
    const second = h.last();
    expect(second).not.toBe(first);
    expect(second.sentOfType('subscribe').map(({ topic, since }) => ({ topic, since }))).toEqual([
      { topic: 'room:1', since: 5 },
      { topic: 'user:u1', since: 0 },
    ]);
    // The server replays after `since` (a replay that overlaps what we saw is dropped), then live.
    second.receive({ type: 'message.created', topic: 'room:1', seq: 5, data: { n: 5 } });
    second.receive({ type: 'message.created', topic: 'room:1', seq: 6, data: { n: 6 } });
    second.receive({ type: 'subscribed', topic: 'room:1', seq: 6, cid: second.sentOfType('subscribe')[0]?.cid });
    second.receive({ type: 'message.created', topic: 'room:1', seq: 7, data: { n: 7 } });
    expect(room.map((e) => e.seq)).toEqual([4, 5, 6, 7]);
    expect(h.conn.heldTopics().get('room:1')).toBe(7);
    a();
  });

  it('drops events at or below the last seq seen; ephemeral events always pass', async () => {
    const h = harness();
    const got: (number | string)[] = [];
    h.conn.subscribe('room:1', { onEvent: (e) => got.push(e.seq ?? e.type) });
    h.conn.start();
    await online(h);
    const s = h.last();
    for (const seq of [1, 2, 2, 1, 3]) s.receive({ type: 'message.created', topic: 'room:1', seq, data: {} });
    s.receive({ type: 'typing', topic: 'room:1', data: {} });
    s.receive({ type: 'typing', topic: 'room:1', data: {} });
    expect(got).toEqual([1, 2, 3, 'typing', 'typing']);
    expect(h.conn.duplicatesDropped).toBe(2);
  });

  it('events of topics nobody holds are ignored, and so are malformed frames', async () => {
    const h = harness();
    const got: TopicEvent[] = [];
    h.conn.subscribe('room:1', { onEvent: (e) => got.push(e) });
    h.conn.start();
    await online(h);
    const s = h.last();
    s.receive({ type: 'message.created', topic: 'room:2', seq: 1, data: {} });
    s.receive('not json');
    s.receive([1, 2]);
    s.receive({ type: 'message.created', topic: 'room:1', seq: -1, data: {} });
    s.receive({ type: 'message.created', topic: 'room:1', seq: 1, data: { ok: true } });
    expect(got).toEqual([{ type: 'message.created', topic: 'room:1', seq: 1, data: { ok: true } }]);
  });

  it('RESYNC_REQUIRED reaches the subscriber, which can refetch', async () => {
    const h = harness();
    const errors: ErrorBody[] = [];
    const events: TopicEvent[] = [];
    h.conn.subscribe('room:1', { onEvent: (e) => events.push(e), onError: (e) => errors.push(e) });
    h.conn.start();
    await online(h);
    h.last().receive({ type: 'subscribed', topic: 'room:1', seq: 10, cid: h.last().sentOfType('subscribe')[0]?.cid });
    h.last().serverClose(1006);
    await vi.advanceTimersByTimeAsync(1_000);
    await online(h, 'c2');
    const cid = h.last().sentOfType('subscribe')[0]?.cid;
    expect(h.last().sentOfType('subscribe')[0]).toMatchObject({ topic: 'room:1', since: 10 });
    const resync = {
      code: 'RESYNC_REQUIRED',
      message: 'Too many events were missed to replay; reload this topic’s state.',
      details: { topic: 'room:1', seq: 5000 },
    };
    h.last().receive({ type: 'error', cid, error: resync });
    h.last().receive({ type: 'subscribed', topic: 'room:1', seq: 5000, cid });
    h.last().receive({ type: 'message.created', topic: 'room:1', seq: 5001, data: {} });
    expect(errors).toEqual([resync]);
    expect(events.map((e) => e.seq)).toEqual([5001]);
  });

  it('a refused subscription reports FORBIDDEN and is not unsubscribed later', async () => {
    const h = harness();
    const errors: string[] = [];
    const leave = h.conn.subscribe('user:someone-else', { onEvent: () => undefined, onError: (e) => errors.push(e.code) });
    h.conn.start();
    await online(h);
    const cid = h.last().sentOfType('subscribe')[0]?.cid;
    h.last().receive({ type: 'error', cid, error: { code: 'FORBIDDEN', message: 'You may not subscribe to this topic.' } });
    expect(errors).toEqual(['FORBIDDEN']);
    leave();
    await settle();
    expect(h.last().sentOfType('unsubscribe')).toEqual([]);
  });

  it('a hub command sent with command() hears its own refusal at once, and no topic listener does', async () => {
    const h = harness();
    const topicErrors: string[] = [];
    h.conn.subscribe('room:7', { onEvent: () => undefined, onError: (e) => topicErrors.push(e.code) });
    h.conn.start();
    await online(h);
    const refusals: string[] = [];
    expect(h.conn.command({ type: 'call.start', room_id: 'r1', kind: 'voice' }, (e) => refusals.push(e.code))).toBe(true);
    const sent = h.last().sentOfType('call.start')[0];
    expect(sent).toMatchObject({ type: 'call.start', room_id: 'r1', kind: 'voice' });
    h.last().receive({ type: 'error', cid: sent?.cid, error: { code: 'CALL_BUSY', message: 'They are in another call.' } });
    h.last().receive({ type: 'error', cid: sent?.cid, error: { code: 'CALL_BUSY', message: 'again' } });
    expect(refusals).toEqual(['CALL_BUSY']);
    expect(topicErrors).toEqual([]);
  });

  it('a subscription the server revokes reports REVOKED and is not unsubscribed later', async () => {
    const h = harness();
    const errors: string[] = [];
    const leave = h.conn.subscribe('room:7', { onEvent: () => undefined, onError: (e) => errors.push(e.code) });
    h.conn.start();
    await online(h);
    const cid = h.last().sentOfType('subscribe')[0]?.cid;
    h.last().receive({ type: 'subscribed', topic: 'room:7', seq: 3, cid });
    h.last().receive({ type: 'unsubscribed', topic: 'room:7', reason: 'revoked' });
    expect(errors).toEqual(['REVOKED']);
    leave();
    await settle();
    expect(h.last().sentOfType('unsubscribe')).toEqual([]);
  });

  it('the last listener leaving unsubscribes; leaving and coming back at once does not', async () => {
    const h = harness();
    h.conn.start();
    await online(h);
    const s = h.last();
    const first = h.conn.subscribe('room:1', { onEvent: () => undefined });
    first();
    const again = h.conn.subscribe('room:1', { onEvent: () => undefined }); // a remount
    await settle();
    expect(s.sentOfType('subscribe')).toHaveLength(1);
    expect(s.sentOfType('unsubscribe')).toHaveLength(0);
    again();
    again();
    await settle();
    expect(s.sentOfType('unsubscribe')).toEqual([{ type: 'unsubscribe', topic: 'room:1' }]);
    expect(h.conn.heldTopics().has('room:1')).toBe(false);
  });

  it('a listener that throws does not stop the others', async () => {
    const h = harness();
    const got: number[] = [];
    h.conn.subscribe('room:1', {
      onEvent: () => {
        throw new Error('boom');
      },
    });
    h.conn.subscribe('room:1', { onEvent: (e) => got.push(e.seq ?? -1) });
    h.conn.start();
    await online(h);
    h.last().receive({ type: 'message.created', topic: 'room:1', seq: 1, data: {} });
    expect(got).toEqual([1]);
  });
});

describe('confirmed subscriptions and hub messages', () => {
  async function online(h: ReturnType<typeof harness>, connectionId = 'c1') {
    await settle();
    h.last().hello(connectionId);
  }

  it('onSubscribed fires on every confirmation, and at once for a listener joining a confirmed topic', async () => {
    const h = harness();
    const first: number[] = [];
    const second: number[] = [];
    h.conn.subscribe('room:1', { onEvent: () => undefined, onSubscribed: ({ seq }) => first.push(seq) });
    h.conn.start();
    await online(h);
    expect(first).toEqual([]);
    h.last().receive({ type: 'subscribed', topic: 'room:1', seq: 3, cid: h.last().sentOfType('subscribe')[0]?.cid });
    expect(first).toEqual([3]);

    h.conn.subscribe('room:1', { onEvent: () => undefined, onSubscribed: ({ seq }) => second.push(seq) });
    await settle();
    expect(second).toEqual([3]);
    expect(h.last().sentOfType('subscribe')).toHaveLength(1);

    // A reconnect confirms again (after the replay).
    h.last().serverClose(1006);
    await vi.advanceTimersByTimeAsync(1_000);
    await online(h, 'c2');
    h.last().receive({ type: 'message.created', topic: 'room:1', seq: 4, data: {} });
    h.last().receive({ type: 'subscribed', topic: 'room:1', seq: 4, cid: h.last().sentOfType('subscribe')[0]?.cid });
    expect(first).toEqual([3, 4]);
    expect(second).toEqual([3, 4]);
  });

  it('typing and delivered receipts go out only on a confirmed subscription', async () => {
    const h = harness();
    h.conn.subscribe('room:1', { onEvent: () => undefined });
    // Offline: nothing can go out.
    expect(h.conn.sendTyping('room:1', 'start')).toBe(false);
    h.conn.start();
    await online(h);
    const s = h.last();
    // Subscribe sent but not confirmed yet: the server would answer NOT_SUBSCRIBED (a strike).
    expect(h.conn.isSubscribed('room:1')).toBe(false);
    expect(h.conn.sendTyping('room:1', 'start')).toBe(false);
    expect(h.conn.sendDelivered('room:1', 5)).toBe(false);
    s.receive({ type: 'subscribed', topic: 'room:1', seq: 0, cid: s.sentOfType('subscribe')[0]?.cid });
    expect(h.conn.isSubscribed('room:1')).toBe(true);

    expect(h.conn.sendTyping('room:1', 'start')).toBe(true);
    expect(h.conn.sendTyping('room:1', 'stop')).toBe(true);
    expect(h.conn.sendDelivered('room:1', 42)).toBe(true);
    // Never for a topic not held, nor a malformed id.
    expect(h.conn.sendTyping('room:2', 'start')).toBe(false);
    expect(h.conn.sendDelivered('room:1', 0)).toBe(false);
    expect(h.conn.sendDelivered('room:1', 1.5)).toBe(false);
    expect(s.sent.filter((f) => f.type !== 'subscribe')).toEqual([
      { type: 'typing.start', topic: 'room:1' },
      { type: 'typing.stop', topic: 'room:1' },
      { type: 'receipt.delivered', topic: 'room:1', message_id: 42 },
    ]);

    // A lost socket forgets the confirmation until the server confirms again.
    s.serverClose(1006);
    expect(h.conn.isSubscribed('room:1')).toBe(false);
    expect(h.conn.sendTyping('room:1', 'start')).toBe(false);
  });

  it('a refused subscription is not confirmed', async () => {
    const h = harness();
    const confirmed: number[] = [];
    h.conn.subscribe('room:9', { onEvent: () => undefined, onSubscribed: ({ seq }) => confirmed.push(seq) });
    h.conn.start();
    await online(h);
    const cid = h.last().sentOfType('subscribe')[0]?.cid;
    h.last().receive({ type: 'error', cid, error: { code: 'FORBIDDEN', message: 'no' } });
    expect(h.conn.isSubscribed('room:9')).toBe(false);
    expect(h.conn.sendTyping('room:9', 'start')).toBe(false);
    expect(confirmed).toEqual([]);
  });
});

describe('pacing (the gateway allows 20 frames/s, burst 60, per socket)', () => {
  /** Replays what a socket sent against the server's token bucket; returns the frames it refused. */
  function refusedByServer(times: number[], burst = 60, perSecond = 20): number {
    let tokens = burst;
    let at = times[0] ?? 0;
    let refused = 0;
    for (const t of times) {
      tokens = Math.min(burst, tokens + ((t - at) / 1000) * perSecond);
      at = t;
      if (tokens < 1) refused += 1;
      else tokens -= 1;
    }
    return refused;
  }

  /** Records when each frame left. */
  function timed(socket: FakeSocket) {
    const times: number[] = [];
    const send = socket.send.bind(socket);
    socket.send = (data: string) => {
      times.push(Date.now());
      send(data);
    };
    return times;
  }

  it('subscribes to many topics without ever going over the server’s budget', async () => {
    const h = harness();
    for (let i = 0; i < 130; i += 1) h.conn.subscribe(`room:${i}`, { onEvent: () => undefined });
    h.conn.start();
    await settle();
    const socket = h.last();
    const times = timed(socket);
    socket.hello();
    // A first burst at once, the rest paced.
    expect(socket.sentOfType('subscribe')).toHaveLength(50);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(socket.sentOfType('subscribe').length).toBeGreaterThan(50);
    expect(socket.sentOfType('subscribe').length).toBeLessThan(130);
    await vi.advanceTimersByTimeAsync(5_000);
    const topics = socket.sentOfType('subscribe').map((f) => f.topic);
    expect(topics).toHaveLength(130);
    expect(new Set(topics).size).toBe(130);
    expect(topics.slice(0, 3)).toEqual(['room:0', 'room:1', 'room:2']); // in order
    expect(refusedByServer(times)).toBe(0);
  });

  it('paces unsubscribes too, and hub messages over budget are not sent', async () => {
    const h = harness();
    h.conn.start();
    await settle();
    const socket = h.last();
    socket.hello();
    const times = timed(socket);
    const leaves = [];
    for (let i = 0; i < 40; i += 1) leaves.push(h.conn.subscribe(`room:${i}`, { onEvent: () => undefined }));
    for (const cid of socket.sentOfType('subscribe').map((f) => f.cid)) {
      const topic = socket.sentOfType('subscribe').find((f) => f.cid === cid)?.topic;
      socket.receive({ type: 'subscribed', topic, seq: 0, cid });
    }
    for (const leave of leaves.slice(10)) leave();
    await settle();
    // 40 subscribes and 10 of 30 unsubscribes fit the first burst of 50.
    expect(socket.sentOfType('unsubscribe')).toHaveLength(10);
    expect(h.conn.sendTyping('room:0', 'start')).toBe(false);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(socket.sentOfType('unsubscribe')).toHaveLength(30);
    expect(h.conn.sendTyping('room:0', 'start')).toBe(true);
    expect(refusedByServer(times)).toBe(0);
  });

  it('a topic dropped while waiting for budget is never subscribed', async () => {
    const h = harness();
    const leaves = [];
    for (let i = 0; i < 55; i += 1) leaves.push(h.conn.subscribe(`room:${i}`, { onEvent: () => undefined }));
    h.conn.start();
    await settle();
    h.last().hello();
    leaves[52]?.();
    await settle();
    await vi.advanceTimersByTimeAsync(2_000);
    const topics = h.last().sentOfType('subscribe').map((f) => f.topic);
    expect(topics).toHaveLength(54);
    expect(topics).not.toContain('room:52');
    expect(h.last().sentOfType('unsubscribe')).toEqual([]);
  });
});

describe('heartbeat', () => {
  it("answers the server's ping with pong", async () => {
    const h = harness();
    h.conn.start();
    await settle();
    h.last().hello();
    h.last().receive({ type: 'ping' });
    expect(h.last().sent).toEqual([{ type: 'pong' }]);
  });

  it('pings a silent server, and drops the socket when it does not answer', async () => {
    const h = harness();
    h.conn.start();
    await settle();
    const s = h.last();
    s.hello('c1', { interval: 30, timeout: 10 });

    await vi.advanceTimersByTimeAsync(39_999);
    expect(s.sentOfType('ping')).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(s.sentOfType('ping')).toHaveLength(1);
    s.receive({ type: 'pong' }); // alive: the wait starts over
    await vi.advanceTimersByTimeAsync(39_999);
    expect(s.sentOfType('ping')).toHaveLength(1);
    expect(h.conn.getStatus().state).toBe('online');

    await vi.advanceTimersByTimeAsync(1 + 10_000); // pinged again, no answer
    expect(s.sentOfType('ping')).toHaveLength(2);
    expect(s.closedWith?.code).toBe(CLIENT_HEARTBEAT_TIMEOUT);
    expect(h.conn.getStatus()).toMatchObject({ state: 'offline', closeCode: CLIENT_HEARTBEAT_TIMEOUT });
    await vi.advanceTimersByTimeAsync(8_000);
    expect(h.sockets).toHaveLength(2);
  });
});
