// The one realtime connection of a tab, independent of React (react.tsx wraps it).
//
// - Every attempt gets a fresh single-use ticket first; a 401 there ends the session (once) and the
//   connection stops instead of looping.
// - Reconnects with exponential backoff and jitter (backoff.ts); the sequence starts over only
//   after a connection stayed healthy for `healthyAfterMs` after the server's `hello`.
// - Topics are reference counted: one server subscription per topic however many listeners hold
//   it. After a reconnect every held topic is subscribed again with `since` = the last seq seen,
//   so the server replays what was missed; an event at or below that seq is a duplicate and dropped.
// - Answers the server's `ping`, and pings on its own when the server has been silent for longer
//   than its heartbeat allows, so a half-open socket (a laptop that slept) is noticed.
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff';
import {
  CloseCode,
  decodeServerFrame,
  type ClientMessage,
  type ControlMessage,
  type ErrorBody,
  type HelloMessage,
  type TopicClientMessage,
  type TopicEvent,
} from './protocol';

/** What asking for a ticket found. */
export type TicketOutcome =
  | { ok: true; ticket: string }
  /** The session is over: go to login, do not retry. */
  | { ok: false; reason: 'unauthorized' }
  /** Anything else (network down, 5xx, 429): retry with backoff. */
  | { ok: false; reason: 'unavailable'; detail?: string };

export type RealtimeStatus =
  /** Not started (signed out). */
  | { state: 'idle' }
  /** An attempt is under way: fetching a ticket, opening the socket, waiting for `hello`. */
  | { state: 'connecting'; attempt: number }
  | { state: 'online'; connectionId: string; userId: string; since: number }
  /** Lost or refused; the next attempt starts at `retryAt` (ms since the epoch). */
  | { state: 'offline'; attempt: number; retryAt: number; delayMs: number; reason: string; closeCode: number | null }
  /** Given up for good: the session is over. */
  | { state: 'stopped'; reason: 'session-lost' };

export interface TopicHandlers<E extends TopicEvent = TopicEvent> {
  onEvent(event: E): void;
  /**
   * The server refused or could not serve this subscription. `RESYNC_REQUIRED` means more events
   * were missed than the server replays: reload the topic's state over REST (live events
   * continue after it; `details.seq` is the topic's current seq).
   */
  onError?(error: ErrorBody): void;
  /**
   * The server confirmed the subscription: events from here on are live (after a reconnect, the
   * missed ones were replayed just before). Called again after every reconnect, and at once for a
   * listener that joins a topic already confirmed. `seq` is the topic's current sequence number.
   * Hub messages about the topic (`typing.start`, ...) may be sent from now on.
   */
  onSubscribed?(info: { seq: number }): void;
}

/** The part of the browser's WebSocket this client uses, so tests can pass a fake. */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

const OPEN = 1;
/** Below the gateway's 60 / 20 per second, leaving room for pings and timing jitter. */
export const DEFAULT_PACING = { burst: 50, perSecond: 15 } as const;
/** After 1012 (the server restarts) tabs reconnect within this, at random, so they do not all arrive at once. */
export const RESTART_SPREAD_MS = 1_000;

/** Our own close code when we drop a socket that stopped answering (4000-4999 is the app range). */
export const CLIENT_HEARTBEAT_TIMEOUT = 4000;
const CONNECT_TIMEOUT = 4001;

export interface RealtimeOptions {
  getTicket(): Promise<TicketOutcome>;
  /** The ws(s) URL for a ticket. */
  url(ticket: string): string;
  /** Called once when a ticket is refused with 401, before the connection stops. */
  onSessionLost(): void;
  createSocket?(url: string): WebSocketLike;
  random?(): number;
  now?(): number;
  backoff?: Partial<BackoffOptions>;
  /** A connection counts as good (and resets the backoff) once it stays up this long after `hello`. */
  healthyAfterMs?: number;
  /** An attempt that has no `hello` after this long is dropped and retried. */
  connectTimeoutMs?: number;
  /** Delay after a policy close (4403, 1008): at least this retry index of the backoff. */
  policyAttempt?: number;
  /**
   * Pacing of outgoing frames, kept under the gateway's per-socket limit (20 frames/s, burst 60;
   * every refused frame is a strike and too many close the socket): subscriptions beyond the
   * budget wait their turn, hub messages beyond it are not sent.
   */
  pacing?: { burst: number; perSecond: number };
  debug?(message: string, details?: unknown): void;
}

