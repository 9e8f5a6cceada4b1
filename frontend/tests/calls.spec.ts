import { expect, expectAccessible, test } from './fixtures';
import { fakeMedia } from './media';
import { newName, signUp } from './people';

// Two Chromium contexts with fake camera and microphone: Alice calls Bob from their DM, Bob answers,
// both peer connections reach 'connected', Alice hangs up and the DM shows the call's entry.
test.use(fakeMedia);

test('alice video-calls bob from a DM: he answers, both connect, she hangs up and the DM shows the call', async ({ browser }) => {
  test.setTimeout(60_000);
  const a = newName('alice');
  const b = newName('bob');
  const [alice, bob] = await Promise.all([signUp(browser, a), signUp(browser, b)]);
  try {
    await Promise.all([alice, bob].map((p) => p.context.grantPermissions(['camera', 'microphone'])));
    await alice.page.goto(`/u/${b}`);
    await alice.page.getByRole('button', { name: 'Message' }).click();
    await expect(alice.page.getByRole('heading', { level: 1, name: b, exact: true })).toBeVisible();

    await alice.page.getByRole('button', { name: 'Video call' }).click();
    const aliceBar = alice.page.getByTestId('call-bar');
    await expect(aliceBar).toHaveAttribute('data-status', 'ringing');
    const ringer = bob.page.getByRole('alertdialog', { name: 'Incoming call' });
    await expect(ringer).toContainText('Incoming video call');
    await expectAccessible(bob.page, 'an incoming call');
    await ringer.getByRole('button', { name: 'Accept' }).click();

    const bobBar = bob.page.getByTestId('call-bar');
    await expect(aliceBar).toHaveAttribute('data-connection', 'connected', { timeout: 20_000 });
    await expect(bobBar).toHaveAttribute('data-connection', 'connected', { timeout: 20_000 });
    // Media flows both ways: each side's inbound audio and video bytes grow.
    for (const bar of [aliceBar, bobBar]) {
      for (const kind of ['audio', 'video']) {
        const attribute = `data-inbound-${kind}`;
        await expect.poll(async () => Number(await bar.getAttribute(attribute)), { timeout: 15_000 }).toBeGreaterThan(0);
        const first = Number(await bar.getAttribute(attribute));
        await expect.poll(async () => Number(await bar.getAttribute(attribute)), { timeout: 15_000 }).toBeGreaterThan(first);
      }
    }
    await bobBar.getByRole('button', { name: 'Mute' }).click();
    await expect(bobBar.getByRole('button', { name: 'Unmute' })).toHaveAttribute('aria-pressed', 'true');
    // The bar stays while Bob moves to another screen.
    await bob.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chat' }).click();
    await expect(bobBar).toHaveAttribute('data-connection', 'connected');

    await aliceBar.getByRole('button', { name: 'Hang up' }).click();
    await expect(aliceBar).toHaveCount(0);
    await expect(bobBar).toHaveCount(0);
    await expect(alice.page.getByTestId('system-message').getByText(/^Call, \d+ (s|min)$/)).toBeVisible();
  } finally {
    await Promise.all([alice.context.close(), bob.context.close()]);
  }
});
