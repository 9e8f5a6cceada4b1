import { expect, expectAccessible, test } from './fixtures';
import { newName, signUp } from './people';

// The settings screens of issue 16 against the real backend. No push service is reachable here, so the
// browser stops short of subscribing: it registers the service worker (under the CSP), saves
// preferences and quiet hours, and downloads an export once.

test('notification settings are saved, the service worker runs at /, an export downloads once', async ({ browser }) => {
  test.setTimeout(60_000);
  const { context, page } = await signUp(browser, newName('pat'));
  await context.grantPermissions(['notifications']);

  await test.step('the service worker is registered with the whole site as its scope', async () => {
    await page.goto('/settings/notifications');
    const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
    expect(scope).toBe(new URL('/', page.url()).href);
    await expect(page.getByRole('button', { name: 'Turn on push notifications' })).toBeVisible();
    await expect(page.getByLabel('Room or sanctum to mute')).toBeVisible();
    await expectAccessible(page, 'notification settings');
  });

  await test.step('preferences and quiet hours are saved and shown again after a reload', async () => {
    await page.getByLabel('Likes: in app').uncheck();
    await page.getByLabel('Mentions: push').uncheck();
    await page.getByLabel(/Email me the chat mentions I leave unread/).check();
    await page.getByLabel('Quiet hours every day').check();
    await page.getByLabel('From').fill('21:30');
    await page.getByLabel('Time zone').fill('Europe/Paris');
    await page.getByRole('button', { name: 'Save preferences' }).click();
    await expect(page.getByText('Preferences saved.')).toBeVisible();
    await page.reload();
    await expect(page.getByLabel('Likes: in app')).not.toBeChecked();
    await expect(page.getByLabel('Mentions: push')).not.toBeChecked();
    await expect(page.getByLabel('Mentions: in app')).toBeChecked();
    await expect(page.getByLabel(/Email me the chat mentions I leave unread/)).toBeChecked();
    await expect(page.getByLabel('From')).toHaveValue('21:30');
    await expect(page.getByLabel('Time zone')).toHaveValue('Europe/Paris');
  });

  await test.step('an archive is requested, built, downloaded once', async () => {
    await page.goto('/settings/data');
    await page.getByRole('button', { name: 'Request an archive' }).click();
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download archive' }).click();
    expect((await download).suggestedFilename()).toMatch(/^sanctum-export-\d{4}-\d{2}-\d{2}\.zip$/);
    await expect(page.getByLabel('Latest export').getByText('Downloaded')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Request an archive' })).toBeVisible();
    await expectAccessible(page, 'your data');
  });
  await context.close();
});