interface TopicEntry {
  listeners: Set<TopicHandlers>;
  /** The highest seq delivered on this topic; `null` until the first `subscribed` or event. */
  lastSeq: number | null;
  /** A subscribe went out on the current socket and was not refused. */
  onSocket: boolean;
  /** The server confirmed the subscription on the current socket (`subscribed` arrived). */
  confirmed: boolean;
  /** A pending unsubscribe, cancelled if a listener comes back before it runs. */
  leaving: ReturnType<typeof setTimeout> | null;
}

type Timer = ReturnType<typeof setTimeout>;

const positive = (value: unknown, fallback: number): number =>
  typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;

export class RealtimeConnection {
  private readonly opts: Required<Omit<RealtimeOptions, 'backoff'>> & { backoff: BackoffOptions };
  private running = false;
  /** Bumped by every attempt and by stop(): callbacks of an older attempt are ignored. */
  private generation = 0;
  private socket: WebSocketLike | null = null;
  private hello: HelloMessage | null = null;
  /** Consecutive attempts that did not end in a healthy connection. */
  private failures = 0;
  private sessionLostSignalled = false;
  private retryTimer: Timer | null = null;
  private healthyTimer: Timer | null = null;
  private connectTimer: Timer | null = null;
  private silenceTimer: Timer | null = null;
  private pongTimer: Timer | null = null;
  private readonly topics = new Map<string, TopicEntry>();
  /** Subscribes and unsubscribes waiting for budget on the current socket, in order. */
  private controlQueue: { kind: 'subscribe' | 'unsubscribe'; topic: string }[] = [];
  private drainTimer: Timer | null = null;
  private tokens = 0;
  private tokensAt = 0;
  private readonly cids = new Map<string, string>();
  // Hub commands sent with a cid (`command`): who hears the server's refusal of each.
  private readonly commands = new Map<string, (error: ErrorBody) => void>();
  private nextCid = 0;
  private holds = 0;
  private releaseTimer: Timer | null = null;
  private status: RealtimeStatus = { state: 'idle' };
  private readonly statusListeners = new Set<() => void>();
  /** Events dropped as duplicates (seq at or below the last one seen), for tests and debugging. */
  duplicatesDropped = 0;

  constructor(options: RealtimeOptions) {
    const given = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
    this.opts = {
      createSocket: (url) => new WebSocket(url) as unknown as WebSocketLike,
      random: Math.random,
      now: () => Date.now(),
      healthyAfterMs: 5_000,
      connectTimeoutMs: 15_000,
      policyAttempt: 2,
      pacing: DEFAULT_PACING,
      debug: () => undefined,
      ...(given as RealtimeOptions),
      backoff: { ...DEFAULT_BACKOFF, ...options.backoff },
    };
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  /** Starts connecting (idempotent). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.failures = 0;
    this.sessionLostSignalled = false;
    void this.connect();
  }

  /** Closes the socket and stops retrying. Listeners stay registered; their seqs are forgotten. */
  stop(): void {
    this.halt();
    for (const entry of this.topics.values()) entry.lastSeq = null;
    this.setStatus({ state: 'idle' });
  }

  /**
   * Keeps the connection running while held; the last release stops it one tick later, so a
   * remount (React StrictMode, a route change) keeps the socket instead of reconnecting.
   */
  hold(): () => void {
    this.holds += 1;
    if (this.releaseTimer !== null) clearTimeout(this.releaseTimer);
    this.releaseTimer = null;
    this.start();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holds -= 1;
      if (this.holds > 0) return;
      this.releaseTimer = setTimeout(() => {
        this.releaseTimer = null;
        if (this.holds === 0) this.stop();
      }, 0);
    };
  }

  /** Skips the wait of a scheduled retry (e.g. the browser is back online). */
  retryNow(): void {
    if (!this.running || this.retryTimer === null) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    void this.connect();
  }

  getStatus = (): RealtimeStatus => this.status;

  /** For useSyncExternalStore: returns the unsubscribe function. */
  onStatus = (listener: () => void): (() => void) => {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  };

  private setStatus(status: RealtimeStatus): void {
    this.status = status;
    for (const listener of [...this.statusListeners]) listener();
  }

  private halt(): void {
    this.running = false;
    this.generation += 1;
    this.clearTimers();
    this.dropSocket(CloseCode.NORMAL, 'client stopped');
  }

  private clearTimers(): void {
    for (const timer of [this.retryTimer, this.healthyTimer, this.connectTimer, this.silenceTimer, this.pongTimer, this.drainTimer]) {
      if (timer !== null) clearTimeout(timer);
    }
    this.retryTimer = this.healthyTimer = this.connectTimer = this.silenceTimer = this.pongTimer = this.drainTimer = null;
  }

