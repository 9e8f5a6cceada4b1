import { type Page } from '@playwright/test';

import { expect, expectAccessible, test } from './fixtures';
import { newName, signUp } from './people';

// A sanctum's owner moderates its room: pins three messages (a fourth is refused), mutes a member who
// then sees the banner instead of the composer, and reads each step in the audit log; removes the
// member's comment, which stays as "Removed by a moderator"; bans the member and unbans them.

const nav = (page: Page, name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name });

test('a moderator pins three, mutes a member, reads the audit log, removes a comment, bans and unbans', async ({
  browser,
}) => {
  test.setTimeout(90_000);
  const sanctumName = `Hall ${newName('h')}`;
  const bobName = newName('bob');
  const [ann, bob] = await Promise.all([signUp(browser, newName('ann')), signUp(browser, bobName)]);
  const [pa, pb] = [ann.page, bob.page];
  let sanctumUrl = '';

  try {
    await test.step('the owner founds a sanctum, a member joins and writes four messages in its room', async () => {
      await nav(pa, 'Sanctums').click();
      await pa.getByLabel('Name').fill(sanctumName);
      await pa.getByRole('button', { name: 'Create sanctum' }).click();
      await expect(pa.getByRole('heading', { level: 1, name: sanctumName })).toBeVisible();
      sanctumUrl = new URL(pa.url()).pathname;
      await pb.goto(sanctumUrl);
      await pb.getByRole('button', { name: 'Join' }).click();
      await pb.getByRole('link', { name: 'Chat room' }).click();
      await pa.getByRole('link', { name: 'Chat room' }).click();
      const box = pb.getByRole('textbox', { name: `Message #${sanctumName}` });
      for (const text of ['one', 'two', 'three', 'four']) {
        await box.fill(`note ${text}`);
        await pb.keyboard.press('Enter');
        await expect(pb.getByTestId('message').getByText(`note ${text}`)).toBeVisible();
      }
    });

    await test.step('the owner pins three; the fourth is refused', async () => {
      for (const text of ['one', 'two', 'three']) {
        const message = pa.getByTestId('message').filter({ hasText: `note ${text}` });
        await message.hover();
        await message.getByRole('button', { name: 'Pin message' }).click();
        await expect(pa.getByTestId('pinned-message').filter({ hasText: `note ${text}` })).toBeVisible();
      }
      const fourth = pa.getByTestId('message').filter({ hasText: 'note four' });
      await fourth.hover();
      await fourth.getByRole('button', { name: 'Pin message' }).click();
      await expect(pa.getByRole('alert').filter({ hasText: 'at most 3 pinned' })).toBeVisible();
      await expect(pa.getByTestId('pinned-message')).toHaveCount(3);
      await expect(pb.getByTestId('pinned-message')).toHaveCount(3); // live, for every member
      await expect(pb.getByRole('button', { name: 'Pin message' })).toHaveCount(0);
    });

    await test.step('the owner mutes the member, who sees the banner instead of the composer', async () => {
      const message = pa.getByTestId('message').filter({ hasText: 'note four' });
      await message.hover();
      await message.getByRole('button', { name: /^Mute .* for 10 minutes$/ }).click();
      await expect(pb.getByTestId('mute-banner')).toContainText('You are muted in this room until');
      await expect(pb.getByRole('textbox', { name: `Message #${sanctumName}` })).toHaveCount(0);
    });

    await test.step('the audit log shows the pins and the mute', async () => {
      await pa.goto(sanctumUrl);
      await pa.getByRole('main').getByRole('link', { name: 'Moderation' }).click();
      await expect(pa.getByRole('tab', { name: 'Audit log' })).toHaveAttribute('aria-selected', 'true');
      const rows = pa.getByTestId('audit-row');
      await expect(rows.filter({ has: pa.locator('code', { hasText: 'user.mute' }) })).toHaveCount(1);
      await expect(rows.filter({ has: pa.locator('code', { hasText: /^message\.pin$/ }) })).toHaveCount(3);
      await expectAccessible(pa, 'the audit log');
      await pa.getByLabel('Action').selectOption('user.mute');
      await expect(rows).toHaveCount(1);
      await expect(rows.first()).toHaveAttribute('data-action', 'user.mute');
      await pa.getByLabel('Action').selectOption('');
    });

    await test.step("the owner removes the member's comment: it stays, for both, as removed by a moderator", async () => {
      await pb.goto(sanctumUrl);
      await pb.getByLabel(`Post in ${sanctumName}`).fill('a post to discuss');
      await pb.getByRole('button', { name: 'Post', exact: true }).click();
      await pb.getByTestId('post').filter({ hasText: 'a post to discuss' }).getByRole('link', { name: /comments/ }).click();
      await expect(pb).toHaveURL(/\/posts\/\d+$/);
      await pb.getByLabel('Write a comment').fill('a rude remark');
      await pb.getByRole('button', { name: 'Comment', exact: true }).click();
      await expect(pb.getByTestId('comment').filter({ hasText: 'a rude remark' })).toBeVisible();
      await pa.goto(new URL(pb.url()).pathname);
      await pa.getByTestId('comment').filter({ hasText: 'a rude remark' }).getByRole('button', { name: 'Remove' }).click();
      for (const page of [pa, pb]) {
        await expect(page.getByTestId('comment-removed')).toHaveText('Removed by a moderator');
        await expect(page.getByText('a rude remark')).toHaveCount(0);
      }
    });

    await test.step('the owner bans the member, finds them in the ban list, and unbans them', async () => {
      await pa.goto(sanctumUrl);
      await pa.getByRole('button', { name: `Ban ${bobName}` }).click();
      const bans = pa.getByTestId('bans');
      await expect(bans).toContainText(bobName);
      await expectAccessible(pa, 'the ban list');
      await bans.getByRole('button', { name: `Unban ${bobName}` }).click();
      await expect(pa.getByText('Nobody is banned.')).toBeVisible();
    });
  } finally {
    await Promise.all([ann.context.close(), bob.context.close()]);
  }
});
