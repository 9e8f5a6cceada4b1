import { type Locator, type Page } from '@playwright/test';

import { expect, expectAccessible, test } from './fixtures';
import { newName, signUp } from './people';

// Two people, each in a browser context of their own, against the real backend (the shared
// webServer: embedded mode, fresh SQLite). Every wait is on something visible or on a response,
// never a fixed sleep.

const sidebar = (page: Page) => page.getByRole('complementary', { name: 'Chats' });
const messagesIn = (page: Page, room: string) => page.getByRole('log', { name: `Messages in ${room}` });
const message = (log: Locator, text: string) => log.getByTestId('message').filter({ hasText: text });
const composer = (page: Page, room: string) => page.getByRole('textbox', { name: `Message #${room}` });

async function createRoom(page: Page, name: string, topic = '') {
  await sidebar(page).getByRole('button', { name: 'New room' }).click();
  const dialog = page.getByRole('dialog', { name: 'New room' });
  await dialog.getByLabel('Name').fill(name);
  if (topic) await dialog.getByLabel('Topic').fill(topic);
  await dialog.getByRole('button', { name: 'Create room' }).click();
  await expect(page.getByRole('heading', { level: 1, name: `#${name}`, exact: true })).toBeVisible();
}

/** Shows a message's action bar (it appears on hover) and clicks one of its buttons. */
async function act(item: Locator, action: string) {
  await item.hover();
  await item.getByRole('button', { name: action }).click();
}

test('two people chat in a room: join, live messages, threads, reactions, edits, deletes, unread, typing', async ({ browser }) => {
  test.setTimeout(90_000);
  const a = newName('ann');
  const b = newName('bob');
  const room = newName('lounge');
  const [ann, bob] = await Promise.all([signUp(browser, a), signUp(browser, b)]);
  const pa = ann.page;
  const pb = bob.page;

  try {
    await test.step('A creates a public room from the chat area', async () => {
      await pa.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chat' }).click();
      await expect(pa).toHaveURL(/\/chat$/);
      await createRoom(pa, room, 'Where everyone hangs out');
      await expect(pa.getByTestId('room-topic')).toHaveText('Where everyone hangs out');
      await expect(sidebar(pa).getByRole('link', { name: room })).toBeVisible();
      await expectAccessible(pa, 'a chat room');
    });

    await test.step('B finds it in the directory and joins; A sees B arrive', async () => {
      await pb.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chat' }).click();
      // (The list offers it twice while empty: the toolbar icon and the empty state.)
      await sidebar(pb).getByRole('link', { name: 'Browse rooms' }).first().click();
      await pb.getByRole('searchbox', { name: 'Search rooms' }).fill(room);
      const entry = pb.getByTestId('directory-room').filter({ hasText: room });
      await expect(entry).toBeVisible();
      await expectAccessible(pb, 'the room directory');
      await entry.getByRole('button', { name: `Join ${room}` }).click();
      await expect(pb.getByRole('heading', { level: 1, name: `#${room}`, exact: true })).toBeVisible();
      await expect(composer(pb, room)).toBeVisible();
      // System lines are set apart from messages, on both sides, live for A.
      await expect(messagesIn(pa, room).getByTestId('system-message').filter({ hasText: `${b} joined the room` })).toBeVisible();
      await expect(messagesIn(pb, room).getByTestId('system-message').filter({ hasText: `${b} joined the room` })).toBeVisible();
      await expect(pa.getByTestId('member-count')).toHaveText('2');
    });

    await test.step('A sends a message and B sees it live, rendered', async () => {
      await composer(pa, room).fill('Hello from **Ann**');
      await composer(pa, room).press('Enter');
      await expect(composer(pa, room)).toHaveValue('');
      const seen = message(messagesIn(pb, room), 'Hello from Ann');
      await expect(seen).toBeVisible();
      await expect(seen.locator('strong')).toHaveText('Ann');
    });

    await test.step('B replies in a thread and A sees the reply count', async () => {
      await act(message(messagesIn(pb, room), 'Hello from Ann'), 'Reply in thread');
      const thread = pb.getByRole('complementary', { name: 'Thread' });
      const reply = thread.getByRole('textbox', { name: 'Reply in thread' });
      await reply.fill('A reply from Bob');
      await reply.press('Enter');
      await expect(message(thread, 'A reply from Bob')).toBeVisible();
      await expect(message(messagesIn(pa, room), 'Hello from Ann').getByRole('button', { name: /^1 reply/ })).toBeVisible();
      // Replies stay in the thread, not in the room.
      await expect(message(messagesIn(pa, room), 'A reply from Bob')).toHaveCount(0);
      await expectAccessible(pb, 'a thread');
      // Escape closes the thread from the keyboard and gives the room's composer the focus back.
      await reply.press('Escape');
      await expect(thread).toHaveCount(0);
      await expect(composer(pb, room)).toBeFocused();
    });

    await test.step('B reacts and A sees the reaction', async () => {
      const mine = message(messagesIn(pb, room), 'Hello from Ann');
      await act(mine, 'Add reaction');
      await pb.getByRole('dialog', { name: 'Pick a reaction' }).getByRole('button', { name: 'React with 🎉' }).click();
      await expect(mine.getByRole('button', { name: '🎉 1, including you' })).toHaveAttribute('aria-pressed', 'true');
      const theirs = message(messagesIn(pa, room), 'Hello from Ann').getByRole('button', { name: '🎉 1', exact: true });
      await expect(theirs).toHaveAttribute('aria-pressed', 'false');
    });

    await test.step('A edits the message (Up in the empty composer) and B sees it edited', async () => {
      await composer(pa, room).press('ArrowUp');
      const box = messagesIn(pa, room).getByRole('textbox', { name: 'Edit message' });
      await box.fill('Hello again from Ann');
      await box.press('Enter');
      await expect(box).toHaveCount(0);
      const seen = message(messagesIn(pb, room), 'Hello again from Ann');
      await expect(seen.getByText('(edited)')).toBeVisible();
      // The reaction survives the edit.
      await expect(seen.getByRole('button', { name: '🎉 1, including you' })).toBeVisible();
    });

    await test.step('A deletes the message and B sees "message deleted"', async () => {
      await act(message(messagesIn(pa, room), 'Hello again from Ann'), 'Delete message');
      await pa.getByRole('dialog', { name: 'Delete message?' }).getByRole('button', { name: 'Delete' }).click();
      await expect(messagesIn(pb, room).getByText('Message deleted')).toBeVisible();
      await expect(messagesIn(pb, room).getByText('Hello again from Ann')).toHaveCount(0);
      await expect(messagesIn(pa, room).getByText('Message deleted')).toBeVisible();
    });

    await test.step('B sees A typing, until A sends', async () => {
      await composer(pa, room).pressSequentially('Typing a thought', { delay: 30 });
      await expect(pb.getByTestId('typing-line')).toHaveText(`${a} is typing…`);
      // B reads the message when it arrives: wait for that read mark before leaving the room.
      const read = pb.waitForResponse((r) => r.request().method() === 'POST' && /\/api\/rooms\/[^/]+\/read$/.test(r.url()));
      await composer(pa, room).press('Enter');
      await expect(message(messagesIn(pb, room), 'Typing a thought')).toBeVisible();
      await expect(pb.getByTestId('typing-line')).toHaveText('');
      expect((await read).ok()).toBe(true);
    });

    await test.step('B is in another room when A writes: an unread badge, then the divider on return', async () => {
      const elsewhere = newName('quiet');
      await createRoom(pb, elsewhere);
      await composer(pa, room).fill('While you were away');
      await composer(pa, room).press('Enter');
      const entry = sidebar(pb).getByRole('link', { name: `${room}, 1 unread` });
      await expect(entry.getByTestId('unread-badge')).toHaveText('1');
      await expect(entry).toContainText(`${a}: While you were away`);
      // The room with news is listed first.
      await expect(sidebar(pb).getByTestId('room-item').first()).toHaveAccessibleName(`${room}, 1 unread`);

      await entry.click();
      const log = messagesIn(pb, room);
      await expect(log.getByRole('separator', { name: 'New messages' })).toBeVisible();
      // Right before the first unread message, and only once.
      await expect(log.locator('[data-unread-divider] + [data-testid="message"]')).toContainText('While you were away');
      await expect(log.getByRole('separator', { name: 'New messages' })).toHaveCount(1);
      // Opening the room read it.
      await expect(sidebar(pb).getByRole('link', { name: room, exact: true })).toBeVisible();
    });
  } finally {
    await Promise.all([ann.context.close(), bob.context.close()]);
  }
});