  /** Detaches and closes the current socket; its late events can no longer reach us. */
  private dropSocket(code: number, reason: string): void {
    const socket = this.socket;
    this.socket = null;
    this.hello = null;
    this.cids.clear();
    this.commands.clear();
    this.controlQueue = [];
    if (this.drainTimer !== null) clearTimeout(this.drainTimer);
    this.drainTimer = null;
    for (const entry of this.topics.values()) {
      entry.onSocket = false;
      entry.confirmed = false;
    }
    if (!socket) return;
    socket.onopen = socket.onmessage = socket.onerror = socket.onclose = null;
    try {
      socket.close(code, reason);
    } catch {
      // Already closed.
    }
  }

  // ---- connecting -----------------------------------------------------------------------------

  private async connect(): Promise<void> {
    this.retryTimer = null;
    const generation = ++this.generation;
    this.setStatus({ state: 'connecting', attempt: this.failures });
    let outcome: TicketOutcome;
    try {
      outcome = await this.opts.getTicket();
    } catch (error) {
      outcome = { ok: false, reason: 'unavailable', detail: String(error) };
    }
    if (generation !== this.generation || !this.running) return;
    if (!outcome.ok) {
      if (outcome.reason === 'unauthorized') {
        this.loseSession();
        return;
      }
      this.opts.debug('realtime: no ticket', outcome.detail);
      this.scheduleRetry('ticket unavailable', null);
      return;
    }
    let socket: WebSocketLike;
    try {
      socket = this.opts.createSocket(this.opts.url(outcome.ticket));
    } catch (error) {
      this.opts.debug('realtime: cannot open a socket', error);
      this.scheduleRetry('socket error', null);
      return;
    }
    this.socket = socket;
    socket.onmessage = (event) => {
      if (generation === this.generation) this.onFrame(event.data);
    };
    socket.onclose = (event) => {
      if (generation === this.generation) this.onClose(event.code, event.reason);
    };
    socket.onerror = () => {
      // A close event always follows; that is where the retry is decided.
    };
    this.connectTimer = setTimeout(() => {
      this.connectTimer = null;
      if (generation !== this.generation || this.hello) return;
      this.dropSocket(CONNECT_TIMEOUT, 'no hello');
      this.scheduleRetry('connect timeout', null);
    }, this.opts.connectTimeoutMs);
  }

  private loseSession(): void {
    this.halt();
    for (const entry of this.topics.values()) entry.lastSeq = null;
    this.setStatus({ state: 'stopped', reason: 'session-lost' });
    if (this.sessionLostSignalled) return;
    this.sessionLostSignalled = true;
    this.opts.onSessionLost();
  }

  private onClose(code: number, reason: string): void {
    this.opts.debug('realtime: closed', { code, reason });
    this.socket = null;
    this.dropSocket(code, reason);
    this.clearTimers();
    if (!this.running) return;
    if (code === CloseCode.SERVICE_RESTART) {
      // A deploy, not a failure: every tab of the instance reconnects within a second, spread at
      // random, and resumes from its last seq on another instance; the backoff sequence is kept.
      this.scheduleRetry('server restarting', code, { restart: true });
    } else if (code === CloseCode.TOO_MANY_CONNECTIONS) {
      this.scheduleRetry('too many connections', code, { long: true });
    } else if (code === CloseCode.FORBIDDEN || code === CloseCode.POLICY) {
      this.scheduleRetry('refused by policy', code, { policy: true });
    } else {
      // 4401 (the next attempt gets a new ticket), 4408, 1001, 1006, 1013, ...: back off and resume.
      this.scheduleRetry(code === CloseCode.BAD_TICKET ? 'ticket refused' : 'connection lost', code);
    }
  }

  private scheduleRetry(
    reason: string,
    closeCode: number | null,
    how: { long?: boolean; policy?: boolean; restart?: boolean } = {},
  ): void {
    const { backoff, random } = this.opts;
    let attempt = this.failures;
    if (how.policy) attempt = Math.max(attempt, this.opts.policyAttempt);
    let delayMs = backoffDelay(attempt, random, backoff);
    if (how.long) delayMs = Math.max(delayMs, backoffDelay(Number.MAX_SAFE_INTEGER, random, backoff));
    if (how.restart) delayMs = Math.round(random() * RESTART_SPREAD_MS);
    else this.failures = attempt + 1;
    this.retryTimer = setTimeout(() => void this.connect(), delayMs);
    this.setStatus({
      state: 'offline',
      attempt: this.failures,
      retryAt: this.opts.now() + delayMs,
      delayMs,
      reason,
      closeCode,
    });
  }

