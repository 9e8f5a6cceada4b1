import { type BrowserContext, type Page } from '@playwright/test';

import { expect, test } from './fixtures';
import { newName, PASSWORD } from './people';

// The browser's second line of defence, against the real backend: the app works under the enforced
// Content-Security-Policy (the fixture fails any test with a violation), script injected the way a
// sanitizer bypass would inject it does not run, and no token is where script can read it.

const SCREENS = [
  '/',
  '/feed',
  '/chat',
  '/chat/browse',
  '/sanctums',
  '/friends',
  '/games',
  '/games/leaderboard',
  '/games/history',
  '/notifications',
  '/settings/profile',
  '/settings/sessions',
  '/settings/notifications',
  '/settings/data',
  '/no-such-page',
];

async function register(page: Page, username: string): Promise<string> {
  await page.goto('/register');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Email').fill(`${username}@example.com`);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  const login = page.waitForResponse((r) => r.url().endsWith('/api/auth/login') && r.status() === 200);
  await page.getByRole('button', { name: 'Create account' }).click();
  const { access_token: accessToken } = (await (await login).json()) as { access_token: string };
  await expect(page.getByRole('heading', { name: `Welcome, ${username}` })).toBeVisible();
  return accessToken;
}

async function refreshCookie(context: BrowserContext) {
  const cookies = await context.cookies();
  return cookies.find((c) => c.name === 'sanctum_refresh');
}

/** Everything script on the page can read of this origin's storage and cookies. */
async function readableByScript(page: Page): Promise<string> {
  return page.evaluate(() =>
    JSON.stringify({
      local: Object.fromEntries(Object.entries(window.localStorage)),
      session: Object.fromEntries(Object.entries(window.sessionStorage)),
      cookie: document.cookie,
    }),
  );
}

async function expectNoTokenReadable(page: Page, secrets: string[]) {
  const readable = await readableByScript(page);
  for (const secret of secrets) expect(readable).not.toContain(secret);
  const parsed = JSON.parse(readable) as { local: Record<string, string>; session: object; cookie: string };
  // Only the signed-in hint, which is not a credential.
  expect(parsed.local).toEqual({ 'sanctum.session': '1' });
  expect(parsed.session).toEqual({});
  expect(parsed.cookie).toBe('');
}

test('every screen runs under the enforced policy without a single violation', async ({ page }) => {
  test.setTimeout(60_000);
  const response = await page.goto('/login');
  const policy = response?.headers()['content-security-policy'] ?? '';
  expect(policy).toContain("script-src 'self'");
  expect(policy).not.toContain('unsafe-inline');
  expect(policy).not.toContain('unsafe-eval');
  await expect(page.getByRole('heading', { name: 'Welcome back' })).toBeVisible();

  await register(page, newName('csp'));
  for (const path of SCREENS) {
    await test.step(path, async () => {
      await page.goto(path);
      await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
      await expect(page.getByRole('main')).not.toBeEmpty();
    });
  }
  // The fixture checks, when the test ends, that none of them reported a violation.
});

test.describe('script injected into the page', () => {
  test.use({ allowCspViolations: true });

  /** What a sanitizer bypass would add: an inline <script> and an <img> with an onerror handler. */
  async function inject(page: Page): Promise<void> {
    await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.__injectedScriptRan = true;';
      document.body.append(script);
      const holder = document.createElement('div');
      holder.innerHTML = '<img src="data:," onerror="window.__injectedHandlerRan = true">';
      document.body.append(holder);
    });
  }

  const ran = (page: Page) =>
    page.evaluate(() => {
      const w = window as unknown as Record<string, unknown>;
      return { script: w.__injectedScriptRan === true, handler: w.__injectedHandlerRan === true };
    });

  test('does not run, and the browser reports both attempts', async ({ page, cspViolations }) => {
    await register(page, newName('xss'));

    await inject(page);

    await expect.poll(() => cspViolations.map((v) => v.directive).sort()).toEqual(['script-src-attr', 'script-src-elem']);
    expect(cspViolations.every((v) => v.blocked === 'inline')).toBe(true);
    expect(await ran(page)).toEqual({ script: false, handler: false });
    // The app is unharmed.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sessions' }).click();
    await expect(page.getByRole('list', { name: 'Active sessions' })).toBeVisible();
  });

  test('would run without the policy, so the check above can fail', async ({ browser }) => {
    const unprotected = await browser.newContext({ bypassCSP: true });
    try {
      const page = await unprotected.newPage();
      await page.goto('/login');
      await inject(page);
      await expect.poll(() => ran(page)).toEqual({ script: true, handler: true });
    } finally {
      await unprotected.close();
    }
  });
});

