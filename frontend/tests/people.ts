import { expect, type Browser, type BrowserContext, type Page } from '@playwright/test';

// Helpers the multi-person browser tests share: fresh names and sign-ups in contexts of their own.

export const PASSWORD = 'Tr0ub4dor&3-e2e';

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
