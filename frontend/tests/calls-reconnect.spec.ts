import type { Locator, WebSocketRoute } from '@playwright/test';
import { expect, test } from './fixtures';
import { fakeMedia } from './media';
import { newName, signUp } from './people';

// A 1:1 call survives Bob's socket dropping: the app's socket is routed through the test, which cuts
// it (both ways, and the network with it for 2 s) in the middle of the call. Bob's app reconnects,
// asks for the call as it is now and goes on; the server, which saw his socket close, keeps him in
// the call because he came back within CALLS__REJOIN_SECONDS (10 s in the test server). Past the
// grace, the call is still on for both and media still flows both ways.
test.use(fakeMedia);

const REJOIN_SECONDS = 10;

/** Each kind of inbound media on the bar's peer connection(s) grows from what it is now. */
async function mediaFlowsInto(bar: Locator) {
  for (const kind of ['audio', 'video']) {
    const attribute = `data-inbound-${kind}`;
    await expect.poll(async () => Number(await bar.getAttribute(attribute)), { timeout: 15_000 }).toBeGreaterThan(0);
    const first = Number(await bar.getAttribute(attribute));
    await expect.poll(async () => Number(await bar.getAttribute(attribute)), { timeout: 15_000 }).toBeGreaterThan(first);
  }
}

test("bob's socket drops during a call: he reconnects within the grace and the call goes on for both", async ({ browser }) => {
  test.setTimeout(90_000);
  const a = newName('alice');
  const b = newName('bob');
  const [alice, bob] = await Promise.all([signUp(browser, a), signUp(browser, b)]);
  const uncaught: string[] = [];
  for (const p of [alice, bob]) p.page.on('pageerror', (error) => uncaught.push(error.message));
  try {
    await Promise.all([alice, bob].map((p) => p.context.grantPermissions(['camera', 'microphone'])));
    // Bob's realtime socket goes through the test (forwarded as is), so the test can cut it.
    const routes: { page: WebSocketRoute; server: WebSocketRoute }[] = [];
    await bob.page.routeWebSocket(/\/api\/ws(\?|$)/, (ws) => {
      routes.push({ page: ws, server: ws.connectToServer() });
    });
    await bob.page.reload();
    const status = bob.page.getByRole('banner').getByRole('status');
    await expect(status).toHaveAttribute('data-state', 'online');
    expect(routes).toHaveLength(1);

    await alice.page.goto(`/u/${b}`);
    await alice.page.getByRole('button', { name: 'Message' }).click();
    await expect(alice.page.getByRole('heading', { level: 1, name: b, exact: true })).toBeVisible();
    await alice.page.getByRole('button', { name: 'Video call' }).click();
    await bob.page.getByRole('alertdialog', { name: 'Incoming call' }).getByRole('button', { name: 'Accept' }).click();
    const aliceBar = alice.page.getByTestId('call-bar');
    const bobBar = bob.page.getByTestId('call-bar');
    for (const bar of [aliceBar, bobBar]) {
      await expect(bar).toHaveAttribute('data-connection', 'connected', { timeout: 20_000 });
    }
    await mediaFlowsInto(bobBar);

    // The network goes: the socket is cut on both sides (the server sees it close) and for 2 s
    // nothing reconnects (the ticket request fails offline).
    const resynced = bob.page.waitForResponse(
      (response) => /\/api\/calls\/rooms\/[^/]+$/.test(response.url()) && response.request().method() === 'GET',
      { timeout: 20_000 },
    );
    const droppedAt = Date.now();
    await bob.context.setOffline(true);
    const [cut] = routes;
    if (!cut) throw new Error('no routed socket');
    // 4000: the app's own code for a socket that stopped answering (a browser may send only 1000 or 3000-4999).
    await cut.server.close({ code: 4000, reason: 'network lost' });
    await cut.page.close({ code: 1001, reason: 'network lost' });
    await expect(status).toHaveAttribute('data-state', /^(offline|connecting)$/);
    await bob.page.waitForTimeout(2_000);
    await bob.context.setOffline(false);

    // Back: a new socket, online again, and the app asked for the call as it is now.
    await expect(status).toHaveAttribute('data-state', 'online', { timeout: 15_000 });
    expect(routes.length).toBeGreaterThan(1);
    const live = (await (await resynced).json()) as { call: { status: string; participants: string[] } | null };
    expect(live.call?.status).toBe('active');
    expect(live.call?.participants).toHaveLength(2);

    // Past the grace: had the server not seen him back, he would have been dropped and the call ended.
    await bob.page.waitForTimeout(Math.max(0, droppedAt + (REJOIN_SECONDS + 2) * 1000 - Date.now()));
    for (const bar of [aliceBar, bobBar]) {
      await expect(bar).toHaveAttribute('data-status', 'active');
      await expect(bar).toHaveAttribute('data-peers', '1');
      await expect(bar).toHaveAttribute('data-connection', 'connected', { timeout: 20_000 });
      await mediaFlowsInto(bar);
    }

    // The call still works as a call over the new socket: Bob hangs up and it ends for both.
    await bobBar.getByRole('button', { name: 'Hang up' }).click();
    await expect(bobBar).toHaveCount(0);
    await expect(aliceBar).toHaveCount(0);
    expect(uncaught).toEqual([]);
  } finally {
    await Promise.all([alice.context.close(), bob.context.close()]);
  }
});
