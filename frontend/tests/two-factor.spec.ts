import { createHmac } from 'node:crypto';

import { type Page } from '@playwright/test';

import { expect, expectAccessible, test } from './fixtures';
import { newName, PASSWORD } from './people';

// Two-factor and passkeys end to end, with Chromium's virtual authenticator standing in for a phone's
// screen lock (CDP WebAuthn domain). Passkeys are bound to a domain, not an IP address: this spec
// uses http://localhost (a secure context, like 127.0.0.1) instead of the suite's 127.0.0.1.

function base32(secret: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const char of secret.replace(/=+$/, '')) bits += alphabet.indexOf(char).toString(2).padStart(5, '0');
  const bytes = bits.match(/.{8}/g) ?? [];
  return Buffer.from(bytes.map((b) => parseInt(b, 2)));
}

/** RFC 6238 with SHA-1, 6 digits, 30 s steps: what an authenticator app shows at `time` (ms). */
function totp(secret: string, time = Date.now()): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(time / 30_000)));
  const mac = createHmac('sha1', base32(secret)).update(counter).digest();
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return value.toString().padStart(6, '0');
}

async function logOut(page: Page) {
  await page.getByRole('button', { name: 'Account menu' }).click();
  await page.getByRole('menuitem', { name: 'Log out' }).click();
  await expect(page.getByRole('heading', { name: 'Welcome back' })).toBeVisible();
}

test('two-factor with an app code, then a passkey login', async ({ page, baseURL }) => {
  const origin = (baseURL ?? '').replace('127.0.0.1', 'localhost');
  const username = newName('tf');
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  let secret = '';

  await test.step('register: the account works, with a reminder to verify the address', async () => {
    await page.goto(`${origin}/register`);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Email').fill(`${username}@example.com`);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect(page.getByRole('heading', { name: `Welcome, ${username}` })).toBeVisible();
    await expect(page.getByRole('status', { name: 'Email not verified' })).toContainText(`${username}@example.com`);
  });

  await test.step('turn on two-factor with the QR code and a first code', async () => {
    await page.getByRole('button', { name: 'Account menu' }).click();
    await page.getByRole('menuitem', { name: 'Security' }).click();
    await page.getByRole('button', { name: 'Set up two-factor' }).click();
    await expect(page.getByRole('img', { name: 'QR code for your authenticator app' })).toBeVisible();
    secret = (await page.getByTestId('totp-secret').textContent()) ?? '';
    await page.getByLabel('Code from the app').fill(totp(secret));
    await page.getByRole('button', { name: 'Turn on' }).click();
    await expect(page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem')).toHaveCount(10);
    await page.getByRole('button', { name: 'I saved them' }).click();
    await expect(page.getByText('On. 10 recovery codes left.')).toBeVisible();
    await expectAccessible(page, 'security settings');
  });

  await test.step('register a passkey', async () => {
    await page.getByLabel('Passkey name').fill('Virtual key');
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await expect(page.getByRole('list', { name: 'Passkeys' }).getByRole('listitem', { name: 'Virtual key' })).toBeVisible();
  });

  await test.step('a password login asks for the code', async () => {
    await logOut(page);
    await page.getByLabel('Username or email').fill(username);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    await expect(page.getByRole('heading', { name: 'One more step' })).toBeVisible();
    await expectAccessible(page, 'the login’s second step');
    // The enrolment spent this step's code: the app's next one is as good and not a replay.
    await page.getByLabel('Authentication code').fill(totp(secret, Date.now() + 30_000));
    await page.getByRole('button', { name: 'Verify' }).click();
    await expect(page.getByRole('heading', { name: `Welcome, ${username}` })).toBeVisible();
  });

  await test.step('a passkey alone logs in', async () => {
    await logOut(page);
    await page.getByRole('button', { name: 'Use a passkey' }).click();
    await expect(page.getByRole('heading', { name: `Welcome, ${username}` })).toBeVisible();
  });
});
