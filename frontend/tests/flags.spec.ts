import type { APIRequestContext, BrowserContext, Locator } from '@playwright/test';

import { expect, expectAccessible, test } from './fixtures';
import { ADMIN, newName, PASSWORD, signUp } from './people';

/** The site admin signed in on the Feature flags tab: the `calls` flag's card. */
async function callsFlag(admin: BrowserContext): Promise<Locator> {
  const page = await admin.newPage();
  await page.goto('/login');
  await page.getByLabel('Username or email').fill(ADMIN);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('button', { name: 'Account menu' })).toBeVisible();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Moderation' }).click();
  await page.getByRole('tab', { name: 'Feature flags' }).click();
  return page.getByTestId('flag-calls');
}

async function tokenOf(request: APIRequestContext, login: string): Promise<string> {
  const answer = await request.post('/api/auth/login', { data: { login, password: PASSWORD } });
  expect(answer.ok()).toBeTruthy();
  return (await answer.json()).access_token as string;
}

// The Feature flags tab: the site admin forces `calls` off for Bob alone; Bob's DM shows no call
// buttons while Alice's still does; removing the override brings them back.
test('a site admin turns video calls off for one person from the Feature flags tab', async ({ browser, request }) => {
  test.setTimeout(60_000);
  const a = newName('alice');
  const b = newName('bob');
  const [alice, bob] = await Promise.all([signUp(browser, a), signUp(browser, b)]);
  const admin = await browser.newContext();
  try {
    const token = await tokenOf(request, ADMIN);
    const bobId = (await (await request.get(`/api/users/${b}`, { headers: { Authorization: `Bearer ${token}` } })).json()).id as string;

    const calls = await callsFlag(admin);
    const page = calls.page();
    await expect(calls).toContainText('Voice and video calls');
    await expectAccessible(page, 'the feature flags tab');
    await calls.getByLabel('Id', { exact: true }).fill(bobId);
    await calls.getByRole('button', { name: 'Force off' }).click();
    await expect(calls.getByTestId('overrides')).toContainText(`user ${bobId}: off`);

    await alice.page.goto(`/u/${b}`);
    await alice.page.getByRole('button', { name: 'Message' }).click();
    await expect(alice.page.getByRole('button', { name: 'Video call' })).toBeVisible();
    await bob.page.goto(`/u/${a}`);
    await bob.page.getByRole('button', { name: 'Message' }).click();
    await expect(bob.page.getByRole('heading', { level: 1, name: a, exact: true })).toBeVisible();
    await expect(bob.page.getByRole('button', { name: 'Video call' })).toHaveCount(0);

    await calls.getByTestId('overrides').getByRole('button', { name: 'Remove' }).click();
    await expect(calls.getByTestId('overrides')).toHaveCount(0);
    await bob.page.reload();
    await expect(bob.page.getByRole('button', { name: 'Video call' })).toBeVisible();
  } finally {
    await Promise.all([alice.context.close(), bob.context.close(), admin.close()]);
  }
});

// A per-sanctum override: `calls` forced off in one sanctum. Its member sees no call buttons in that
// sanctum's room but still sees them in a room of another sanctum. The web app reads its flags when a
// page loads (and every minute, and on focus once they are 30 s old), so the member's page is reloaded
// after the change rather than watched for it.
test('a site admin turns calls off in one sanctum: its room has no call buttons, another sanctum’s room still has them', async ({
  browser,
  request,
}) => {
  test.setTimeout(60_000);
  const name = newName('dana');
  const dana = await signUp(browser, name);
  const admin = await browser.newContext();
  try {
    const headers = { Authorization: `Bearer ${await tokenOf(request, name)}` };
    const found = async (kind: string): Promise<{ id: string; room_id: string }> => {
      const slug = newName(kind).toLowerCase();
      const created = await request.post('/api/sanctums', { headers, data: { name: `${kind} ${slug}`, slug } });
      expect(created.status()).toBe(201);
      return (await created.json()) as { id: string; room_id: string };
    };
    const [quiet, loud] = [await found('quiet'), await found('loud')];
    const page = dana.page;
    await page.goto(`/chat/${quiet.room_id}`);
    await expect(page.getByRole('button', { name: 'Video call' })).toBeVisible();

    const calls = await callsFlag(admin);
    await calls.getByLabel('Override for').selectOption('sanctum');
    await calls.getByLabel('Id', { exact: true }).fill(quiet.id);
    await calls.getByRole('button', { name: 'Force off' }).click();
    await expect(calls.getByTestId('overrides')).toContainText(`sanctum ${quiet.id}: off`);

    await page.reload();
    await expect(page.getByRole('textbox', { name: /^Message / })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Video call' })).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Voice call' })).toHaveCount(0);
    await page.goto(`/chat/${loud.room_id}`);
    await expect(page.getByRole('button', { name: 'Video call' })).toBeVisible();
    // What the app was told, as the server evaluates it (and enforces it on `call.start`) in each sanctum.
    const off = await request.get(`/api/flags?sanctum_id=${quiet.id}`, { headers });
    const on = await request.get(`/api/flags?sanctum_id=${loud.id}`, { headers });
    expect((await off.json()).flags.calls).toBe(false);
    expect((await on.json()).flags.calls).toBe(true);

    await calls.getByRole('listitem').filter({ hasText: quiet.id }).getByRole('button', { name: 'Remove' }).click();
    await expect(calls.getByText(quiet.id)).toHaveCount(0);
    await page.goto(`/chat/${quiet.room_id}`);
    await expect(page.getByRole('button', { name: 'Video call' })).toBeVisible();
  } finally {
    await Promise.all([dana.context.close(), admin.close()]);
  }
});
