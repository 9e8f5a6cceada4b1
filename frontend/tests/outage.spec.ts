import { type Page, type Route } from '@playwright/test';

import { expect, test } from './fixtures';
import { newName, signUp } from './people';

// A message typed while the network is cut, or while the API answers 503 (the database away for a
// moment), is shown as "Sending…", survives a reload in the outbox, and is sent exactly once when the
// server answers again (the same client id on every retry). Waits are on what the page shows or on
// requests, never fixed sleeps.

const sidebar = (page: Page) => page.getByRole('complementary', { name: 'Chats' });
const messagesIn = (page: Page, room: string) => page.getByRole('log', { name: `Messages in ${room}` });
const composer = (page: Page, room: string) => page.getByRole('textbox', { name: `Message #${room}` });
const outboxKeys = (page: Page) =>
  page.evaluate(() => Object.keys(window.localStorage).filter((key) => key.startsWith('sanctum.outbox:')));

async function openNewRoom(page: Page, name: string) {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chat' }).click();
  await sidebar(page).getByRole('button', { name: 'New room' }).click();
  const dialog = page.getByRole('dialog', { name: 'New room' });
  await dialog.getByLabel('Name').fill(name);
  await dialog.getByRole('button', { name: 'Create room' }).click();
  await expect(page.getByRole('heading', { level: 1, name: `#${name}`, exact: true })).toBeVisible();
}

async function type(page: Page, room: string, text: string) {
  await composer(page, room).fill(text);
  await composer(page, room).press('Enter');
  await expect(composer(page, room)).toHaveValue('');
}

/** After a reload, the room's messages as the server has them: `text` exactly once, nothing pending. */
async function storedOnce(page: Page, room: string, text: string) {
  await page.reload();
  const log = messagesIn(page, room);
  await expect(log.getByTestId('message').filter({ hasText: text })).toHaveCount(1);
  await expect(log.getByTestId('pending-message')).toHaveCount(0);
  expect(await outboxKeys(page)).toEqual([]);
}

test('a message typed while the network is cut is sent once when it comes back', async ({ browser }) => {
  test.setTimeout(60_000);
  const room = newName('offline');
  const { context, page } = await signUp(browser, newName('ann'));
  try {
    await openNewRoom(page, room);
    const text = 'Typed with the network cut';
    let failed = 0;
    page.on('requestfailed', (request) => {
      if (request.method() === 'POST' && request.url().includes('/messages')) failed += 1;
    });

    await context.setOffline(true);
    await type(page, room, text);
    const pending = messagesIn(page, room).getByTestId('pending-message').filter({ hasText: text });
    await expect(pending).toContainText('Sending…');
    await expect.poll(() => failed, { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
    await context.setOffline(false);

    await expect(messagesIn(page, room).getByTestId('message').filter({ hasText: text })).toBeVisible({ timeout: 15_000 });
    await expect(pending).toHaveCount(0);
    await storedOnce(page, room, text);
  } finally {
    await context.close();
  }
});

test('a message typed while the API answers 503 survives a reload and is sent once when it answers again', async ({
  browser,
}) => {
  test.setTimeout(60_000);
  const room = newName('outage');
  const { context, page } = await signUp(browser, newName('bob'));
  try {
    await openNewRoom(page, room);
    const text = 'Typed while the database was away';
    let refused = 0;
    let outage = true;
    await page.route('**/api/rooms/*/messages', async (route: Route) => {
      if (route.request().method() !== 'POST' || !outage) return route.fallback();
      refused += 1;
      return route.fulfill({
        status: 503,
        headers: { 'Retry-After': '1', 'Content-Type': 'application/json' },
        body: JSON.stringify({
          error: {
            code: 'DATABASE_UNAVAILABLE',
            message: 'The database is unavailable for a moment; try again shortly.',
            details: { retry_after: 1 },
            request_id: 'e2e',
          },
        }),
      });
    });

    await type(page, room, text);
    const pending = () => messagesIn(page, room).getByTestId('pending-message').filter({ hasText: text });
    await expect(pending()).toContainText('Sending…');
    await expect.poll(() => refused, { timeout: 15_000 }).toBeGreaterThanOrEqual(2);

    await test.step('a reload during the outage keeps the message and tries again', async () => {
      const before = refused;
      await page.reload();
      await expect(pending()).toContainText('Sending…');
      await expect.poll(() => refused, { timeout: 15_000 }).toBeGreaterThan(before);
      expect(await outboxKeys(page)).toHaveLength(1);
    });

    outage = false;
    await expect(messagesIn(page, room).getByTestId('message').filter({ hasText: text })).toBeVisible({ timeout: 15_000 });
    await expect(pending()).toHaveCount(0);
    await page.unroute('**/api/rooms/*/messages');
    await storedOnce(page, room, text);
  } finally {
    await context.close();
  }
});