  // ---- frames ---------------------------------------------------------------------------------

  private onFrame(raw: unknown): void {
    const decoded = decodeServerFrame(raw);
    if (decoded === null) this.opts.debug('realtime: ignored a frame', raw);
    else if (decoded.kind === 'event') this.onEvent(decoded.event);
    else this.onControl(decoded.message);
    // Any frame shows the server is alive (after `hello`, its heartbeat settings apply).
    if (this.socket !== null) this.armSilenceTimer();
  }

  private onControl(message: ControlMessage): void {
    switch (message.type) {
      case 'hello':
        this.onHello(message);
        return;
      case 'ping':
        this.sendNow({ type: 'pong' });
        return;
      case 'pong':
        return;
      case 'unsubscribed': {
        if (message.reason !== 'revoked') return;
        // The server ended it (the user left the room somewhere): listeners hear it as an error.
        const entry = this.topics.get(message.topic);
        if (!entry) return;
        entry.onSocket = false;
        entry.confirmed = false;
        const revoked: ErrorBody = { code: 'REVOKED', message: 'You no longer have access to this topic.' };
        for (const listener of [...entry.listeners]) {
          try {
            listener.onError?.(revoked);
          } catch (error) {
            this.opts.debug('realtime: a listener failed', error);
          }
        }
        return;
      }
      case 'subscribed': {
        if (message.cid != null) this.cids.delete(message.cid);
        const entry = this.topics.get(message.topic);
        if (!entry) return;
        // Everything up to `seq` has been replayed (or was before our time): resume from there.
        if (entry.lastSeq === null || message.seq > entry.lastSeq) entry.lastSeq = message.seq;
        if (!entry.onSocket) return;
        entry.confirmed = true;
        for (const listener of [...entry.listeners]) this.notifySubscribed(listener, message.seq);
        return;
      }
      case 'error': {
        const refused = message.cid != null ? this.commands.get(message.cid) : undefined;
        if (refused !== undefined && message.cid != null) {
          this.commands.delete(message.cid);
          try {
            refused(message.error);
          } catch (error) {
            this.opts.debug('realtime: a listener failed', error);
          }
          return;
        }
        const fromCid = message.cid != null ? this.cids.get(message.cid) : undefined;
        if (message.cid != null) this.cids.delete(message.cid);
        const detailTopic = message.error.details?.topic;
        const topic = fromCid ?? (typeof detailTopic === 'string' ? detailTopic : undefined);
        const entry = topic !== undefined ? this.topics.get(topic) : undefined;
        if (!entry) {
          this.opts.debug('realtime: server error', message.error);
          return;
        }
        // A refused subscribe leaves nothing to unsubscribe from; RESYNC_REQUIRED still subscribes.
        if (fromCid !== undefined && message.error.code !== 'RESYNC_REQUIRED') {
          entry.onSocket = false;
          entry.confirmed = false;
        }
        for (const listener of [...entry.listeners]) {
          try {
            listener.onError?.(message.error);
          } catch (error) {
            this.opts.debug('realtime: a listener failed', error);
          }
        }
        return;
      }
    }
  }

  private onHello(hello: HelloMessage): void {
    const generation = this.generation;
    this.hello = hello;
    if (this.connectTimer !== null) clearTimeout(this.connectTimer);
    this.connectTimer = null;
    this.healthyTimer = setTimeout(() => {
      this.healthyTimer = null;
      if (generation === this.generation && this.hello) this.failures = 0;
    }, this.opts.healthyAfterMs);
    this.setStatus({ state: 'online', connectionId: hello.connection_id, userId: hello.user_id, since: this.opts.now() });
    // The server gives every new socket a full budget.
    this.tokens = this.opts.pacing.burst;
    this.tokensAt = this.opts.now();
    for (const [topic, entry] of this.topics) {
      if (entry.leaving === null) this.sendSubscribe(topic, entry);
    }
  }

  private onEvent(event: TopicEvent): void {
    const entry = this.topics.get(event.topic);
    if (!entry) return;
    if (event.seq !== undefined) {
      if (entry.lastSeq !== null && event.seq <= entry.lastSeq) {
        this.duplicatesDropped += 1;
        return;
      }
      entry.lastSeq = event.seq;
    }
    for (const listener of [...entry.listeners]) {
      try {
        listener.onEvent(event);
      } catch (error) {
        this.opts.debug('realtime: a listener failed', error);
      }
    }
  }

