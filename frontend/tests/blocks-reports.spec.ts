import { type Page } from '@playwright/test';

import { expect, expectAccessible, test } from './fixtures';
import { auditRows, newName, signUp } from './people';

// Blocks and reports, each person in a browser context of their own: a user blocks another and the DM
// composer between them is disabled; a member reports a message and the sanctum's owner finds it in
// the moderation queue, deletes it, and reads both steps in the sanctum's audit log. Every wait is on
// something visible.

const nav = (page: Page, name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name });

test('a block disables the DM composer, and a reported message reaches the owner’s queue', async ({ browser }) => {
  test.setTimeout(120_000);
  const [a, b, c] = [newName('ann'), newName('bob'), newName('cid')];
  const sanctumName = `Garden ${newName('g')}`;
  const [ann, bob, cid] = await Promise.all([signUp(browser, a), signUp(browser, b), signUp(browser, c)]);
  const [pa, pb, pc] = [ann.page, bob.page, cid.page];
  let sanctumUrl = '';

  try {
    await test.step('Ann messages Bob, blocks him, and the DM composer is disabled', async () => {
      await pa.goto(`/u/${b}`);
      await pa.getByRole('button', { name: 'Message' }).click();
      await expect(pa.getByRole('textbox', { name: `Message ${b}` })).toBeVisible();
      await pa.goto(`/u/${b}`);
      await pa.getByRole('button', { name: 'Block' }).click();
      await expect(pa.getByRole('button', { name: 'Unblock' })).toBeVisible();
      await pa.getByRole('button', { name: 'Message' }).click();
      const blocked = pa.getByTestId('blocked-composer');
      await expect(blocked).toBeVisible();
      await expectAccessible(pa, 'a DM with a blocked person');
      await expect(blocked.getByRole('textbox')).toBeDisabled();
      await expect(pa.getByRole('textbox', { name: `Message ${b}` })).toHaveCount(0);
    });

    await test.step('Cid reports Bob’s message in Ann’s sanctum', async () => {
      await nav(pa, 'Sanctums').click();
      await pa.getByLabel('Name').fill(sanctumName);
      await pa.getByRole('button', { name: 'Create sanctum' }).click();
      await expect(pa.getByRole('heading', { level: 1, name: sanctumName })).toBeVisible();
      sanctumUrl = new URL(pa.url()).pathname;
      for (const page of [pb, pc]) {
        await page.goto(sanctumUrl);
        await page.getByRole('button', { name: 'Join' }).click();
        await expect(page.getByRole('link', { name: 'Chat room' })).toBeVisible();
      }
      await pb.getByRole('link', { name: 'Chat room' }).click();
      const box = pb.getByRole('textbox', { name: `Message #${sanctumName}` });
      await box.fill('buy cheap pills now');
      await pb.keyboard.press('Enter');
      await expect(pb.getByTestId('message').getByText('buy cheap pills now')).toBeVisible();

      await pc.getByRole('link', { name: 'Chat room' }).click();
      const message = pc.getByTestId('message').filter({ hasText: 'buy cheap pills now' });
      await message.hover();
      await message.getByRole('button', { name: 'Report message' }).click();
      await pc.getByLabel('Spam').check();
      await pc.getByLabel(/What happened/).fill('selling pills');
      await pc.getByRole('button', { name: 'Report', exact: true }).click();
      await expect(pc.getByRole('heading', { name: 'Thanks for the report' })).toBeVisible();
    });

    await test.step('Ann sees it in the moderation queue and deletes the message', async () => {
      await pa.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Moderation' }).click();
      const report = pa.getByTestId('report').filter({ hasText: 'buy cheap pills now' });
      await expect(report).toBeVisible();
      await expect(report).toContainText('selling pills');
      await expectAccessible(pa, 'the moderation queue');
      await report.getByRole('button', { name: 'Delete content' }).click();
      await expect(pa.getByTestId('report')).toHaveCount(0);
      await pa.getByRole('tab', { name: 'Resolved' }).click();
      await expect(pa.getByTestId('report').filter({ hasText: 'buy cheap pills now' })).toContainText('Resolved (delete)');
    });

    await test.step('the sanctum’s audit log shows the deletion and the resolved report', async () => {
      await pa.goto(sanctumUrl);
      await pa.getByRole('main').getByRole('link', { name: 'Moderation' }).click();
      await expect(pa.getByRole('tab', { name: 'Audit log' })).toHaveAttribute('aria-selected', 'true');
      for (const action of ['message.delete', 'report.resolve']) {
        await expect(auditRows(pa, action)).toHaveCount(1);
      }
    });
  } finally {
    await Promise.all([ann.context.close(), bob.context.close(), cid.context.close()]);
  }
});
