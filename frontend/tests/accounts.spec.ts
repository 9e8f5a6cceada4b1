import { type Page } from '@playwright/test';

import { expect, expectAccessible, test } from './fixtures';

// Each run registers fresh accounts against a fresh database (see tests/e2e-server.sh).
function newUsername(): string {
  return `u${Date.now().toString(36)}${Math.random().toString(36).slice(2, 7)}`;
}

const PASSWORD = 'Tr0ub4dor&3-e2e';

async function register(page: Page, username: string) {
  await page.goto('/register');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Email').fill(`${username}@example.com`);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
}

async function logIn(page: Page, login: string) {
  await page.getByLabel('Username or email').fill(login);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
}

async function openAccountMenu(page: Page, item: string) {
  await page.getByRole('button', { name: 'Account menu' }).click();
  await page.getByRole('menuitem', { name: item }).click();
}

function sessionItems(page: Page) {
  return page.getByRole('list', { name: 'Active sessions' }).getByRole('listitem');
}

test('an account from registration to logging out everywhere', async ({ page, browser }) => {
  test.setTimeout(60_000);
  const username = newUsername();

  await test.step('a visitor is sent to the login page', async () => {
    await page.goto('/');
    await expect(page).toHaveURL(/\/login$/);
    await expect(page.getByRole('heading', { name: 'Welcome back' })).toBeVisible();
    await expectAccessible(page, 'the login page');
  });

  await test.step('register and land signed in', async () => {
    await page.getByRole('link', { name: 'Create an account' }).click();
    await expect(page).toHaveURL(/\/register$/);
    await expectAccessible(page, 'the registration page');
    await register(page, username);
    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByRole('heading', { name: `Welcome, ${username}` })).toBeVisible();
  });

  await test.step('log out', async () => {
    await openAccountMenu(page, 'Log out');
    await expect(page).toHaveURL(/\/login$/);
    await expect(page.getByText('You have been logged out.')).toBeVisible();
  });

  await test.step('a protected page asks for login, then opens after it', async () => {
    await page.goto('/settings/sessions');
    await expect(page).toHaveURL(/\/login$/);
    await logIn(page, username);
    await expect(page).toHaveURL(/\/settings\/sessions$/);
    await expect(sessionItems(page)).toHaveCount(1);
    await expect(sessionItems(page).first().getByText('This device')).toBeVisible();
    await expectAccessible(page, 'sessions and devices');
  });

  await test.step('edit the profile and see it on the public profile page', async () => {
    await openAccountMenu(page, 'Edit profile');
    await expect(page.getByRole('heading', { name: 'Edit profile' })).toBeVisible();
    await expectAccessible(page, 'edit profile');
    await page.getByLabel('Display name').fill('Ada Lovelace');
    await page.getByLabel('Bio').fill('First programmer.\nLikes engines.');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect(page.getByText('Profile saved.')).toBeVisible();

    await openAccountMenu(page, 'Your profile');
    await expect(page).toHaveURL(new RegExp(`/u/${username}$`));
    await expect(page.getByRole('heading', { name: 'Ada Lovelace' })).toBeVisible();
    await expect(page.getByTestId('profile-bio')).toHaveText('First programmer.\nLikes engines.');

    // The same profile, as anyone sees it after a reload (the refresh token restores the session).
    await page.reload();
    await expect(page.getByRole('heading', { name: 'Ada Lovelace' })).toBeVisible();
  });

  const other = await browser.newContext();
  try {
    const second = await other.newPage();

    await test.step('a second login shows two sessions', async () => {
      await second.goto('/login');
      await logIn(second, `${username}@example.com`);
      await expect(second.getByRole('heading', { name: 'Welcome, Ada Lovelace' })).toBeVisible();
      await second.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sessions' }).click();
      await expect(sessionItems(second)).toHaveCount(2);
      await expect(sessionItems(second).getByText('This device')).toHaveCount(1);

      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sessions' }).click();
      await expect(sessionItems(page)).toHaveCount(2);
    });

    await test.step('log out everywhere from the second device', async () => {
      await second.getByRole('button', { name: 'Log out everywhere' }).click();
      await second.getByRole('button', { name: 'Yes, log out everywhere' }).click();
      await expect(second).toHaveURL(/\/login$/);
      await expect(second.getByText('You have been logged out on every device.')).toBeVisible();
    });

    await test.step('the first device is sent to login on its next action', async () => {
      // Its socket, ended by the server, may tell it first; otherwise the next page's request does.
      const main = page.getByRole('navigation', { name: 'Main' });
      const act = async (link: string) => {
        if (!/\/login$/.test(page.url())) await main.getByRole('link', { name: link }).click({ timeout: 3_000 }).catch(() => undefined);
      };
      await act('Home');
      await act('Sessions');
      await expect(page).toHaveURL(/\/login$/);
      await expect(page.getByText('Your session has ended. Log in again to continue.')).toBeVisible();

      // And logging in again returns to where it was: the sessions page if the socket told it first,
      // Home if Home's own request found the session ended.
      await logIn(page, username);
      await expect(page).toHaveURL(/\/(settings\/sessions)?$/);
      await main.getByRole('link', { name: 'Sessions' }).click();
      await expect(sessionItems(page)).toHaveCount(1);
    });
  } finally {
    await other.close();
  }
});

test('registration errors are shown next to the inputs', async ({ page }) => {
  const username = newUsername();
  await register(page, username);
  await expect(page.getByRole('heading', { name: `Welcome, ${username}` })).toBeVisible();
  await openAccountMenu(page, 'Log out');
  await expect(page).toHaveURL(/\/login$/);

  await register(page, username);
  const input = page.getByLabel('Username');
  await expect(input).toHaveAttribute('aria-invalid', 'true');
  await expect(page).toHaveURL(/\/register$/);

  await page.goto('/login');
  await page.getByLabel('Username or email').fill(username);
  await page.getByLabel('Password', { exact: true }).fill('not-the-password-1');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  await expect(page).toHaveURL(/\/login$/);
});

test('on a phone the navigation collapses into a menu', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 375, height: 740 } });
  try {
    const page = await context.newPage();
    await register(page, newUsername());
    await expect(page.getByRole('heading', { name: /Welcome/ })).toBeVisible();
    const nav = page.getByRole('navigation', { name: 'Main' });
    await expect(nav).toBeHidden();
    await page.getByRole('button', { name: 'Open navigation' }).click();
    await expect(nav).toBeVisible();
    await nav.getByRole('link', { name: 'Sessions' }).click();
    await expect(page).toHaveURL(/\/settings\/sessions$/);
    await expect(nav).toBeHidden();
  } finally {
    await context.close();
  }
});
