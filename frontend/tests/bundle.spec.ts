import { gzipSync } from 'node:zlib';

import { expect, test } from './fixtures';

// Route-level code splitting (issue 20): the login page downloads the login page, not the product.

const LOGIN_BUDGET_GZIP = 120_000;
const CHUNK_LIMIT = 300_000;

test('the login page loads at most 120 kB of JavaScript gzipped, in chunks under 300 kB', async ({ page }) => {
  const scripts = new Map<string, Buffer>();
  page.on('response', async (response) => {
    if (response.request().resourceType() !== 'script') return;
    scripts.set(response.url(), await response.body());
  });
  await page.goto('/login');
  await expect(page.getByRole('button', { name: 'Log in' })).toBeVisible();
  await page.waitForLoadState('networkidle');

  const sizes = [...scripts.values()].map((body) => ({ raw: body.length, gzip: gzipSync(body, { level: 9 }).length }));
  expect(sizes.length).toBeGreaterThan(0);
  const total = sizes.reduce((sum, s) => sum + s.gzip, 0);
  expect(total, `login page JavaScript, gzipped: ${total} bytes in ${sizes.length} scripts`).toBeLessThanOrEqual(LOGIN_BUDGET_GZIP);
  for (const size of sizes) expect(size.raw).toBeLessThanOrEqual(CHUNK_LIMIT);
});
