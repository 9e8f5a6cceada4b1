/// <reference lib="dom" />
// The glyph measurements below run in the page, where the DOM exists.
import { expect, test, type Locator, type Page } from '@playwright/test';

import { newName, signUp } from './people';

// Isolation of user text, measured on the rendered glyphs (docs/text.md): a body holding U+202E
// RIGHT-TO-LEFT OVERRIDE, or a name stored with one before the server refused them, keeps its override
// inside itself; the author's name and the words beside it stay in the order they were written.

const RLO = '\u202e';
const sidebar = (page: Page) => page.getByRole('complementary', { name: 'Chats' });
const messagesIn = (page: Page, room: string) => page.getByRole('log', { name: `Messages in ${room}` });
const composer = (page: Page, room: string) => page.getByRole('textbox', { name: `Message #${room}` });

interface Glyph {
  char: string;
  left: number;
  right: number;
}

/** Every visible character under `element`, in logical (typed) order, with where it was drawn. */
function glyphs(element: Locator): Promise<Glyph[]> {
  return element.evaluate((root) => {
    const out: Glyph[] = [];
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent ?? '';
      for (let i = 0; i < text.length; i += 1) {
        const range = document.createRange();
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const box = range.getBoundingClientRect();
        if (box.width > 0) out.push({ char: text[i] ?? '', left: box.left, right: box.right });
      }
    }
    return out;
  });
}

/** The glyphs of `text`, found in logical order from `from`; fails when they are not all there. */
function span(all: Glyph[], text: string, from = 0): Glyph[] {
  const chars = all.map((g) => g.char).join('');
  const at = chars.indexOf(text, from);
  expect(at, `"${text}" in "${chars}"`).toBeGreaterThanOrEqual(0);
  return all.slice(at, at + text.length);
}

/** Drawn left to right in the order typed. */
function inOrder(run: Glyph[]): boolean {
  return run.every((g, i) => i === 0 || g.left >= (run[i - 1]?.left ?? 0));
}

test('a body holding U+202E does not reorder the author name beside it, nor does a name stored with one', async ({ browser }) => {
  test.setTimeout(60_000);
  const a = newName('ann');
  const b = newName('bob');
  const room = newName('bidi');
  const [ann, bob] = await Promise.all([signUp(browser, a), signUp(browser, b)]);
  const pa = ann.page;
  const pb = bob.page;

  try {
    await test.step('A creates a room, B joins it and sends a body holding an override', async () => {
      await pa.goto('/chat');
      await sidebar(pa).getByRole('button', { name: 'New room' }).click();
      const dialog = pa.getByRole('dialog', { name: 'New room' });
      await dialog.getByLabel('Name').fill(room);
      await dialog.getByRole('button', { name: 'Create room' }).click();
      await expect(composer(pa, room)).toBeVisible();
      await pb.goto('/chat/browse');
      await pb.getByRole('searchbox', { name: 'Search rooms' }).fill(room);
      await pb.getByTestId('directory-room').filter({ hasText: room }).getByRole('button', { name: `Join ${room}` }).click();
      await composer(pb, room).fill(`${RLO}evil words`);
      await composer(pb, room).press('Enter');
      await expect(composer(pb, room)).toHaveValue('');
    });

    await test.step("in A's room view the author's name reads as typed and the body is isolated", async () => {
      const item = messagesIn(pa, room).getByTestId('message').filter({ hasText: 'evil words' });
      await expect(item).toBeVisible();
      const author = span(await glyphs(item.locator('.msg__author')), b);
      expect(inOrder(author), 'the name beside the body is drawn in order').toBe(true);
      const body = item.locator('.msg__body');
      await expect(body).toHaveAttribute('dir', 'auto');
      expect(await body.evaluate((el) => getComputedStyle(el).unicodeBidi)).toBe('isolate');
      // The override still works inside its own body: that is what its author typed.
      expect(inOrder(span(await glyphs(body), 'evil words'))).toBe(false);
    });

    await test.step("in A's room list the preview keeps the name, then the body", async () => {
      const preview = sidebar(pa).getByTestId('room-item').filter({ hasText: room }).getByTestId('room-preview');
      await expect(preview).toContainText('evil words');
      const all = await glyphs(preview);
      const who = span(all, `${b}:`);
      const said = span(all, 'evil words');
      expect(inOrder(who)).toBe(true);
      expect(Math.max(...who.map((g) => g.right))).toBeLessThanOrEqual(Math.min(...said.map((g) => g.left)) + 0.5);
    });

    await test.step('a display name stored with an override (before the policy) cannot flip the preview after it', async () => {
      // What an old row would serve: the migration cleans stored names, the web client must not rely on it.
      await pa.route('**/api/users/me/rooms', async (route) => {
        const response = await route.fetch();
        const json = await response.json();
        for (const entry of json.items) {
          if (entry.last_message?.author?.username === b) entry.last_message.author.display_name = `mal${RLO}lory`;
        }
        await route.fulfill({ response, json });
      });
      await pa.reload();
      const preview = sidebar(pa).getByTestId('room-item').filter({ hasText: room }).getByTestId('room-preview');
      await expect(preview).toContainText('lory');
      const all = await glyphs(preview);
      const name = span(all, 'mallory'.slice(0, 3));
      const rest = span(all, ': ', all.findIndex((g) => g.char === ':'));
      // The colon and space after the name are drawn after the whole name, in order.
      const nameEnd = Math.max(...span(all, 'lory').map((g) => g.right), ...name.map((g) => g.right));
      expect(inOrder(rest)).toBe(true);
      expect(Math.min(...rest.map((g) => g.left))).toBeGreaterThanOrEqual(nameEnd - 0.5);
      expect(inOrder(span(all, 'evil words'))).toBe(false);
    });
  } finally {
    await ann.context.close();
    await bob.context.close();
  }
});
