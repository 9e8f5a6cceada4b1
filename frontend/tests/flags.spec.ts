import { expect, expectAccessible, test } from './fixtures';
import { ADMIN, newName, PASSWORD, signUp } from './people';

// The Feature flags tab: the site admin forces `calls` off for Bob alone; Bob's DM shows no call
// buttons while Alice's still does; removing the override brings them back.
test('a site admin turns video calls off for one person from the Feature flags tab', async ({ browser, request }) => {
  test.setTimeout(60_000);
  const a = newName('alice');
  const b = newName('bob');
  const [alice, bob] = await Promise.all([signUp(browser, a), signUp(browser, b)]);
  const admin = await browser.newContext();
  try {
    const login = await request.post('/api/auth/login', { data: { login: ADMIN, password: PASSWORD } });
    const token = (await login.json()).access_token as string;
    const bobId = (await (await request.get(`/api/users/${b}`, { headers: { Authorization: `Bearer ${token}` } })).json()).id as string;

    const page = await admin.newPage();
    await page.goto('/login');
    await page.getByLabel('Username or email').fill(ADMIN);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page.getByRole('button', { name: 'Account menu' })).toBeVisible();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Moderation' }).click();
    await page.getByRole('tab', { name: 'Feature flags' }).click();
    const calls = page.getByTestId('flag-calls');
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
