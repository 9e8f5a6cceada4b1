import { type Page } from '@playwright/test';

import { expect, expectAccessible, test } from './fixtures';
import { newName, signUp } from './people';

// Three people in browser contexts of their own: an owner adds a channel to a sanctum; a member sees
// it on the sanctum's page and in the chat list under the sanctum's room, and talks in it; an
// outsider sees neither it nor its messages. Every wait is on something visible.

const nav = (page: Page, name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name });

test('a channel the owner creates appears for members, under the sanctum, and never for outsiders', async ({ browser }) => {
  test.setTimeout(90_000);
  const sanctumName = `Orchard ${newName('o')}`;
  const channelName = `seeds-${newName('c')}`;
  const [ann, bob, cid] = await Promise.all([signUp(browser, newName('ann')), signUp(browser, newName('bob')), signUp(browser, newName('cid'))]);
  const [pa, pb, pc] = [ann.page, bob.page, cid.page];
  let sanctumUrl = '';
  let channelUrl = '';

  try {
    await test.step('the owner founds a public sanctum, a member joins, the owner adds a channel', async () => {
      await nav(pa, 'Sanctums').click();
      await pa.getByLabel('Name').fill(sanctumName);
      await pa.getByRole('button', { name: 'Create sanctum' }).click();
      await expect(pa.getByRole('heading', { level: 1, name: sanctumName })).toBeVisible();
      sanctumUrl = new URL(pa.url()).pathname;
      await pb.goto(sanctumUrl);
      await pb.getByRole('button', { name: 'Join' }).click();
      await expect(pb.getByTestId('member-count')).toHaveText('2');
      await pa.getByLabel('New channel').fill(channelName);
      await pa.getByRole('button', { name: 'Add channel' }).click();
      await expect(pa.getByTestId('channel-row')).toContainText(channelName);
    });

    await test.step('the member sees it on the page and in the chat list under the sanctum, and talks in it', async () => {
      await pb.reload();
      const row = pb.getByTestId('channel-row').filter({ hasText: channelName });
      await expect(row).toBeVisible();
      await expect(row.getByRole('button', { name: /Move/ })).toHaveCount(0); // ordering is for owners
      await row.getByRole('link').click();
      await expect(pb).toHaveURL(/\/chat\/[0-9a-f-]{36}$/);
      channelUrl = new URL(pb.url()).pathname;
      const list = pb.getByRole('navigation', { name: 'Your chats' });
      const items = list.getByTestId('room-item');
      await expect(items.filter({ hasText: channelName })).toBeVisible();
      const names = await items.allInnerTexts();
      const main = names.findIndex((n) => n.includes(sanctumName));
      expect(main).toBeGreaterThanOrEqual(0);
      expect(names[main + 1]).toContain(channelName);
      await pb.getByRole('textbox', { name: `Message #${channelName}` }).fill('hello channel');
      await pb.keyboard.press('Enter');
      await expect(pb.getByTestId('message').getByText('hello channel')).toBeVisible();
    });

    await test.step('an outsider sees no channel on the page, in the list, or at its address', async () => {
      await pc.goto(sanctumUrl);
      await expect(pc.getByRole('heading', { level: 1, name: sanctumName })).toBeVisible();
      await expect(pc.getByRole('button', { name: 'Join' })).toBeVisible();
      await expect(pc.getByText(channelName)).toHaveCount(0);
      await nav(pc, 'Chat').click();
      await expect(pc.getByText(channelName)).toHaveCount(0);
      await pc.goto(channelUrl);
      await expect(pc.getByRole('heading', { name: 'Room not found' })).toBeVisible();
      await expect(pc.getByText('hello channel')).toHaveCount(0);
    });

    await test.step("the owner adds a second channel and moves it up: the member's chat list follows live", async () => {
      const second = `roots-${newName('c')}`;
      await pa.getByLabel('New channel').fill(second);
      await pa.getByRole('button', { name: 'Add channel' }).click();
      const items = pb.getByRole('navigation', { name: 'Your chats' }).getByTestId('room-item');
      await expect(items.filter({ hasText: second })).toBeVisible();
      await pa.getByRole('button', { name: `Move ${second} up` }).click();
      await expect(pa.getByTestId('channel-row').first()).toContainText(second);
      await expect
        .poll(async () => {
          const names = await items.allInnerTexts();
          return names.findIndex((n) => n.includes(second)) < names.findIndex((n) => n.includes(channelName));
        })
        .toBe(true);
      const row = pa.getByTestId('channel-row').filter({ hasText: second });
      await row.getByRole('button', { name: `Delete ${second}` }).click();
      await row.getByRole('button', { name: `Delete #${second} and its messages` }).click();
      await expect(items.filter({ hasText: second })).toHaveCount(0);
    });

    await test.step("the owner deletes the channel: it leaves the member's chat list at once", async () => {
      const list = pb.getByRole('navigation', { name: 'Your chats' });
      await expect(list.getByTestId('room-item').filter({ hasText: channelName })).toBeVisible();
      const row = pa.getByTestId('channel-row').filter({ hasText: channelName });
      await row.getByRole('button', { name: `Delete ${channelName}` }).click();
      await expectAccessible(pa, 'a sanctum page confirming a channel deletion');
      await row.getByRole('button', { name: `Delete #${channelName} and its messages` }).click();
      await expect(pa.getByTestId('channel-row')).toHaveCount(0);
      await expect(list.getByTestId('room-item').filter({ hasText: channelName })).toHaveCount(0);
    });
  } finally {
    await Promise.all([ann.context.close(), bob.context.close(), cid.context.close()]);
  }
});
