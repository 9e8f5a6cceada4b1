import { type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { expect, test } from './fixtures';

// The realtime client against a real gateway. The first test stops and restarts the backend, so it
// runs one of its own (not the shared webServer): same setup as tests/e2e-server.sh, on a free port,
// with its own SQLite file that survives the restart.

const frontend = fileURLToPath(new URL('..', import.meta.url));
const repo = path.dirname(frontend);
const sanctum = path.join(repo, '.venv', 'bin', 'sanctum');
const PASSWORD = 'Tr0ub4dor&3-e2e';

/** Every backend process this worker started, killed on exit whatever happened. */
const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A backend in embedded mode that the test can stop and start again on the same port and database. */
class Backend {
  private child: ChildProcess | null = null;
  private output = '';

  constructor(
    readonly port: number,
    readonly dir: string,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  log(): string {
    return this.output;
  }

  private env(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: `sqlite+aiosqlite:///${path.join(this.dir, 'e2e.db')}`,
      APP_ENV: 'test',
      RATE_LIMITS__REGISTER_PER_IP: '1000/minute',
      RATE_LIMITS__LOGIN_PER_IP: '1000/minute',
      RATE_LIMITS__LOGIN_PER_ACCOUNT: '1000/minute',
      RATE_LIMITS__MULTIPLIER: '1000',
      AUTH__ARGON2_MEMORY_KIB: '1024',
      AUTH__ARGON2_TIME_COST: '1',
      WEB_DIST: path.join(frontend, 'dist'),
      LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'warning',
      // The server pings a socket silent for 2 s, so the client's pong shows up within the test.
      REALTIME__HEARTBEAT_INTERVAL_SECONDS: '2',
    };
    // Never a developer's Redis or read replica: embedded mode only.
    delete env.REDIS_URL;
    delete env.DATABASE_READ_URL;
    return env;
  }

  private spawn(args: string[]): ChildProcess {
    // The working directory is the temp dir, so no developer .env is picked up.
    const child = spawn(sanctum, args, { cwd: this.dir, env: this.env(), stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    child.once('exit', () => children.delete(child));
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-200_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    return child;
  }

  async migrate(): Promise<void> {
    const child = this.spawn(['migrate']);
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    if (code !== 0) throw new Error(`sanctum migrate exited with ${code}:\n${this.output}`);
  }

  /** Starts `sanctum serve` and resolves once /health/ready answers 200. */
  async start(): Promise<void> {
    if (this.child) throw new Error('the backend is already running');
    const child = this.spawn(['serve', '--host', '127.0.0.1', '--port', String(this.port)]);
    this.child = child;
    let exited: number | null | undefined;
    child.once('exit', (code) => {
      exited = code;
      if (this.child === child) this.child = null;
    });
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (exited !== undefined) throw new Error(`sanctum serve exited with ${exited}:\n${this.output}`);
      try {
        const response = await fetch(`${this.url}/health/ready`);
        if (response.ok) return;
      } catch {
        // Not listening yet.
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`sanctum serve did not become ready within 30 s:\n${this.output}`);
  }

  /** SIGTERM, as an operator would; SIGKILL if it has not exited within 10 s. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      this.child = null;
      return;
    }
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
    this.child = null;
  }
}

const it = test.extend<{ backend: Backend }>({
  // eslint-disable-next-line no-empty-pattern
  backend: async ({}, use, testInfo) => {
    if (!existsSync(sanctum)) throw new Error(`${sanctum} is missing; run \`make install\` in ${repo} first`);
    const dir = await mkdtemp(path.join(tmpdir(), 'sanctum-e2e-realtime.'));
    const backend = new Backend(await freePort(), dir);
    try {
      await use(backend);
    } finally {
      await backend.stop();
      if (testInfo.status !== testInfo.expectedStatus) {
        await testInfo.attach('backend.log', { body: backend.log(), contentType: 'text/plain' });
      }
      await rm(dir, { recursive: true, force: true });
    }
  },
});

function newUsername(): string {
  return `u${Date.now().toString(36)}${Math.random().toString(36).slice(2, 7)}`;
}

async function register(page: Page, origin: string, username: string) {
  await page.goto(`${origin}/register`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Email').fill(`${username}@example.com`);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('heading', { name: `Welcome, ${username}` })).toBeVisible();
}

const indicator = (page: Page) => page.getByRole('banner').getByRole('status');

interface Frame {
  socket: number;
  direction: 'sent' | 'received';
  at: number;
  message: Record<string, unknown>;
}

/** Records every realtime frame and every ticket request (= connection attempt) of a page. */
function watchRealtime(page: Page) {
  const frames: Frame[] = [];
  const attempts: number[] = [];
  const closes: number[] = [];
  let sockets = 0;
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === '/api/ws/ticket') attempts.push(Date.now());
  });
  page.on('websocket', (ws) => {
    const socket = ++sockets;
    const record = (direction: Frame['direction']) => (frame: { payload: string | Buffer }) => {
      try {
        frames.push({ socket, direction, at: Date.now(), message: JSON.parse(frame.payload.toString()) });
      } catch {
        // Not JSON: not ours.
      }
    };
    ws.on('framesent', record('sent'));
    ws.on('framereceived', record('received'));
    ws.on('close', () => closes.push(Date.now()));
  });
  const of = (direction: Frame['direction'], type: string, socket?: number) =>
    frames.filter((f) => f.direction === direction && f.message.type === type && (socket === undefined || f.socket === socket));
  return { frames, attempts, closes, sockets: () => sockets, sent: (type: string, socket?: number) => of('sent', type, socket), received: (type: string, socket?: number) => of('received', type, socket) };
}

interface Shown {
  state: string;
  attempt: string | null;
  delay: string | null;
}

// The page's globals, typed here by hand: these tests compile without the DOM library.
interface PageGlobals {
  document: { querySelector(selector: string): PageElement | null };
  MutationObserver: new (callback: () => void) => { observe(target: PageElement, options: { attributes: boolean }): void };
  __indicator?: Shown[];
}
interface PageElement {
  getAttribute(name: string): string | null;
}

/** Keeps, in the page, every distinct (state, attempt, retry delay) the indicator shows. */
async function recordIndicator(page: Page) {
  await page.evaluate(() => {
    const page = globalThis as unknown as PageGlobals;
    const element = page.document.querySelector('header [role="status"][data-state]');
    if (!element) throw new Error('no connection indicator');
    const seen: Shown[] = [];
    page.__indicator = seen;
    const note = () => {
      const entry = {
        state: element.getAttribute('data-state') ?? '',
        attempt: element.getAttribute('data-attempt'),
        delay: element.getAttribute('data-retry-delay'),
      };
      const previous = seen.at(-1);
      if (!previous || previous.state !== entry.state || previous.attempt !== entry.attempt || previous.delay !== entry.delay) {
        seen.push(entry);
      }
    };
    note();
    new page.MutationObserver(note).observe(element, { attributes: true });
  });
  return () => page.evaluate(() => (globalThis as unknown as PageGlobals).__indicator ?? []);
}

const gaps = (times: number[]) => times.slice(1).map((t, i) => t - (times[i] as number));

it('the status indicator follows the server down and back up, backing off in between', async ({ page, backend }) => {
  test.setTimeout(90_000);
  const rt = watchRealtime(page);
  let userId = '';

  await test.step('start a backend of our own', async () => {
    await backend.migrate();
    await backend.start();
  });

  await test.step('after registering, the indicator is online and the account topic is held', async () => {
    await register(page, backend.url, newUsername());
    await expect(indicator(page)).toHaveAttribute('data-state', 'online');
    await expect(indicator(page)).toHaveAccessibleName('Connection: online');
    await expect(indicator(page)).toHaveText('Online');
    await expect.poll(() => rt.received('hello').length).toBe(1);
    userId = String(rt.received('hello')[0]?.message.user_id);
    await expect.poll(() => rt.received('subscribed').map((f) => f.message.topic)).toContain(`user:${userId}`);
    expect(rt.sent('subscribe')[0]?.message).toMatchObject({ type: 'subscribe', topic: `user:${userId}` });
    expect(rt.sent('subscribe')[0]?.message).not.toHaveProperty('since');
  });

  await test.step("the server's ping is answered with pong", async () => {
    await expect.poll(() => rt.received('ping').length, { timeout: 10_000 }).toBeGreaterThan(0);
    await expect.poll(() => rt.sent('pong').length).toBeGreaterThan(0);
    await expect(indicator(page)).toHaveAttribute('data-state', 'online');
  });

  const shown = await recordIndicator(page);
  const firstSocket = rt.sockets();

  await test.step('the server stops: offline, retrying with a countdown', async () => {
    await backend.stop();
    await expect.poll(() => rt.closes.length).toBe(1);
    await expect(indicator(page)).toHaveAttribute('data-state', /^(offline|connecting)$/);
    await expect(indicator(page)).toHaveAccessibleName(/^Connection: (offline, reconnecting (in \d+ seconds?|now)|connecting)$/);
    // Two failed attempts after the socket closed, then bring the server back.
    await expect.poll(() => rt.attempts.filter((t) => t > (rt.closes[0] as number)).length, { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
  });

  await test.step('the server restarts: online again, resumed from the last seq', async () => {
    await backend.start();
    await expect(indicator(page)).toHaveAttribute('data-state', 'online', { timeout: 30_000 });
    await expect(indicator(page)).toHaveAccessibleName('Connection: online');
    const socket = rt.sockets();
    expect(socket).toBeGreaterThan(firstSocket);
    await expect.poll(() => rt.sent('subscribe', socket).map((f) => f.message)).toContainEqual(
      expect.objectContaining({ type: 'subscribe', topic: `user:${userId}`, since: 0 }),
    );
    await expect.poll(() => rt.received('subscribed', socket).map((f) => f.message.topic)).toContain(`user:${userId}`);
  });

  await test.step('the backoff shows in the timing: every wait longer than the one before', async () => {
    const closedAt = rt.closes[0] as number;
    const attempts = rt.attempts.filter((t) => t > closedAt);
    const waits = gaps(attempts);
    test.info().annotations.push({ type: 'attempt gaps (ms)', description: waits.join(', ') });
    // At least: failed, failed, then the one that got through (one more if the restart was slow).
    expect(attempts.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < waits.length; i += 1) expect(waits[i]).toBeGreaterThan(waits[i - 1] as number);
    // The server stopped gracefully: its 1012 (restarting) is answered by an attempt within
    // RESTART_SPREAD_MS, at random; that one fails, and the backoff goes on from the start: 1 s base
    // doubling, minus up to a quarter of jitter: 0.75-1 s, 1.5-2 s, 3-4 s, ...
    expect((attempts[0] as number) - closedAt).toBeLessThanOrEqual(1_600);
    expect(waits[0]).toBeGreaterThanOrEqual(700);
    expect(waits[0]).toBeLessThanOrEqual(1_600);

    // The indicator announced each wait before it happened, growing the same way.
    const delays = (await shown())
      .filter((entry) => entry.state === 'offline' && entry.delay !== null)
      .map((entry) => Number(entry.delay));
    test.info().annotations.push({ type: 'announced retry delays (ms)', description: delays.join(', ') });
    expect(delays.length).toBeGreaterThanOrEqual(attempts.length);
    // (the first is the restart's spread, at random within a second; the backoff's grow from the next)
    for (let i = 2; i < delays.length; i += 1) expect(delays[i]).toBeGreaterThan(delays[i - 1] as number);
    expect(delays[0]).toBeLessThanOrEqual(1_000);
  });
});

test('a profile shows whether its owner is online, live', async ({ browser }) => {
  const aliceContext = await browser.newContext();
  const bobContext = await browser.newContext();
  try {
    const alice = await aliceContext.newPage();
    const bob = await bobContext.newPage();
    const aliceName = newUsername();
    await register(alice, '', aliceName);
    await expect(indicator(alice)).toHaveAttribute('data-state', 'online');
    await register(bob, '', newUsername());

    await bob.goto(`/u/${aliceName}`);
    await expect(bob.getByRole('heading', { name: aliceName })).toBeVisible();
    await expect(bob.getByTestId('presence')).toHaveText('Online');

    // Alice's last tab goes away: her presence changes on Bob's screen without a reload.
    await aliceContext.close();
    await expect(bob.getByTestId('presence')).toHaveText('Offline');
    await expect(bob.getByTestId('presence')).toHaveAttribute('data-status', 'offline');
  } finally {
    await aliceContext.close();
    await bobContext.close();
  }
});
