import { type Page } from '@playwright/test';

import { expect, test } from './fixtures';
import { newName, signUp } from './people';

// The day-one social loop (issue 20), two and three people in browser contexts of their own against
// the real backend: what someone else does reaches you at once, wherever you are in the app.

const sidebar = (page: Page) => page.getByRole('complementary', { name: 'Chats' });
const nav = (page: Page) => page.getByRole('navigation', { name: 'Main' });

/** Opens "New message" from the chat sidebar and picks each person by typing the start of their name. */
async function startConversation(page: Page, usernames: string[]) {
  await nav(page).getByRole('link', { name: 'Chat' }).click();
  await sidebar(page).getByRole('button', { name: 'New message' }).click();
  const dialog = page.getByRole('dialog', { name: 'New message' });
  const to = dialog.getByRole('combobox', { name: 'To' });
  for (const username of usernames) {
    await to.fill(username.slice(0, -2));
    const option = dialog.getByRole('option').filter({ hasText: `@${username}` });
    await expect(option).toBeVisible();
    // Keyboard-driven: the first match is active; arrows move, Enter picks.
    await to.press('ArrowDown');
    await to.press('ArrowUp');
    const active = dialog.getByRole('option', { selected: true });
    if (!(await active.filter({ hasText: `@${username}` }).count())) await option.click();
    else await to.press('Enter');
    await expect(dialog.getByTestId('picked-person').filter({ hasText: username })).toBeVisible();
  }
  await dialog.getByRole('button', { name: usernames.length > 1 ? 'Start group' : 'Start conversation' }).click();
  await expect(dialog).toBeHidden();
}

async function send(page: Page, text: string) {
  const box = page.getByRole('textbox', { name: /^Message / });
  await box.fill(text);
  await box.press('Enter');
  await expect(box).toHaveValue('');
}

test('a new DM reaches its recipient at once: sidebar row, Chat badge and the tab title', async ({ browser }) => {
  test.setTimeout(60_000);
  const a = newName('ann');
  const b = newName('bob');
  const [ann, bob] = await Promise.all([signUp(browser, a), signUp(browser, b)]);
  try {
    // Bob is on Home, nowhere near the chat.
    await expect(bob.page).toHaveTitle('Sanctum');
    await startConversation(ann.page, [b]);
    await expect(ann.page.getByRole('heading', { level: 1, name: b })).toBeVisible();
    await send(ann.page, 'Hello Bob, welcome!');

    const badge = nav(bob.page).getByTestId('chat-unread');
    await expect(badge).toHaveText('1', { timeout: 2_000 });
    await expect(bob.page).toHaveTitle(/^\(\d+\) Sanctum$/, { timeout: 2_000 });

    await nav(bob.page).getByRole('link', { name: 'Chat' }).click();
    const row = sidebar(bob.page).getByRole('link', { name: new RegExp(a) });
    await expect(row).toBeVisible();
    await expect(row).toContainText('Hello Bob, welcome!');
    await row.click();
    await expect(bob.page.getByRole('log', { name: /^Messages in / }).getByText('Hello Bob, welcome!')).toBeVisible();
    await expect(badge).toBeHidden();
  } finally {
    await ann.context.close();
    await bob.context.close();
  }
});

test('"New message" with two people starts a group that both of them see live', async ({ browser }) => {
  test.setTimeout(60_000);
  const a = newName('ann');
  const b = newName('bob');
  const c = newName('cat');
  const [ann, bob, cat] = await Promise.all([signUp(browser, a), signUp(browser, b), signUp(browser, c)]);
  try {
    await nav(cat.page).getByRole('link', { name: 'Chat' }).click();
    await startConversation(ann.page, [b, c]);
    await send(ann.page, 'Group hello');
    for (const person of [bob, cat]) {
      await expect(nav(person.page).getByTestId('chat-unread')).toHaveText(/^[12]$/, { timeout: 2_000 });
    }
    // Cat has the chat open: the group's row is in the sidebar without a reload.
    await expect(sidebar(cat.page).getByRole('link', { name: new RegExp(`${a}, ${b}, ${c}`) })).toBeVisible();
  } finally {
    await ann.context.close();
    await bob.context.close();
    await cat.context.close();
  }
});
