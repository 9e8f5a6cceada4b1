import { type Page } from '@playwright/test';

import { expect, expectAccessible, test } from './fixtures';
import { newName, signUp } from './people';

// The day-one social loop (issue 20), two and three people in browser contexts of their own against
// the real backend: what someone else does reaches you at once, wherever you are in the app.

const sidebar = (page: Page) => page.getByRole('complementary', { name: 'Chats' });
const mainNav = (page: Page) => page.getByRole('navigation', { name: 'Main' });
const nav = (page: Page, area: string) => mainNav(page).getByRole('link', { name: area });

/** Opens "New message" from the chat sidebar and picks each person by typing the start of their name. */
async function startConversation(page: Page, usernames: string[]) {
  await nav(page, 'Chat').click();
  await sidebar(page).getByRole('button', { name: 'New message' }).click();
  const dialog = page.getByRole('dialog', { name: 'New message' });
  const to = dialog.getByRole('combobox', { name: 'To' });
  for (const username of usernames) {
    await to.fill(username.slice(0, -2));
    const option = dialog.getByRole('option').filter({ hasText: `@${username}` });
    await expect(option).toBeVisible();
    // Keyboard-driven: the first match is active; arrows move, Enter picks.
    await to.press('ArrowDown');
    await to.press('ArrowUp');
    const active = dialog.getByRole('option', { selected: true });
    if (!(await active.filter({ hasText: `@${username}` }).count())) await option.click();
    else await to.press('Enter');
    await expect(dialog.getByTestId('picked-person').filter({ hasText: username })).toBeVisible();
  }
  await dialog.getByRole('button', { name: usernames.length > 1 ? 'Start group' : 'Start conversation' }).click();
  await expect(dialog).toBeHidden();
}

async function send(page: Page, text: string) {
  const box = page.getByRole('textbox', { name: /^Message / });
  await box.fill(text);
  await box.press('Enter');
  await expect(box).toHaveValue('');
}

test('a new DM reaches its recipient at once: sidebar row, Chat badge and the tab title', async ({ browser }) => {
  test.setTimeout(60_000);
  const a = newName('ann');
  const b = newName('bob');
  const [ann, bob] = await Promise.all([signUp(browser, a), signUp(browser, b)]);
  try {
    // Bob is on Home, nowhere near the chat.
    await expect(bob.page).toHaveTitle('Sanctum');
    await startConversation(ann.page, [b]);
    await expect(ann.page.getByRole('heading', { level: 1, name: b })).toBeVisible();
    await send(ann.page, 'Hello Bob, welcome!');

    const badge = mainNav(bob.page).getByTestId('chat-unread');
    await expect(badge).toHaveText('1', { timeout: 2_000 });
    await expect(bob.page).toHaveTitle(/^\(\d+\) Sanctum$/, { timeout: 2_000 });

    await nav(bob.page, 'Chat').click();
    const row = sidebar(bob.page).getByRole('link', { name: new RegExp(a) });
    await expect(row).toBeVisible();
    await expect(row).toContainText('Hello Bob, welcome!');
    await row.click();
    await expect(bob.page.getByRole('log', { name: /^Messages in / }).getByText('Hello Bob, welcome!')).toBeVisible();
    await expect(badge).toBeHidden();
  } finally {
    await ann.context.close();
    await bob.context.close();
  }
});

test('"New message" with two people starts a group that both of them see live', async ({ browser }) => {
  test.setTimeout(60_000);
  const a = newName('ann');
  const b = newName('bob');
  const c = newName('cat');
  const [ann, bob, cat] = await Promise.all([signUp(browser, a), signUp(browser, b), signUp(browser, c)]);
  try {
    await nav(cat.page, 'Chat').click();
    await startConversation(ann.page, [b, c]);
    await send(ann.page, 'Group hello');
    for (const person of [bob, cat]) {
      await expect(mainNav(person.page).getByTestId('chat-unread')).toHaveText(/^[12]$/, { timeout: 2_000 });
    }
    // Cat has the chat open: the group's row is in the sidebar without a reload.
    await expect(sidebar(cat.page).getByRole('link', { name: new RegExp(`${a}, ${b}, ${c}`) })).toBeVisible();
  } finally {
    await ann.context.close();
    await bob.context.close();
    await cat.context.close();
  }
});