test('the guard of every browser test fails a test whose page breaks the policy', async ({ page, cspViolations }) => {
  test.fail();
  await page.goto('/login');
  await page.evaluate(() => document.body.append(Object.assign(document.createElement('script'), { textContent: '0' })));
  await expect.poll(() => cspViolations.length).toBe(1);
});

test('no token is readable by script; a reload and a second tab stay signed in on the cookie', async ({
  page,
  context,
}) => {
  const username = newName('tab');
  const accessToken = await register(page, username);

  const cookie = await refreshCookie(context);
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/api/auth' });
  const secrets = [accessToken, cookie?.value ?? 'missing'];
  await expectNoTokenReadable(page, secrets);

  await test.step('a reload is still signed in, from the cookie', async () => {
    await page.reload();
    await expect(page.getByRole('heading', { name: `Welcome, ${username}` })).toBeVisible();
    await expectNoTokenReadable(page, secrets);
  });

  const second = await context.newPage();
  await test.step('a second tab is signed in to the same session', async () => {
    await second.goto('/settings/sessions');
    await expect(second.getByRole('list', { name: 'Active sessions' }).getByRole('listitem')).toHaveCount(1);
    await expectNoTokenReadable(second, secrets);
  });

  await test.step('both tabs reloading at once share the rotation instead of ending the session', async () => {
    await Promise.all([page.reload(), second.reload()]);
    await expect(page.getByRole('heading', { name: `Welcome, ${username}` })).toBeVisible();
    await expect(second.getByRole('list', { name: 'Active sessions' }).getByRole('listitem')).toHaveCount(1);
    await page.goto('/settings/sessions');
    await expect(page.getByRole('list', { name: 'Active sessions' }).getByRole('listitem')).toHaveCount(1);
  });

  await test.step('logging out in one tab signs the other out and clears the cookie', async () => {
    await page.getByRole('button', { name: 'Account menu' }).click();
    await page.getByRole('menuitem', { name: 'Log out' }).click();
    await expect(page).toHaveURL(/\/login$/);
    await expect(second).toHaveURL(/\/login$/);
    expect(await refreshCookie(context)).toBeUndefined();
  });
});

test('a refresh token kept in localStorage by an older version moves into the cookie once', async ({
  page,
  context,
}) => {
  const username = newName('old');
  await register(page, username);
  await page.getByRole('button', { name: 'Account menu' }).click();
  await page.getByRole('menuitem', { name: 'Log out' }).click();
  await expect(page).toHaveURL(/\/login$/);
  // What the previous version of the app left behind: a refresh token in localStorage, no cookie.
  const login = await page.request.post('/api/auth/login', {
    data: { login: username, password: PASSWORD, refresh_token_delivery: 'body' },
  });
  const { refresh_token: stored } = (await login.json()) as { refresh_token: string };
  expect(await refreshCookie(context)).toBeUndefined();
  await page.evaluate((token) => window.localStorage.setItem('sanctum.refresh', token), stored);

  await page.goto('/');

  await expect(page.getByRole('heading', { name: `Welcome, ${username}` })).toBeVisible();
  expect(await page.evaluate(() => window.localStorage.getItem('sanctum.refresh'))).toBeNull();
  const cookie = await refreshCookie(context);
  expect(cookie?.httpOnly).toBe(true);
  expect(cookie?.value).not.toBe(stored);
  await page.reload();
  await expect(page.getByRole('heading', { name: `Welcome, ${username}` })).toBeVisible();
});
