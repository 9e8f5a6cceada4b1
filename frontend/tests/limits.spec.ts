import { type Locator, type Page } from '@playwright/test';

import { expect, test } from './fixtures';
import { newName, signUp } from './people';

// Slow mode and rate limits as people meet them: the owner sets slow mode in the room header, a member's
// composer counts the interval down, and a message the server refuses stays in the composer with the
// wait, to be sent afterwards. Waits are on what is visible, never a fixed sleep.

const sidebar = (page: Page) => page.getByRole('complementary', { name: 'Chats' });
const messagesIn = (page: Page, room: string) => page.getByRole('log', { name: `Messages in ${room}` });
const message = (log: Locator, text: string) => log.getByTestId('message').filter({ hasText: text });
const composer = (page: Page, room: string) => page.getByRole('textbox', { name: `Message #${room}` });
const wait = (page: Page) => page.getByRole('status').filter({ hasText: /wait \d+ s/ });

test('slow mode: the owner sets it, a member waits it out, and a refused message is kept and sent afterwards', async ({ browser }) => {
  test.setTimeout(90_000);
  const a = newName('ann');
  const b = newName('bob');
  const room = newName('heated');
  const [ann, bob] = await Promise.all([signUp(browser, a), signUp(browser, b)]);
  const pa = ann.page;
  const pb = bob.page;

  try {
    await test.step('Ann creates a room and Bob joins it', async () => {
      await pa.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chat' }).click();
      await sidebar(pa).getByRole('button', { name: 'New room' }).click();
      const dialog = pa.getByRole('dialog', { name: 'New room' });
      await dialog.getByLabel('Name').fill(room);
      await dialog.getByRole('button', { name: 'Create room' }).click();
      await expect(pa.getByRole('heading', { level: 1, name: `#${room}`, exact: true })).toBeVisible();
      await pb.goto(pa.url());
      await pb.getByRole('button', { name: 'Join room' }).click();
      await expect(composer(pb, room)).toBeVisible();
    });

    await test.step('Ann turns slow mode on; it reaches Bob live', async () => {
      await pa.getByRole('combobox', { name: 'Slow mode' }).selectOption({ label: '5 seconds' });
      await expect(pa.getByRole('combobox', { name: 'Slow mode' })).toHaveValue('5');
      // Bob is a member: no setting for him, and the owner herself is exempt.
      await expect(pb.getByRole('combobox', { name: 'Slow mode' })).toHaveCount(0);
      await composer(pa, room).fill('Ann is exempt 1');
      await composer(pa, room).press('Enter');
      await composer(pa, room).fill('Ann is exempt 2');
      await composer(pa, room).press('Enter');
      await expect(message(messagesIn(pb, room), 'Ann is exempt 2')).toBeVisible();
      await expect(wait(pa)).toHaveCount(0);
    });

    await test.step("Bob's composer counts the interval down after he sends", async () => {
      await composer(pb, room).fill('Bob one');
      await composer(pb, room).press('Enter');
      await expect(message(messagesIn(pa, room), 'Bob one')).toBeVisible();
      await expect(wait(pb)).toHaveText(/^Slow mode is on — wait [1-5] s$/);
      await composer(pb, room).fill('Bob two');
      await expect(pb.getByRole('button', { name: 'Send' })).toBeDisabled();
      await expect(wait(pb)).toHaveCount(0, { timeout: 10_000 });
      await composer(pb, room).press('Enter');
      await expect(message(messagesIn(pa, room), 'Bob two')).toBeVisible();
    });

    await test.step('a message the server refuses stays in the composer with the wait, then goes', async () => {
      await expect(wait(pb)).toHaveCount(0, { timeout: 10_000 });
      // Bob sends from a second tab, which this one does not know about: the server refuses the next.
      const other = await bob.context.newPage();
      await other.goto(pb.url());
      await composer(other, room).fill('Bob from his other tab');
      await composer(other, room).press('Enter');
      await expect(message(messagesIn(pb, room), 'Bob from his other tab')).toBeVisible();
      await other.close();

      await composer(pb, room).fill('Bob keeps this');
      await composer(pb, room).press('Enter');
      await expect(wait(pb)).toHaveText(/^Slow mode is on — wait [1-5] s$/);
      await expect(composer(pb, room)).toHaveValue('Bob keeps this');
      await expect(message(messagesIn(pb, room), 'Bob keeps this')).toHaveCount(0);
      await expect(wait(pb)).toHaveCount(0, { timeout: 10_000 });
      await composer(pb, room).press('Enter');
      await expect(message(messagesIn(pa, room), 'Bob keeps this')).toBeVisible();
      await expect(composer(pb, room)).toHaveValue('');
    });
  } finally {
    await Promise.all([ann.context.close(), bob.context.close()]);
  }
});