test('people are found by name: "Add friend" on the Friends page, presence dots, the sanctum member directory', async ({ browser }) => {
  test.setTimeout(90_000);
  const a = newName('ann');
  const b = newName('bob');
  const [ann, bob] = await Promise.all([signUp(browser, a), signUp(browser, b)]);
  const pa = ann.page;
  const pb = bob.page;
  try {
    await test.step('A finds B by the start of their name and asks to be friends', async () => {
      await nav(pa, 'Friends').click();
      await pa.getByRole('searchbox', { name: 'Find people' }).fill(b.slice(0, -3));
      const found = pa.getByTestId('found-person').filter({ hasText: `@${b}` });
      await expect(found).toBeVisible();
      // B is signed in in another browser: online.
      await expect(found.getByTestId('presence')).toHaveAttribute('data-presence', 'online');
      await found.getByRole('button', { name: 'Add friend' }).click();
      await expect(found.getByRole('button', { name: 'Cancel request' })).toBeVisible();
      await expect(pa.getByRole('list', { name: 'Outgoing requests' }).getByText(b).first()).toBeVisible();
    });

    await test.step('B, already on the Friends page, sees the request arrive and accepts', async () => {
      await nav(pb, 'Friends').click();
      const incoming = pb.getByRole('list', { name: 'Incoming requests' });
      await expect(incoming.getByTestId('person-row').filter({ hasText: `@${a}` })).toBeVisible();
      await incoming.getByRole('button', { name: 'Accept' }).click();
      const friend = pb.getByRole('list', { name: 'Friends' }).getByTestId('person-row').filter({ hasText: `@${a}` });
      await expect(friend.getByTestId('presence')).toHaveAttribute('data-presence', 'online');
    });

    await test.step('In a sanctum, the member directory searches by name and narrows by role', async () => {
      const sanctumName = `Guild ${newName('g')}`;
      await nav(pa, 'Sanctums').click();
      await pa.getByLabel('Name').fill(sanctumName);
      await pa.getByRole('button', { name: 'Create sanctum' }).click();
      await expect(pa.getByRole('heading', { level: 1, name: sanctumName })).toBeVisible();
      const slug = new URL(pa.url()).pathname.split('/').pop() ?? '';
      await pb.goto(`/sanctums/${slug}`);
      await pb.getByRole('button', { name: 'Join' }).click();
      await expect(pb.getByTestId('member-count')).toHaveText('2');

      const directory = pb.getByRole('list', { name: 'Members' });
      await expect(directory.getByTestId('member-row')).toHaveCount(2);
      await expect(directory.getByTestId('member-row').first()).toContainText('owner');
      await pb.getByRole('searchbox', { name: 'Search members' }).fill(a.slice(0, 4));
      await expect(directory.getByTestId('member-row')).toHaveCount(1);
      await expect(directory.getByTestId('member-row')).toContainText(`@${a}`);
      await pb.getByRole('searchbox', { name: 'Search members' }).fill('');
      await pb.getByRole('button', { name: 'Members', exact: true }).click();
      await expect(directory.getByTestId('member-row')).toHaveCount(1);
      await expect(directory.getByTestId('member-row')).toContainText(`@${b}`);
    });
  } finally {
    await ann.context.close();
    await bob.context.close();
  }
});

