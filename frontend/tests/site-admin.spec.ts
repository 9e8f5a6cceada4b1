import { type Page } from '@playwright/test';

import { expect, expectAccessible, test } from './fixtures';
import { ADMIN, auditRows, newName, PASSWORD, signUp } from './people';

// The site admin's tabs of the moderation dashboard: the admin suspends a person with a reason and an
// end, whose open tab is signed out at once and whose login is refused with that reason and end; the
// audit log shows each step; the admin lifts the suspension and the person logs in again. Then the admin
// gives them a site role and takes it away. A plain user sees none of these tabs.

const nav = (page: Page, name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name });

async function logIn(page: Page, login: string) {
  await page.getByLabel('Username or email').fill(login);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
}

/** `datetime-local`'s value for a week from now, in the browser's own time zone. */
function aWeekFromNow(): string {
  const at = new Date(Date.now() + 7 * 86_400_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
}

async function pick(page: Page, label: string, username: string) {
  await page.getByRole('combobox', { name: label }).fill(username);
  await page.getByRole('option').filter({ hasText: `@${username}` }).click();
  await expect(page.getByTestId('picked-person')).toContainText(username);
}

test('a site admin suspends a person, who is signed out at once, lifts it, and gives and takes a site role', async ({
  browser,
}) => {
  test.setTimeout(90_000);
  const name = newName('mal');
  const mallory = await signUp(browser, name);
  const admin = await browser.newContext();
  const pm = mallory.page;
  const errors: string[] = [];

  try {
    const pa = await admin.newPage();
    pa.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });

    await test.step('a plain user sees no site admin tab', async () => {
      await nav(pm, 'Moderation').click();
      await expect(pm.getByRole('tab', { name: 'Reports' })).toBeVisible();
      for (const tab of ['Suspensions', 'Site roles', 'Feature flags']) {
        await expect(pm.getByRole('tab', { name: tab })).toHaveCount(0);
      }
      await nav(pm, 'Home').click();
      await expect(pm.getByRole('heading', { name: `Welcome, ${name}` })).toBeVisible();
    });

    await test.step('the admin suspends them with a reason and an end', async () => {
      await pa.goto('/login');
      await logIn(pa, ADMIN);
      await expect(pa.getByRole('button', { name: 'Account menu' })).toBeVisible();
      await nav(pa, 'Moderation').click();
      await pa.getByRole('tab', { name: 'Suspensions' }).click();
      await expect(pa.getByText('Nobody is suspended.').or(pa.getByTestId('suspensions'))).toBeVisible();
      await expectAccessible(pa, 'the suspensions tab');
      await pick(pa, 'Account', name);
      await pa.getByLabel('Reason').fill('spamming invite links');
      await pa.getByLabel(/^Ends/).fill(aWeekFromNow());
      await pa.getByRole('button', { name: 'Suspend', exact: true }).click();
      await expect(pa.getByText(`${name} is suspended; 1 session ended.`)).toBeVisible();
      const row = pa.getByTestId('suspension').filter({ hasText: `@${name}` });
      await expect(row).toContainText('spamming invite links');
      await expect(row).toContainText('until ');
      await expect(row).not.toContainText('until lifted');
    });

    await test.step('their open tab is signed out by itself, and logging in is refused', async () => {
      // Nothing on their side: the server ends their socket at once, and the reconnect finds the session over.
      await expect(pm).toHaveURL(/\/login$/);
      await expect(pm.getByText('Your session has ended. Log in again to continue.')).toBeVisible();
      await logIn(pm, name);
      // The refusal says why and until when, as the admin wrote it.
      const refusal = pm.getByRole('alert').filter({ hasText: 'This account is suspended until ' });
      await expect(refusal).toBeVisible();
      await expect(refusal).toContainText('Reason: spamming invite links');
      await expect(refusal).not.toContainText('until an admin lifts it');
      await expect(pm).toHaveURL(/\/login$/);
    });

    await test.step('the audit log shows the suspension, with whom and why', async () => {
      await pa.getByRole('tab', { name: 'Audit log' }).click();
      const row = auditRows(pa, 'account.suspend', name);
      await expect(row).toHaveCount(1);
      await expect(row).toContainText('spamming invite links');
    });

    await test.step('the admin lifts it, and they log in again', async () => {
      await pa.getByRole('tab', { name: 'Suspensions' }).click();
      await pa.getByRole('button', { name: `Lift the suspension of ${name}` }).click();
      await expect(pa.getByTestId('suspension').filter({ hasText: `@${name}` })).toHaveCount(0);
      await logIn(pm, name);
      await expect(pm.getByRole('button', { name: 'Account menu' })).toBeVisible();
      await pa.getByRole('tab', { name: 'Audit log' }).click();
      await expect(auditRows(pa, 'account.unsuspend', name)).toHaveCount(1);
    });

    await test.step('the admin makes them a site moderator and takes it away', async () => {
      await pa.getByRole('tab', { name: 'Site roles' }).click();
      const staff = pa.getByTestId('site-staff');
      await expect(staff.getByTestId('staff-member').filter({ hasText: `@${ADMIN}` })).toContainText('you');
      await expectAccessible(pa, 'the site roles tab');
      await pick(pa, 'Person', name);
      await pa.getByLabel('Role', { exact: true }).selectOption('moderator');
      await pa.getByRole('button', { name: 'Give the role' }).click();
      const member = staff.getByTestId('staff-member').filter({ hasText: `@${name}` });
      await expect(member).toContainText('Site moderator');
      await member.getByRole('button', { name: `Take the site role from ${name}` }).click();
      await expect(member).toHaveCount(0);
      await pa.getByRole('tab', { name: 'Audit log' }).click();
      const given = auditRows(pa, 'site_role.assign', name);
      await expect(given).toHaveCount(2);
      await expect(given.first()).toContainText(`@${name}): none`);
      await expect(given.last()).toContainText(`@${name}): moderator`);
    });
    expect(errors, 'console errors in the admin tab').toEqual([]);
  } finally {
    await Promise.all([mallory.context.close(), admin.close()]);
  }
});
