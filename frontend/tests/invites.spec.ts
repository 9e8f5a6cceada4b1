import { type Page } from '@playwright/test';

import { expect, expectAccessible, test } from './fixtures';
import { newName, PASSWORD, signUp } from './people';

// Three people in browser contexts of their own: an owner makes a one-use invite link to a private
// sanctum; a stranger opens it, sees the card, signs up through it and lands in the sanctum; a third
// person opening the same link is told it is used up. Every wait is on something visible.

const nav = (page: Page, name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name });

test('an invite link shows its sanctum to a stranger, who signs up through it and is in', async ({ browser }) => {
  test.setTimeout(90_000);
  const owner = newName('own');
  const stranger = newName('str');
  const late = newName('late');
  const sanctumName = `Hidden ${newName('h')}`;
  const ann = await signUp(browser, owner);
  const pa = ann.page;
  let link = '';

  try {
    await test.step('the owner founds a private sanctum and makes a one-use link', async () => {
      await nav(pa, 'Sanctums').click();
      await pa.getByLabel('Name').fill(sanctumName);
      await pa.getByLabel('Visibility').selectOption('private');
      await pa.getByRole('button', { name: 'Create sanctum' }).click();
      await expect(pa.getByRole('heading', { level: 1, name: sanctumName })).toBeVisible();
      await pa.getByLabel('Uses').selectOption({ label: '1 use' });
      await pa.getByRole('button', { name: 'Create link' }).click();
      link = await pa.getByTestId('invite-url').inputValue();
      expect(link).toMatch(/\/invite#[A-Za-z0-9_-]{20,}$/);
      await expect(pa.getByTestId('invite-row')).toContainText('0 of 1 used');
    });

    await test.step('a stranger opens it, sees the card, signs up through it and lands in the sanctum', async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(link);
      const card = page.getByTestId('invite-card');
      await expect(card).toContainText(sanctumName);
      await expect(card).toContainText('1 member');
      await expectAccessible(page, 'an invite card');
      await expect(page.getByText(`${owner} invited you to join this sanctum.`)).toBeVisible();
      await page.getByRole('link', { name: 'Create an account to join' }).click();
      await page.getByLabel('Username').fill(stranger);
      await page.getByLabel('Email').fill(`${stranger}@example.com`);
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await page.getByRole('button', { name: 'Create account' }).click();
      await expect(page.getByRole('heading', { level: 1, name: sanctumName })).toBeVisible();
      await expect(page.getByTestId('member-count')).toHaveText('2');
      await context.close();
    });

    await test.step('the owner sees the link used; someone else opening it is told it is used up', async () => {
      await pa.reload();
      await expect(pa.getByTestId('invite-row')).toContainText('1 of 1 used');
      await expect(pa.getByTestId('invite-row')).toContainText('Used up');
      const other = await signUp(browser, late);
      await other.page.goto(link);
      await expect(other.page.getByText('used as many times as it allows')).toBeVisible();
      await other.context.close();
    });
  } finally {
    await ann.context.close();
  }
});

test('an invite link to a private room lets a signed-in person in, and the room was hidden before', async ({ browser }) => {
  test.setTimeout(60_000);
  const a = newName('own');
  const b = newName('gst');
  const room = newName('den');
  const [ann, bob] = await Promise.all([signUp(browser, a), signUp(browser, b)]);
  try {
    await nav(ann.page, 'Chat').click();
    await ann.page.getByRole('complementary', { name: 'Chats' }).getByRole('button', { name: 'New room' }).click();
    const dialog = ann.page.getByRole('dialog', { name: 'New room' });
    await dialog.getByLabel('Name').fill(room);
    await dialog.getByRole('radio', { name: /Private/ }).check();
    await dialog.getByRole('button', { name: 'Create room' }).click();
    await expect(ann.page.getByRole('heading', { level: 1, name: `#${room}`, exact: true })).toBeVisible();
    await ann.page.getByRole('button', { name: /^Members \(1\)$/ }).click();
    await ann.page.getByRole('button', { name: 'Create link' }).click();
    const link = await ann.page.getByTestId('invite-url').inputValue();
    const roomUrl = new URL(ann.page.url()).pathname;

    // Before the link, the room does not exist for Bob.
    await bob.page.goto(roomUrl);
    await expect(bob.page.getByRole('heading', { level: 1, name: `#${room}`, exact: true })).toHaveCount(0);
    await bob.page.goto(link);
    await bob.page.getByRole('button', { name: `Join ${room}` }).click();
    await expect(bob.page.getByRole('heading', { level: 1, name: `#${room}`, exact: true })).toBeVisible();
    await expect(bob.page.getByRole('textbox', { name: `Message #${room}` })).toBeVisible();
    await expect(ann.page.getByRole('button', { name: /^Members \(2\)$/ })).toBeVisible();
  } finally {
    await Promise.all([ann.context.close(), bob.context.close()]);
  }
});