  private notifySubscribed(listener: TopicHandlers, seq: number): void {
    try {
      listener.onSubscribed?.({ seq });
    } catch (error) {
      this.opts.debug('realtime: a listener failed', error);
    }
  }

  /** Restarts the wait for the next frame; a server silent for longer than its heartbeat is pinged. */
  private armSilenceTimer(): void {
    if (this.silenceTimer !== null) clearTimeout(this.silenceTimer);
    if (this.pongTimer !== null) clearTimeout(this.pongTimer);
    this.silenceTimer = this.pongTimer = null;
    const heartbeat = this.hello?.heartbeat;
    const interval = positive(heartbeat?.interval, 30);
    const timeout = positive(heartbeat?.timeout, 10);
    const generation = this.generation;
    this.silenceTimer = setTimeout(
      () => {
        this.silenceTimer = null;
        if (generation !== this.generation || !this.sendNow({ type: 'ping' })) return;
        this.pongTimer = setTimeout(() => {
          this.pongTimer = null;
          if (generation !== this.generation || !this.running) return;
          this.dropSocket(CLIENT_HEARTBEAT_TIMEOUT, 'heartbeat timeout');
          this.clearTimers();
          this.scheduleRetry('server stopped answering', CLIENT_HEARTBEAT_TIMEOUT);
        }, timeout * 1000);
      },
      (interval + timeout) * 1000,
    );
  }

  // ---- sending --------------------------------------------------------------------------------

  /** Whether the socket is open and greeted, so messages can go out. */
  get online(): boolean {
    return this.socket !== null && this.hello !== null && this.socket.readyState === OPEN;
  }

  /** Sends a message now if online; returns whether it went out. Hub messages go through here. */
  send(message: ClientMessage | { type: string; topic?: string; [field: string]: unknown }): boolean {
    return this.sendNow(message);
  }

  /**
   * Sends a hub command (`call.start`, ...) with a cid of its own, so that a refusal (CALL_BUSY,
   * CALL_ENDED) reaches `onRefused` at once. Returns whether it went out. Only the newest 64 commands
   * are remembered: a refusal comes within moments or not at all.
   */
  command(message: { type: string; [field: string]: unknown }, onRefused: (error: ErrorBody) => void): boolean {
    const cid = `k${++this.nextCid}`;
    if (!this.sendNow({ ...message, cid })) return false;
    this.commands.set(cid, onRefused);
    if (this.commands.size > 64) this.commands.delete(this.commands.keys().next().value as string);
    return true;
  }

  private sendNow(message: object): boolean {
    if (!this.online || !this.socket) return false;
    try {
      this.socket.send(JSON.stringify(message));
      return true;
    } catch (error) {
      this.opts.debug('realtime: send failed', error);
      return false;
    }
  }

  /**
   * Sends a hub message about `topic` (`typing.start`, `receipt.delivered`, ...), but only once the
   * server has confirmed this connection's subscription to it: anything earlier would be refused
   * (NOT_SUBSCRIBED) and count as a strike against the socket. Returns whether it went out.
   */
  sendToTopic(message: TopicClientMessage): boolean {
    const entry = this.topics.get(message.topic);
    if (!entry || !entry.confirmed || entry.leaving !== null) return false;
    // Hub messages are best effort (typing is ephemeral); over budget, they are not sent.
    if (!this.online || !this.takeToken()) return false;
    return this.sendNow(message);
  }

  /** `typing.start` / `typing.stop` on a chat room (see docs/chat.md for the pacing). */
  sendTyping(topic: string, state: 'start' | 'stop'): boolean {
    return this.sendToTopic({ type: state === 'start' ? 'typing.start' : 'typing.stop', topic });
  }

  /** Tells a DM that `messageId` reached this client (`receipt.delivered`). */
  sendDelivered(topic: string, messageId: number): boolean {
    if (!Number.isSafeInteger(messageId) || messageId <= 0) return false;
    return this.sendToTopic({ type: 'receipt.delivered', topic, message_id: messageId });
  }

  /** Whether the server has confirmed the subscription to `topic` on the current socket. */
  isSubscribed(topic: string): boolean {
    return this.topics.get(topic)?.confirmed === true;
  }

