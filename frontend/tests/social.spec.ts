import { type Page } from '@playwright/test';

import { expect, expectAccessible, test } from './fixtures';
import { newName, signUp } from './people';

// Two people, each in a browser context of their own, against the real backend. Every wait is on
// something visible, never a fixed sleep.

const nav = (page: Page, name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name });

test('a sanctum: one founds it, another joins and posts, comments and likes show live, friends', async ({ browser }) => {
  test.setTimeout(90_000);
  const a = newName('ann');
  const b = newName('bob');
  const sanctumName = `Garden ${newName('g')}`;
  const [ann, bob] = await Promise.all([signUp(browser, a), signUp(browser, b)]);
  const pa = ann.page;
  const pb = bob.page;
  let slug = '';

  try {
    await test.step('A founds a public sanctum', async () => {
      await nav(pa, 'Sanctums').click();
      await expect(pa.getByLabel('Name')).toBeVisible();
      await expectAccessible(pa, 'the sanctums page');
      await pa.getByLabel('Name').fill(sanctumName);
      await pa.getByRole('button', { name: 'Create sanctum' }).click();
      await expect(pa.getByRole('heading', { level: 1, name: sanctumName })).toBeVisible();
      slug = new URL(pa.url()).pathname.split('/').pop() ?? '';
      await expect(pa.getByTestId('member-count')).toHaveText('1');
      await expect(pa.getByRole('link', { name: 'Chat room' })).toBeVisible();
      await expectAccessible(pa, 'a sanctum page');
    });

    await test.step('B finds it, joins and posts', async () => {
      await nav(pb, 'Sanctums').click();
      await pb.getByLabel('Search sanctums').fill(sanctumName);
      await pb.getByTestId('sanctum-row').getByRole('link', { name: sanctumName }).click();
      await pb.getByRole('button', { name: 'Join' }).click();
      await expect(pb.getByTestId('member-count')).toHaveText('2');
      await pb.getByLabel(`Post in ${sanctumName}`).fill('Hello **garden** <img src=x onerror=alert(1)>');
      await pb.getByRole('button', { name: 'Post', exact: true }).click();
      const post = pb.getByTestId('post').filter({ hasText: 'Hello garden' });
      await expect(post.locator('strong')).toHaveText('garden');
      await expect(post.locator('img')).toHaveCount(0);
    });

    await test.step('A sees it in the feed and opens it; B comments and likes; A sees the counts move live', async () => {
      await nav(pa, 'Feed').click();
      const inFeed = pa.getByTestId('post').filter({ hasText: 'Hello garden' });
      await expect(inFeed).toBeVisible();
      await expectAccessible(pa, 'the feed');
      await inFeed.getByRole('link', { name: /comments/ }).click();
      await expect(pa).toHaveURL(/\/posts\/\d+$/);
      const postUrl = new URL(pa.url()).pathname;
      await expect(pa.getByTestId('like-count')).toHaveText('0');

      await pb.goto(postUrl);
      await pb.getByLabel('Write a comment').fill('Lovely *roses*');
      await pb.getByRole('button', { name: 'Comment', exact: true }).click();
      await pb.getByRole('button', { name: 'Like', exact: true }).click();
      await expect(pb.getByTestId('like-count')).toHaveText('1');

      await expect(pa.getByTestId('like-count')).toHaveText('1');
      await expect(pa.getByTestId('comment-count')).toHaveText('1');
      await expect(pa.getByTestId('comment').filter({ hasText: 'Lovely roses' })).toBeVisible();
      await expectAccessible(pa, 'a post');

      await pa.getByRole('button', { name: 'Like', exact: true }).click();
      await expect(pb.getByTestId('like-count')).toHaveText('2');
    });

    await test.step('A replies to the comment', async () => {
      const comment = pa.getByTestId('comment').filter({ hasText: 'Lovely roses' });
      await comment.getByRole('button', { name: 'Reply' }).click();
      await pa.getByLabel('Write a reply').fill('Thank you');
      await pa.getByRole('button', { name: 'Reply', exact: true }).last().click();
      await expect(pb.getByTestId('reply').filter({ hasText: 'Thank you' })).toBeVisible();
      await expect(pb.getByTestId('comment-count')).toHaveText('2');
    });

    await test.step('A asks B to be friends; B accepts from the friends page', async () => {
      await pa.goto(`/u/${b}`);
      await pa.getByRole('button', { name: 'Add friend' }).click();
      await expect(pa.getByRole('button', { name: 'Cancel request' })).toBeVisible();
      await expect(pb.getByTestId('notification-bell')).toHaveAccessibleName(/^Notifications, \d+ unread$/);
      await pb.getByTestId('notification-bell').click();
      await expect(pb.getByTestId('notification').filter({ hasText: `${a} sent you a friend request` })).toBeVisible();
      await expectAccessible(pb, 'the notifications menu');
      await nav(pb, 'Friends').click();
      const incoming = pb.getByRole('list', { name: 'Incoming requests' });
      await incoming.getByRole('button', { name: 'Accept' }).click();
      await expect(pb.getByRole('list', { name: 'Friends' }).getByRole('link', { name: a })).toBeVisible();
      await expectAccessible(pb, 'the friends page');
      await pa.reload();
      await expect(pa.getByRole('button', { name: 'Remove friend' })).toBeVisible();
      await pa.getByTestId('notification-bell').click();
      await expect(pa.getByTestId('notification').filter({ hasText: `${b} accepted your friend request` })).toBeVisible();
    });

    await test.step('Only the owner manages members: A makes B a moderator, then removes B', async () => {
      await pb.goto(`/sanctums/${slug}`);
      await expect(pb.getByTestId('member-row').filter({ hasText: a })).toBeVisible();
      await expect(pb.getByRole('button', { name: /^Make .* a moderator$/ })).toHaveCount(0);

      await pa.goto(`/sanctums/${slug}`);
      const row = pa.getByTestId('member-row').filter({ hasText: b });
      await row.getByRole('button', { name: `Make ${b} a moderator` }).click();
      await expect(row.getByText('moderator', { exact: true })).toBeVisible();
      await pb.reload();
      await expect(pb.getByText('you are moderator')).toBeVisible();

      await row.getByRole('button', { name: `Remove ${b}` }).click();
      await pa.getByRole('dialog').getByRole('button', { name: 'Remove', exact: true }).click();
      await expect(pa.getByTestId('member-count')).toHaveText('1');
      await expect(pa.getByTestId('member-row').filter({ hasText: b })).toHaveCount(0);
      await pb.reload();
      await expect(pb.getByRole('button', { name: 'Join' })).toBeVisible();
    });

    expect(slug).not.toBe('');
  } finally {
    await ann.context.close();
    await bob.context.close();
  }
});
