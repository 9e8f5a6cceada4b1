import { act, render, screen } from '@testing-library/react';
import { StrictMode, useState } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { RealtimeConnection } from './connection';
import { ConnectionStatus } from './ConnectionStatus';
import type { TopicEvent } from './protocol';
import { RealtimeProvider, usePresence, useTopic } from './react';
import { FakeSocket } from './testing';

function fakeConnection() {
  const sockets: FakeSocket[] = [];
  const tickets: number[] = [];
  const conn = new RealtimeConnection({
    getTicket: async () => {
      tickets.push(Date.now());
      return { ok: true, ticket: `t${tickets.length}` };
    },
    url: (ticket) => `ws://sanctum.test/api/ws?ticket=${ticket}`,
    onSessionLost: () => undefined,
    createSocket: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
    random: () => 0,
  });
  const last = () => sockets.at(-1) as FakeSocket;
  return { conn, sockets, tickets, last };
}

/** Advances fake time inside act(), letting effects and promises run. */
const advance = (ms: number) => act(() => vi.advanceTimersByTimeAsync(ms));

const status = () => screen.getByRole('status');

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('<ConnectionStatus>', () => {
  it('shows connecting, online, then offline with the seconds to the next retry', async () => {
    const f = fakeConnection();
    render(
      <RealtimeProvider connection={f.conn}>
        <ConnectionStatus />
      </RealtimeProvider>,
    );
    expect(status().getAttribute('aria-label')).toBe('Connection: connecting');
    expect(status().dataset.state).toBe('connecting');

    await advance(0);
    act(() => f.last().hello());
    expect(status().getAttribute('aria-label')).toBe('Connection: online');
    expect(status().textContent).toBe('Online');

    await advance(5_000); // healthy
    act(() => f.last().serverClose(1006));
    // Failed attempts after this one wait 1, 2, 4 s: the countdown shows each.
    expect(status().getAttribute('aria-label')).toBe('Connection: offline, reconnecting in 1 second');
    expect(status().dataset.retryDelay).toBe('1000');
    await advance(1_000);
    act(() => f.last().serverClose(1006));
    expect(status().getAttribute('aria-label')).toBe('Connection: offline, reconnecting in 2 seconds');
    expect(status().textContent).toBe('Offlineretry in 2s');
    await advance(1_000);
    expect(status().getAttribute('aria-label')).toBe('Connection: offline, reconnecting in 1 second');
    await advance(1_000);
    act(() => f.last().serverClose(1006));
    expect(status().getAttribute('aria-label')).toBe('Connection: offline, reconnecting in 4 seconds');
    expect(status().dataset.attempt).toBe('3');
  });

  it('runs the connection while mounted and closes it when unmounted (StrictMode keeps one socket)', async () => {
    const f = fakeConnection();
    const view = render(
      <StrictMode>
        <RealtimeProvider connection={f.conn}>
          <ConnectionStatus />
        </RealtimeProvider>
      </StrictMode>,
    );
    await advance(0);
    expect(f.sockets).toHaveLength(1);
    act(() => f.last().hello());
    view.unmount();
    await advance(0);
    expect(f.last().closedWith).toEqual({ code: 1000, reason: 'client stopped' });
    expect(f.conn.getStatus()).toEqual({ state: 'idle' });
    await advance(60_000);
    expect(f.sockets).toHaveLength(1);
    expect(f.tickets).toHaveLength(1);
  });
});

describe('useTopic', () => {
  it('delivers events to the latest callback without resubscribing', async () => {
    const f = fakeConnection();
    const seen: string[] = [];
    function Room() {
      const [label, setLabel] = useState('a');
      useTopic('room:1', (event: TopicEvent) => seen.push(`${label}:${event.seq}`));
      return (
        <button type="button" onClick={() => setLabel('b')}>
          relabel
        </button>
      );
    }
    render(
      <RealtimeProvider connection={f.conn}>
        <Room />
      </RealtimeProvider>,
    );
    await advance(0);
    act(() => f.last().hello());
    act(() => f.last().receive({ type: 'message.created', topic: 'room:1', seq: 1, data: {} }));
    act(() => screen.getByRole('button').click());
    act(() => f.last().receive({ type: 'message.created', topic: 'room:1', seq: 2, data: {} }));
    expect(seen).toEqual(['a:1', 'b:2']);
    expect(f.last().sentOfType('subscribe')).toHaveLength(1);
  });
});

describe('useTopic onSubscribed', () => {
  it('tells a component when its topic is live, so it may send hub messages such as typing', async () => {
    const f = fakeConnection();
    const confirmations: number[] = [];
    function Room() {
      useTopic('room:1', () => undefined, { onSubscribed: ({ seq }) => confirmations.push(seq) });
      return null;
    }
    render(
      <RealtimeProvider connection={f.conn}>
        <Room />
      </RealtimeProvider>,
    );
    await advance(0);
    act(() => f.last().hello());
    const cid = f.last().sentOfType('subscribe')[0]?.cid;
    act(() => f.last().receive({ type: 'subscribed', topic: 'room:1', seq: 7, cid }));
    expect(confirmations).toEqual([7]);
    expect(f.conn.sendTyping('room:1', 'start')).toBe(true);
    expect(f.last().sentOfType('typing.start')).toEqual([{ type: 'typing.start', topic: 'room:1' }]);
  });
});

describe('usePresence', () => {
  function Presence({ userId }: { userId: string }) {
    return <p data-testid="presence">{usePresence(userId)}</p>;
  }

  it('shows the snapshot, then changes, and unknown while this tab is offline', async () => {
    const f = fakeConnection();
    render(
      <RealtimeProvider connection={f.conn}>
        <Presence userId="u2" />
      </RealtimeProvider>,
    );
    const shown = () => screen.getByTestId('presence').textContent;
    expect(shown()).toBe('unknown');
    await advance(0);
    act(() => f.last().hello('c1'));
    const subscribe = f.last().sentOfType('subscribe')[0];
    expect(subscribe).toMatchObject({ type: 'subscribe', topic: 'presence:u2' });

    const presence = (status: string, userId = 'u2') => ({
      type: 'presence',
      topic: 'presence:u2',
      data: { user_id: userId, status },
    });
    act(() => {
      f.last().receive({ type: 'subscribed', topic: 'presence:u2', seq: 0, cid: subscribe?.cid });
      f.last().receive(presence('online'));
    });
    expect(shown()).toBe('online');
    act(() => f.last().receive(presence('offline')));
    expect(shown()).toBe('offline');
    act(() => f.last().receive(presence('online', 'someone-else')));
    expect(shown()).toBe('offline');

    act(() => f.last().serverClose(1006));
    expect(shown()).toBe('unknown');
    await advance(1_000);
    act(() => f.last().hello('c2'));
    expect(shown()).toBe('unknown'); // until the new connection's snapshot
    act(() => f.last().receive(presence('online')));
    expect(shown()).toBe('online');
  });
});
