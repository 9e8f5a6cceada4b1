import { expect, type Browser, type BrowserContext, type Page } from '@playwright/test';

// Helpers the browser tests share: fresh names and a person signed up in a browser context of their own.

/** The moderation dashboard's audit log rows of one action (about one person, if named). */
export function auditRows(page: Page, action: string, username?: string) {
  const rows = page.getByTestId('audit-row').filter({ has: page.locator('code', { hasText: new RegExp(`^${action.replace('.', '\\.')}$`) }) });
  return username ? rows.filter({ hasText: `@${username}` }) : rows;
}

export const PASSWORD = 'Tr0ub4dor&3-e2e';
/** The site admin tests/e2e-server.sh makes (`sanctum create-admin`), with PASSWORD. */
export const ADMIN = 'e2e_admin';

export function newName(prefix: string): string {
  return `${prefix}${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

/** Registers in a fresh context; the display name starts as the username. */
export async function signUp(browser: Browser, username: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto('/register');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Email').fill(`${username}@example.com`);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('heading', { name: `Welcome, ${username}` })).toBeVisible();
  return { context, page };
}
