import type { Locator, Page } from '@playwright/test';

import { expect, expectAccessible, test } from './fixtures';
import { fakeMedia } from './media';
import { newName, PASSWORD, signUp } from './people';

// A room call of three in three Chromium contexts with fake media: every mesh peer connection
// connects, each hears the others (the speaking indicator), a mute silences one tile on the other
// side, a screen share reaches the others as a 16:9 picture instead of the 4:3 camera and back, and
// a microphone picked from the devices is remembered.
test.use(fakeMedia);

async function bearer(page: Page, username: string): Promise<Record<string, string>> {
  const login = await page.request.post('/api/auth/login', { data: { login: username, password: PASSWORD, refresh_token_delivery: 'body' } });
  return { Authorization: `Bearer ${((await login.json()) as { access_token: string }).access_token}` };
}

/** The tile of `name` in a call bar (a participant's video, name and speaking indicator). */
const tile = (bar: Locator, name: string) => bar.getByTestId('call-tile').filter({ hasText: name });
const ratio = async (t: Locator) => Number(await t.getAttribute('data-frame-width')) / Number(await t.getAttribute('data-frame-height'));

test('three people in a room call all connect, hear each other, and see a screen share come and go', async ({ browser }) => {
  test.setTimeout(120_000);
  const [a, b, c] = [newName('alice'), newName('bob'), newName('carol')];
  const [alice, bob, carol] = await Promise.all([signUp(browser, a), signUp(browser, b), signUp(browser, c)]);
  const people = [alice, bob, carol];
  const errors: string[] = [];
  for (const p of people) p.page.on('console', (m) => m.type() === 'error' && errors.push(`${m.text()}`));
  try {
    await Promise.all(people.map((p) => p.context.grantPermissions(['camera', 'microphone'])));
    const created = await alice.page.request.post('/api/rooms', { headers: await bearer(alice.page, a), data: { name: newName('huddle'), kind: 'public' } });
    const roomId = ((await created.json()) as { id: string }).id;
    for (const [p, n] of [[bob, b], [carol, c]] as const) {
      expect((await p.page.request.post(`/api/rooms/${roomId}/join`, { headers: await bearer(p.page, n) })).ok()).toBe(true);
    }

    await Promise.all([alice, bob].map((p) => p.page.goto(`/chat/${roomId}`)));
    await alice.page.getByRole('button', { name: 'Video call' }).click();
    // Bob is looking at the room: the call appears there (call.room) and he joins it.
    await bob.page.getByRole('button', { name: 'Join video call' }).click();
    // Carol opens the room after it began: asked of the server (GET /api/calls/rooms/{id}).
    await carol.page.goto(`/chat/${roomId}`);
    await carol.page.getByRole('button', { name: 'Join video call' }).click();

    const [aliceBar, bobBar, carolBar] = [alice, bob, carol].map((p) => p.page.getByTestId('call-bar')) as [Locator, Locator, Locator];
    const bars = [aliceBar, bobBar, carolBar];
    for (const bar of bars) {
      await expect(bar).toHaveAttribute('data-peers', '2', { timeout: 30_000 });
      await expect(bar).toHaveAttribute('data-connection', 'connected');
    }
    // Each tile is named, and the fake microphone's tone lights the speaking indicator on the other side.
    for (const [bar, others] of [[aliceBar, [b, c]], [bobBar, [a, c]], [carolBar, [a, b]]] as const) {
      for (const other of others) {
        await expect(tile(bar, other)).toHaveAttribute('data-speaking', 'true', { timeout: 15_000 });
      }
    }
    await expectAccessible(bob.page, 'a call bar of three');

    // Alice mutes: on Bob's side her tile falls silent while Carol's still speaks.
    await aliceBar.getByRole('button', { name: 'Mute' }).click();
    await expect(tile(bobBar, a)).toHaveAttribute('data-speaking', 'false', { timeout: 10_000 });
    await expect(tile(bobBar, a)).toHaveAttribute('data-level', '0');
    await expect(tile(bobBar, c)).toHaveAttribute('data-speaking', 'true', { timeout: 10_000 });
    await aliceBar.getByRole('button', { name: 'Unmute' }).click();

    // Alice shares her screen: the same sender now carries the 16:9 screen, and frames keep coming.
    const aliceOnBob = tile(bobBar, a);
    await expect.poll(() => ratio(aliceOnBob), { timeout: 15_000 }).toBeCloseTo(4 / 3, 1);
    await aliceBar.getByRole('button', { name: 'Share screen' }).click();
    await expect(aliceBar.getByRole('button', { name: 'Stop sharing' })).toHaveAttribute('aria-pressed', 'true');
    await expect(aliceBar).toContainText('sharing your screen');
    await expect.poll(() => ratio(aliceOnBob), { timeout: 20_000 }).toBeCloseTo(16 / 9, 1);
    await expect.poll(() => ratio(tile(carolBar, a)), { timeout: 20_000 }).toBeCloseTo(16 / 9, 1);
    const frames = Number(await aliceOnBob.getAttribute('data-frames'));
    await expect.poll(async () => Number(await aliceOnBob.getAttribute('data-frames')), { timeout: 10_000 }).toBeGreaterThan(frames);
    await aliceBar.getByRole('button', { name: 'Stop sharing' }).click();
    await expect.poll(() => ratio(aliceOnBob), { timeout: 20_000 }).toBeCloseTo(4 / 3, 1);

    // Carol picks another microphone: the call goes on with it, and the next call starts with it.
    await carolBar.getByRole('button', { name: 'Devices' }).click();
    const microphone = carolBar.getByLabel('Microphone');
    const second = await microphone.locator('option').nth(1).getAttribute('value');
    expect(second).toBeTruthy();
    await microphone.selectOption(second ?? '');
    await expect(microphone).toHaveValue(second ?? '');
    await expect(tile(aliceBar, c)).toHaveAttribute('data-speaking', 'true', { timeout: 15_000 });
    expect(await carol.page.evaluate(() => localStorage.getItem('sanctum.calls.microphone'))).toBe(second);
    await expectAccessible(carol.page, 'the call bar with its device pickers');

    // Bob leaves: the two others stay in the call, each with one peer.
    await bobBar.getByRole('button', { name: 'Hang up' }).click();
    await expect(bobBar).toHaveCount(0);
    await expect(aliceBar).toHaveAttribute('data-peers', '1', { timeout: 15_000 });
    await expect(carolBar).toHaveAttribute('data-peers', '1');
    await carolBar.getByRole('button', { name: 'Hang up' }).click();
    await expect(aliceBar).toHaveCount(0, { timeout: 15_000 });
    expect(errors).toEqual([]);
  } finally {
    await Promise.all(people.map((p) => p.context.close()));
  }
});