test('a direct message started from a profile shows sent, delivered, then read', async ({ browser }) => {
  test.setTimeout(60_000);
  const a = newName('cat');
  const b = newName('dan');
  const [cat, dan] = await Promise.all([signUp(browser, a), signUp(browser, b)]);
  try {
    await cat.page.goto(`/u/${b}`);
    await expect(cat.page.getByRole('button', { name: 'Message' })).toBeVisible();
    await expectAccessible(cat.page, 'a profile');
    await cat.page.getByRole('button', { name: 'Message' }).click();
    await expect(cat.page.getByRole('heading', { level: 1, name: b, exact: true })).toBeVisible();
    const box = cat.page.getByRole('textbox', { name: `Message ${b}` });
    await box.fill('Psst, over here');
    await box.press('Enter');
    const sent = message(messagesIn(cat.page, b), 'Psst, over here');
    // Dan is on Home, not in the chat: his tab learns of the new DM at once (room.added) and reports
    // delivery without opening anything.
    await expect(sent.getByTestId('receipt')).toHaveText('Delivered');

    await dan.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chat' }).click();
    const entry = sidebar(dan.page).getByRole('link', { name: `${a}, 1 unread` });
    await expect(entry).toContainText('Psst, over here');

    await entry.click();
    await expect(message(messagesIn(dan.page, a), 'Psst, over here')).toBeVisible();
    await expect(sent.getByTestId('receipt')).toHaveText('Read');
  } finally {
    await Promise.all([cat.context.close(), dan.context.close()]);
  }
});
