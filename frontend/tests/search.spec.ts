import { expect, expectAccessible, test } from './fixtures';
import { newName, PASSWORD, signUp } from './people';

// Search finds an old message and opens its room at it, with the history around it loaded: the
// message is older than the newest page the room would open with (50), so it is there only because
// the room was opened at it.

test('Ctrl+K search finds an old message and jumps to it in its room', async ({ browser }) => {
  test.setTimeout(90_000);
  const name = newName('sid');
  const room = newName('archive');
  const { context, page } = await signUp(browser, name);
  try {
    // The room and its history are made through the API (a session of its own), to be quick.
    const login = await page.request.post('/api/auth/login', {
      data: { login: name, password: PASSWORD, refresh_token_delivery: 'body' },
    });
    const headers = { Authorization: `Bearer ${((await login.json()) as { access_token: string }).access_token}` };
    const created = await page.request.post('/api/rooms', { headers, data: { name: room, kind: 'public' } });
    const roomId = ((await created.json()) as { id: string }).id;
    const say = async (body: string) =>
      ((await (await page.request.post(`/api/rooms/${roomId}/messages`, { headers, data: { body } })).json()) as { id: number }).id;
    const target = await say('the launch codeword is zephyrine, keep it quiet');
    for (let i = 0; i < 60; i += 1) await say(`filler line ${i}`);

    await page.keyboard.press('Control+k');
    const dialog = page.getByRole('dialog', { name: 'Search' });
    await dialog.getByRole('searchbox', { name: 'Search' }).fill('zephyri');
    const hit = dialog.getByTestId('search-hit').filter({ hasText: 'zephyrine' });
    await expect(hit).toBeVisible({ timeout: 15_000 });
    await expect(hit.locator('mark')).toHaveText('zephyrine');
    await expect(dialog.getByRole('region', { name: 'Messages' })).toBeVisible();
    await expectAccessible(page, 'the search dialog');

    await hit.click();

    await expect(dialog).toBeHidden();
    await expect(page).toHaveURL(new RegExp(`/chat/${roomId}\\?message=${target}$`));
    const log = page.getByRole('log', { name: `Messages in ${room}` });
    const found = log.locator(`[data-message-id="${target}"]`);
    await expect(found).toBeInViewport({ timeout: 15_000 });
    await expect(found).toHaveAttribute('data-found', '');
    await expect(found).toContainText('zephyrine');
  } finally {
    await context.close();
  }
});