test('notifications that matter: a reaction and a thread reply notify the author, a DM notifies once, viewing reads them', async ({ browser }) => {
  test.setTimeout(120_000);
  const a = newName('ann');
  const b = newName('bob');
  const c = newName('cat');
  const room = newName('den');
  const [ann, bob, cat] = await Promise.all([signUp(browser, a), signUp(browser, b), signUp(browser, c)]);
  const [pa, pb, pc] = [ann.page, bob.page, cat.page];
  const count = (page: Page) => page.getByTestId('notification-count');
  const log = (page: Page) => page.getByRole('log', { name: `Messages in ${room}` });
  const item = (page: Page, text: string) => log(page).getByTestId('message').filter({ hasText: text });
  try {
    await test.step('A posts in a room B and C are in', async () => {
      await nav(pa, 'Chat').click();
      await sidebar(pa).getByRole('button', { name: 'New room' }).click();
      const dialog = pa.getByRole('dialog', { name: 'New room' });
      await dialog.getByLabel('Name').fill(room);
      await dialog.getByRole('button', { name: 'Create room' }).click();
      await expect(pa.getByRole('heading', { level: 1, name: `#${room}`, exact: true })).toBeVisible();
      const url = pa.url();
      await Promise.all([pb.goto(url), pc.goto(url)]);
      for (const page of [pb, pc]) await page.getByRole('button', { name: /^Join/ }).first().click();
      await send(pa, 'Shipping today');
      await expect(item(pb, 'Shipping today')).toBeVisible();
      // A leaves for the feed: what happens next reaches them through the bell.
      await nav(pa, 'Feed').click();
    });

    await test.step('B and C react: one notification, aggregated, live on A\'s bell and tab title', async () => {
      for (const page of [pb, pc]) {
        await item(page, 'Shipping today').hover();
        await item(page, 'Shipping today').getByRole('button', { name: 'Add reaction' }).click();
        await page.getByRole('dialog', { name: 'Pick a reaction' }).getByRole('button', { name: 'React with 🎉' }).click();
        await expect(item(page, 'Shipping today').getByRole('button', { name: /🎉 \d, including you/ })).toBeVisible();
      }
      await expect(count(pa)).toHaveText('1');
      await expect(pa).toHaveTitle('(1) Sanctum');
    });

    await test.step('C replies in the thread: A is told', async () => {
      await item(pc, 'Shipping today').hover();
      await item(pc, 'Shipping today').getByRole('button', { name: 'Reply in thread' }).click();
      const reply = pc.getByRole('complementary', { name: 'Thread' }).getByRole('textbox', { name: 'Reply in thread' });
      await reply.fill('Great work');
      await reply.press('Enter');
      await expect(count(pa)).toHaveText('2');
    });

    await test.step('A opens the notifications: both are there, the bell clears', async () => {
      await pa.getByTestId('notification-bell').click();
      const items = pa.getByTestId('notification');
      await expect(items.filter({ hasText: /and 1 other reacted 🎉 to your message/ })).toBeVisible();
      await expect(items.filter({ hasText: `${c} replied to your message` })).toBeVisible();
      await expect(count(pa)).toHaveCount(0);
      await items.filter({ hasText: 'replied to your message' }).getByRole('link').click();
      await expect(pa.getByRole('complementary', { name: 'Thread' }).getByText('Great work')).toBeVisible();
    });

    await test.step('B sends A a DM twice while A is elsewhere: one notification; opening the DM reads it', async () => {
      await nav(pa, 'Friends').click();
      await startConversation(pb, [a]);
      await send(pb, 'psst');
      await expect(count(pa)).toHaveText('1');
      await send(pb, 'are you there?');
      await expect(mainNav(pa).getByTestId('chat-unread')).toHaveText('2');
      await expect(count(pa)).toHaveText('1');
      await nav(pa, 'Chat').click();
      await sidebar(pa).getByRole('link', { name: new RegExp(b) }).click();
      await expect(pa.getByRole('log', { name: /^Messages in / }).getByText('are you there?')).toBeVisible();
      await expect(count(pa)).toHaveCount(0);
      await expect(pa).toHaveTitle('Sanctum');
    });

    await test.step('while A reads the DM, a new message there does not stay on the bell', async () => {
      await send(pb, 'one more');
      await expect(pa.getByRole('log', { name: /^Messages in / }).getByText('one more')).toBeVisible();
      await expect(count(pa)).toHaveCount(0);
    });
  } finally {
    await Promise.all([ann.context.close(), bob.context.close(), cat.context.close()]);
  }
});

