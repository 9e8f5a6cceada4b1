import { type Page } from '@playwright/test';

import { expect, expectAccessible, test } from './fixtures';
import { newName, signUp } from './people';

// A sanctum's owner adds a custom emoji on the sanctum's page; a member picks it in the room's picker
// ("This sanctum"), completes it as a :shortcode: and reacts with it; both see its image in the room;
// an emoji added later reaches the member's picker live (`emoji.changed`), without a reload.

async function drawnPng(page: Page): Promise<Buffer> {
  const bytes = await page.evaluate(async () => {
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 200;
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = '#e0457b';
    ctx.beginPath();
    ctx.arc(100, 100, 90, 0, Math.PI * 2);
    ctx.fill();
    const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/png'));
    return Array.from(new Uint8Array(await blob.arrayBuffer()));
  });
  return Buffer.from(bytes);
}

test('an owner adds a custom emoji and a member picks it, completes it and reacts with it in the room', async ({ browser }) => {
  test.setTimeout(60_000);
  const sanctum = `Parrots ${newName('s')}`;
  const [ann, bob] = await Promise.all([signUp(browser, newName('ann')), signUp(browser, newName('bob'))]);
  const pa = ann.page;
  const pb = bob.page;
  try {
    await test.step('the owner adds :party_parrot: on the sanctum page', async () => {
      await pa.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sanctums' }).click();
      await pa.getByLabel('Name').fill(sanctum);
      await pa.getByRole('button', { name: 'Create sanctum' }).click();
      await expect(pa.getByRole('heading', { level: 1, name: sanctum })).toBeVisible();
      const card = pa.getByRole('region', { name: 'Custom emoji' });
      await expect(card.getByText('No custom emoji yet.')).toBeVisible();
      await card.getByLabel('Emoji name').fill('party_parrot');
      await card.getByLabel('Emoji image').setInputFiles({ name: 'parrot.png', mimeType: 'image/png', buffer: await drawnPng(pa) });
      await card.getByRole('button', { name: 'Add emoji' }).click();
      const shown = card.getByRole('list', { name: 'Custom emoji' }).getByRole('img', { name: ':party_parrot:' });
      await expect(shown).toBeVisible({ timeout: 20_000 });
      expect(await shown.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(128);
      await expectAccessible(pa, 'the custom emoji card');
    });

    const sanctumUrl = pa.url();
    await pb.goto(sanctumUrl);
    await pb.getByRole('button', { name: 'Join', exact: true }).click();
    await pb.getByRole('link', { name: 'Chat room' }).click();
    const box = pb.getByRole('textbox', { name: /^Message #/ });
    await expect(box).toBeVisible();
    const theirLog = pb.getByRole('log', { name: /^Messages in / });

    await test.step('the member picks it from "This sanctum" in the picker, and completes it as :party', async () => {
      await pb.getByRole('button', { name: 'Insert emoji' }).click();
      const picker = pb.getByRole('dialog', { name: 'Insert an emoji' });
      await expect(picker.getByRole('heading', { name: 'This sanctum' })).toBeVisible();
      const choice = picker.getByRole('button', { name: ':party_parrot:', exact: true });
      await expect(choice.locator('img')).toHaveAttribute('src', /^blob:/);
      await choice.click();
      await expect(picker).toBeHidden();
      await expect(box).toHaveValue(':party_parrot:');
      await box.pressSequentially(' twice :party');
      const list = pb.getByRole('listbox', { name: 'Emoji' });
      await expect(list.getByRole('option').first()).toContainText(':party_parrot:');
      await box.press('Enter');
      await expect(box).toHaveValue(':party_parrot: twice :party_parrot: ');
      await box.press('Enter');
    });

    await test.step('both see the message with the image, and the member reacts with it', async () => {
      const mine = theirLog.getByTestId('message').filter({ hasText: 'twice' });
      await expect(mine.locator('.msg__body').getByRole('img', { name: ':party_parrot:' })).toHaveCount(2, { timeout: 20_000 });
      await expect(mine.locator('.msg__body img').first()).toHaveAttribute('src', /^blob:/);
      const seen = pa.getByRole('link', { name: 'Chat room' });
      await seen.click();
      const annsMessage = pa.getByRole('log', { name: /^Messages in / }).getByTestId('message').filter({ hasText: 'twice' });
      await expect(annsMessage.getByRole('img', { name: ':party_parrot:' })).toHaveCount(2, { timeout: 20_000 });

      await mine.hover();
      await mine.getByRole('button', { name: 'Add reaction' }).click();
      await pb.getByRole('dialog', { name: 'Pick a reaction' }).getByRole('button', { name: ':party_parrot:', exact: true }).click();
      const reaction = mine.locator('.reactions').getByRole('button', { name: /^:party_parrot: 1/ });
      await expect(reaction.getByRole('img', { name: ':party_parrot:' })).toBeVisible();
      await expect(
        annsMessage.locator('.reactions').getByRole('img', { name: ':party_parrot:' }),
      ).toBeVisible({ timeout: 20_000 });
    });

    await test.step('an emoji the owner adds meanwhile appears in the member’s open picker without a reload', async () => {
      await pa.goto(sanctumUrl);
      const card = pa.getByRole('region', { name: 'Custom emoji' });
      await card.getByLabel('Emoji name').fill('blue_bird');
      await card.getByLabel('Emoji image').setInputFiles({ name: 'bird.png', mimeType: 'image/png', buffer: await drawnPng(pa) });
      await card.getByRole('button', { name: 'Add emoji' }).click();
      await expect(card.getByRole('list', { name: 'Custom emoji' }).getByRole('img', { name: ':blue_bird:' })).toBeVisible({
        timeout: 20_000,
      });
      await pb.getByRole('button', { name: 'Insert emoji' }).click();
      const picker = pb.getByRole('dialog', { name: 'Insert an emoji' });
      await expect(picker.getByRole('button', { name: ':blue_bird:', exact: true }).locator('img')).toHaveAttribute('src', /^blob:/, {
        timeout: 20_000,
      });
    });
  } finally {
    await Promise.all([ann.context.close(), bob.context.close()]);
  }
});
