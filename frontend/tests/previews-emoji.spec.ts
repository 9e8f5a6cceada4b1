import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { expect, expectAccessible, test } from './fixtures';
import { newName, signUp } from './people';

// A link shows its preview card (fetched by the server from a page this spec serves on 127.0.0.1, its
// image served by Sanctum); an emoji picked from the composer's picker; `:shortcode:` completion.

// A 1x1 PNG: the card's image, which the server re-encodes.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC',
  'base64',
);

let site: Server;
let base = '';

test.beforeAll(async () => {
  site = createServer((request, response) => {
    if (request.url === '/image.png') {
      response.writeHead(200, { 'Content-Type': 'image/png' }).end(PNG);
      return;
    }
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(
      `<!doctype html><title>x</title><meta property="og:title" content="The Lantern Review">
       <meta property="og:description" content="Essays on light."><meta property="og:site_name" content="Lantern">
       <meta property="og:image" content="${base}/image.png">`,
    );
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
});

test.afterAll(async () => {
  await new Promise((resolve) => site.close(resolve));
});

test('a link gets its preview card; emoji come from the picker and from :shortcodes:', async ({ browser }) => {
  test.setTimeout(60_000);
  const room = newName('links');
  const { page } = await signUp(browser, newName('lia'));

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chat' }).click();
  await page.getByRole('complementary', { name: 'Chats' }).getByRole('button', { name: 'New room' }).click();
  const dialog = page.getByRole('dialog', { name: 'New room' });
  await dialog.getByLabel('Name').fill(room);
  await dialog.getByRole('button', { name: 'Create room' }).click();
  const box = page.getByRole('textbox', { name: `Message #${room}` });
  const log = page.getByRole('log', { name: `Messages in ${room}` });

  await test.step('a link shows its preview card, live', async () => {
    await box.fill(`worth reading: ${base}/essay`);
    await box.press('Enter');
    const card = log.getByRole('article', { name: 'Link preview: The Lantern Review' });
    await expect(card).toBeVisible({ timeout: 20_000 });
    await expect(card).toContainText('Essays on light.');
    await expect(card.getByRole('link', { name: 'The Lantern Review' })).toHaveAttribute('href', `${base}/essay`);
    await expect(card.locator('img')).toHaveAttribute('src', /^\/api\/previews\/images\//);
  });

  await test.step('an emoji is picked from the composer picker (search, skin tone)', async () => {
    await page.getByRole('button', { name: 'Insert emoji' }).click();
    const picker = page.getByRole('dialog', { name: 'Insert an emoji' });
    await expect(picker.getByRole('searchbox', { name: 'Search emoji' })).toBeFocused();
    await expectAccessible(page, 'the emoji picker');
    await picker.getByRole('combobox', { name: 'Skin tone' }).selectOption({ label: '✋🏽 Medium' });
    await picker.getByRole('searchbox', { name: 'Search emoji' }).fill('waving');
    await picker.getByRole('button', { name: 'waving hand', exact: true }).click();
    await expect(picker).toBeHidden();
    await expect(box).toHaveValue('👋🏽');
  });

  await test.step(':shortcode: completes in the composer', async () => {
    await box.pressSequentially(' :tad');
    const list = page.getByRole('listbox', { name: 'Emoji' });
    await expect(list.getByRole('option').first()).toContainText(':tada:');
    await box.press('Enter');
    await expect(box).toHaveValue('👋🏽 🎉 ');
    await box.press('Enter');
    await expect(log.getByTestId('message').filter({ hasText: '👋🏽 🎉' })).toBeVisible();
  });
});