test('profiles show sanctum posts to those who may read them; an owner hands a sanctum over before leaving', async ({ browser }) => {
  test.setTimeout(90_000);
  const a = newName('ann');
  const b = newName('bob');
  const [ann, bob] = await Promise.all([signUp(browser, a), signUp(browser, b)]);
  const [pa, pb] = [ann.page, bob.page];
  try {
    const sanctumName = `Club ${newName('c')}`;
    await nav(pa, 'Sanctums').click();
    await pa.getByLabel('Name').fill(sanctumName);
    await pa.getByRole('button', { name: 'Create sanctum' }).click();
    await expect(pa.getByRole('heading', { level: 1, name: sanctumName })).toBeVisible();
    await expect(pa.getByTestId('member-count').locator('xpath=..')).toContainText(/\b1 member · you are owner/);
    // The owner is not offered "Leave".
    await expect(pa.getByRole('button', { name: 'Leave' })).toHaveCount(0);
    const slug = new URL(pa.url()).pathname.split('/').pop() ?? '';
    await pa.getByLabel(`Post in ${sanctumName}`).fill('Welcome to the club');
    await pa.getByRole('button', { name: 'Post', exact: true }).click();
    await expect(pa.getByTestId('post').filter({ hasText: 'Welcome to the club' })).toBeVisible();

    // Your own profile lists your sanctum post; so does it for someone else (a public sanctum).
    await pa.goto(`/u/${a}`);
    await expect(pa.getByTestId('post').filter({ hasText: 'Welcome to the club' })).toBeVisible();
    await pb.goto(`/u/${a}`);
    await expect(pb.getByTestId('post').filter({ hasText: 'Welcome to the club' })).toBeVisible();

    // Joined, the sanctum is listed once on the Sanctums page.
    await pb.goto(`/sanctums/${slug}`);
    await pb.getByRole('button', { name: 'Join' }).click();
    await expect(pb.getByTestId('member-count').locator('xpath=..')).toContainText(/\b2 members · you are member/);
    await nav(pb, 'Sanctums').click();
    await pb.getByLabel('Search sanctums').fill(sanctumName);
    await expect(pb.getByTestId('sanctum-row').filter({ hasText: sanctumName })).toHaveCount(1);

    await pa.goto(`/sanctums/${slug}`);
    await expect(pa.getByText('first make another member its owner')).toBeVisible();
    await pa.getByTestId('member-row').filter({ hasText: `@${b}` }).getByRole('button', { name: `Make ${b} the owner` }).click();
    await pa.getByRole('dialog').getByRole('button', { name: 'Make owner' }).click();
    await expect(pa.getByText('you are moderator')).toBeVisible();
    await pa.getByRole('button', { name: 'Leave' }).click();
    await expect(pa.getByRole('button', { name: 'Join' })).toBeVisible();
  } finally {
    await Promise.all([ann.context.close(), bob.context.close()]);
  }
});

test('Home shows the first-run checklist, then an @ mention picked from the autocomplete, which notifies', async ({ browser }) => {
  test.setTimeout(60_000);
  const a = newName('ann');
  const b = newName('bob');
  const [ann, bob] = await Promise.all([signUp(browser, a), signUp(browser, b)]);
  try {
    // Bob is new: Home offers the checklist, nothing needs him yet.
    const checklist = bob.page.getByRole('heading', { name: /^Get started \(\d of 4\)$/ });
    await expect(checklist).toBeVisible();
    await expect(bob.page.getByRole('link', { name: 'Add a friend' }).or(bob.page.getByRole('link', { name: 'Find people' }))).toBeVisible();
    await expectAccessible(bob.page, 'Home');

    await startConversation(ann.page, [b]);
    const box = ann.page.getByRole('textbox', { name: /^Message / });
    await box.fill('hi @' + b.slice(0, 4));
    const list = ann.page.getByRole('listbox', { name: 'People to mention' });
    await expect(list.getByRole('option', { selected: true })).toContainText(`@${b}`);
    await expectAccessible(ann.page, 'the @ autocomplete');
    await box.press('Tab');
    await expect(box).toHaveValue(`hi @${b} `);
    await expect(list).toBeHidden();
    await box.pressSequentially('look at this');
    await box.press('Enter');
    const log = ann.page.getByRole('log', { name: /^Messages in / });
    await expect(log.getByTestId('message').getByRole('link', { name: `@${b}` })).toHaveAttribute('href', `/u/${b}`);
    await expectAccessible(ann.page, 'a DM with a mention pill');

    // Bob's Home (live, no reload): the mention and the unread conversation, under the checklist.
    const mentions = bob.page.getByRole('region', { name: 'Mentions' });
    await expect(mentions.getByRole('link', { name: `${a} mentioned you in a message` })).toBeVisible({ timeout: 5_000 });
    await expect(bob.page.getByRole('region', { name: 'Unread' }).getByRole('link', { name: new RegExp(a) })).toBeVisible();
    await expect(checklist).toBeVisible();
    await mentions.getByRole('link', { name: `${a} mentioned you in a message` }).click();
    await expect(bob.page.getByRole('log', { name: /^Messages in / }).getByTestId('message').getByRole('link', { name: `@${b}` })).toBeVisible();
  } finally {
    await ann.context.close();
    await bob.context.close();
  }
});
