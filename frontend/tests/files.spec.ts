import { type Page } from '@playwright/test';

import { expect, test } from './fixtures';
import { newName, signUp } from './people';

// One person pastes a screenshot into a message; the other sees its thumbnail arrive live. The image is
// drawn in the page (a canvas) and pasted as a clipboard file, as a browser pastes a screenshot.

const sidebar = (page: Page) => page.getByRole('complementary', { name: 'Chats' });
const composer = (page: Page, room: string) => page.getByRole('textbox', { name: `Message #${room}` });

async function pasteImage(page: Page, room: string) {
  await composer(page, room).evaluate(async (area) => {
    const canvas = document.createElement('canvas');
    canvas.width = 640;
    canvas.height = 360;
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = '#3a7bd5';
    ctx.fillRect(0, 0, 640, 360);
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(80, 60, 200, 120);
    const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/png'));
    const data = new DataTransfer();
    data.items.add(new File([blob], 'image.png', { type: 'image/png' }));
    area.dispatchEvent(
      new ClipboardEvent('paste', {
        clipboardData: data,
        bubbles: true,
        cancelable: true,
      }),
    );
  });
}

test('a pasted image is uploaded with progress and its thumbnail reaches the other person; an uploaded avatar and sanctum icon show', async ({
  browser,
}) => {
  test.setTimeout(60_000);
  const room = newName('pics');
  const [ann, bob] = await Promise.all([signUp(browser, newName('ann')), signUp(browser, newName('bob'))]);
  const pa = ann.page;
  const pb = bob.page;
  try {
    await pa.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chat' }).click();
    await sidebar(pa).getByRole('button', { name: 'New room' }).click();
    const dialog = pa.getByRole('dialog', { name: 'New room' });
    await dialog.getByLabel('Name').fill(room);
    await dialog.getByRole('button', { name: 'Create room' }).click();
    await expect(composer(pa, room)).toBeVisible();

    await pb.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chat' }).click();
    await sidebar(pb).getByRole('link', { name: 'Browse rooms' }).first().click();
    await pb.getByRole('searchbox', { name: 'Search rooms' }).fill(room);
    await pb
      .getByTestId('directory-room')
      .filter({ hasText: room })
      .getByRole('button', { name: `Join ${room}` })
      .click();
    await expect(composer(pb, room)).toBeVisible();

    await pasteImage(pa, room);
    const upload = pa.getByTestId('composer-upload');
    await expect(upload).toHaveCount(1);
    await expect(upload).toContainText(/pasted-.*\.png/);
    // Uploaded: the progress bar gives way to the stored size, and the message can go.
    await expect(upload.getByRole('progressbar')).toHaveCount(0, {
      timeout: 20_000,
    });
    await expect(upload).toContainText(/\d+ (B|KB)/);
    await composer(pa, room).press('Enter');
    await expect(upload).toHaveCount(0);

    const mine = pa.getByRole('log', { name: `Messages in ${room}` }).getByTestId('attachment-thumbnail');
    await expect(mine).toBeVisible({ timeout: 20_000 });
    const theirs = pb.getByRole('log', { name: `Messages in ${room}` }).getByTestId('attachment-thumbnail');
    await expect(theirs).toBeVisible({ timeout: 20_000 });
    await expect(theirs).toHaveAttribute('src', /^blob:/);
    expect(await theirs.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(480);

    // An uploaded avatar: stored small, named by the profile, shown by a plain <img>.
    await pb.goto('/settings/profile');
    const png = await pb.evaluate(async () => {
      const canvas = document.createElement('canvas');
      canvas.width = canvas.height = 600;
      canvas.getContext('2d')!.fillRect(0, 0, 600, 600);
      const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/png'));
      return Array.from(new Uint8Array(await blob.arrayBuffer()));
    });
    await pb
      .locator('.avatar-upload input[type=file]')
      .setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: Buffer.from(png) });
    await expect(pb.getByLabel('Avatar URL')).toHaveValue(/\/api\/files\/avatars\/.+\?v=/, { timeout: 20_000 });
    await pb.getByRole('button', { name: 'Save' }).click();
    await expect(pb.getByText('Profile saved.')).toBeVisible();
    const avatar = pb.locator('.avatar-row img');
    await expect(avatar).toBeVisible();
    expect(await avatar.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(256);

    // A sanctum's icon, uploaded by its founder, shown on its page.
    const sanctum = `Icons ${newName('s')}`;
    await pb.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sanctums' }).click();
    await pb.getByLabel('Name').fill(sanctum);
    await pb.getByRole('button', { name: 'Create sanctum' }).click();
    await expect(pb.getByRole('heading', { level: 1, name: sanctum })).toBeVisible();
    await pb.locator('.sanctum-icon input[type=file]').setInputFiles({ name: 'icon.png', mimeType: 'image/png', buffer: Buffer.from(png) });
    const icon = pb.getByTestId('sanctum-icon');
    await expect(icon).toBeVisible({ timeout: 20_000 });
    expect(await icon.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(256);
  } finally {
    await Promise.all([ann.context.close(), bob.context.close()]);
  }
});
