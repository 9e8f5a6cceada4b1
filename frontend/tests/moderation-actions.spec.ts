import { type Page } from '@playwright/test';

import { expect, test } from './fixtures';
import { newName, signUp } from './people';

// A sanctum's owner moderates its room: pins three messages (a fourth is refused), mutes a member who
// then sees the banner instead of the composer, and reads each step in the audit log.

const nav = (page: Page, name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name });

test('a moderator pins three messages, the fourth is refused, mutes a member who sees the banner, and the audit log shows it', async ({
  browser,
}) => {
  test.setTimeout(90_000);
  const sanctumName = `Hall ${newName('h')}`;
  const [ann, bob] = await Promise.all([signUp(browser, newName('ann')), signUp(browser, newName('bob'))]);
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
    });
  } finally {
    await Promise.all([ann.context.close(), bob.context.close()]);
  }
});