  private sendSubscribe(topic: string, entry: TopicEntry): void {
    if (!this.online) return;
    if (this.controlQueue.length > 0 || !this.takeToken()) {
      // Over budget: wait for it, in order (onSocket stays false until it goes out).
      if (!this.controlQueue.some((c) => c.kind === 'subscribe' && c.topic === topic)) this.controlQueue.push({ kind: 'subscribe', topic });
      this.scheduleDrain();
      return;
    }
    this.writeSubscribe(topic, entry);
  }

  private writeSubscribe(topic: string, entry: TopicEntry): void {
    const cid = `s${++this.nextCid}`;
    this.cids.set(cid, topic);
    entry.onSocket = true;
    this.sendNow(entry.lastSeq === null ? { type: 'subscribe', topic, cid } : { type: 'subscribe', topic, since: entry.lastSeq, cid });
  }

  private sendUnsubscribe(topic: string): void {
    if (!this.online) return;
    if (this.controlQueue.length > 0 || !this.takeToken()) {
      this.controlQueue.push({ kind: 'unsubscribe', topic });
      this.scheduleDrain();
      return;
    }
    this.sendNow({ type: 'unsubscribe', topic });
  }

  /** Refills the budget for the time passed and takes one frame from it if there is one. */
  private takeToken(): boolean {
    const { burst, perSecond } = this.opts.pacing;
    const now = this.opts.now();
    this.tokens = Math.min(burst, this.tokens + ((now - this.tokensAt) / 1000) * perSecond);
    this.tokensAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  private scheduleDrain(): void {
    if (this.drainTimer !== null) return;
    const wait = Math.max(1, Math.ceil(((1 - this.tokens) / this.opts.pacing.perSecond) * 1000));
    this.drainTimer = setTimeout(() => {
      this.drainTimer = null;
      this.drainControl();
    }, wait);
  }

  private drainControl(): void {
    while (this.controlQueue.length > 0 && this.online) {
      const next = this.controlQueue[0] as { kind: 'subscribe' | 'unsubscribe'; topic: string };
      const entry = this.topics.get(next.topic);
      // A subscribe whose topic was dropped (or already went out) since it was queued is skipped.
      if (next.kind === 'subscribe' && (!entry || entry.leaving !== null || entry.onSocket)) {
        this.controlQueue.shift();
        continue;
      }
      if (!this.takeToken()) break;
      this.controlQueue.shift();
      if (next.kind === 'subscribe') this.writeSubscribe(next.topic, entry as TopicEntry);
      else this.sendNow({ type: 'unsubscribe', topic: next.topic });
    }
    if (this.controlQueue.length > 0 && this.online) this.scheduleDrain();
  }

  // ---- topics ---------------------------------------------------------------------------------

  /**
   * Listens to a topic; returns the function that stops listening. The first listener subscribes
   * on the server (now, or as soon as the connection is up); the last one leaving unsubscribes.
   */
  subscribe<E extends TopicEvent = TopicEvent>(topic: string, handlers: TopicHandlers<E>): () => void {
    const listener = handlers as unknown as TopicHandlers;
    let entry = this.topics.get(topic);
    if (!entry) {
      entry = { listeners: new Set(), lastSeq: null, onSocket: false, confirmed: false, leaving: null };
      this.topics.set(topic, entry);
      entry.listeners.add(listener);
      this.sendSubscribe(topic, entry);
    } else {
      entry.listeners.add(listener);
      if (entry.leaving !== null) {
        // Left and came back at once (React StrictMode, a re-render): keep the server subscription.
        clearTimeout(entry.leaving);
        entry.leaving = null;
      }
      if (entry.confirmed && handlers.onSubscribed) {
        // Already confirmed for the other listeners: tell this one too, once it is registered.
        const joined = entry;
        queueMicrotask(() => {
          if (joined.confirmed && joined.listeners.has(listener) && this.topics.get(topic) === joined) {
            this.notifySubscribed(listener, joined.lastSeq ?? 0);
          }
        });
      }
    }
    const held = entry;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      held.listeners.delete(listener);
      if (held.listeners.size > 0 || held.leaving !== null) return;
      held.leaving = setTimeout(() => {
        held.leaving = null;
        if (held.listeners.size > 0 || this.topics.get(topic) !== held) return;
        this.topics.delete(topic);
        if (held.onSocket) this.sendUnsubscribe(topic);
      }, 0);
    };
  }

  /** Topics held right now, with the last seq seen on each (for debugging and tests). */
  heldTopics(): Map<string, number | null> {
    return new Map([...this.topics].map(([topic, entry]) => [topic, entry.lastSeq]));
  }
}
