import { expect, expectAccessible, test } from './fixtures';
import { newName, signUp } from './people';

// Two people in browser contexts of their own against the real backend (embedded mode: the job that
// creates the notification runs inside the app). Every wait is on something visible, never a sleep.

test('a mention shows up live in the bell; opening the list reads them', async ({ browser }) => {
  test.setTimeout(60_000);
  const a = newName('ann');
  const b = newName('bob');
  const room = newName('hall');
  const [ann, bob] = await Promise.all([signUp(browser, a), signUp(browser, b)]);
  const pa = ann.page;
  const pb = bob.page;
  const bell = pa.getByTestId('notification-bell');

  try {
    await test.step('A starts with no unread notifications', async () => {
      await expect(bell).toHaveAccessibleName('Notifications');
      await expect(pa.getByTestId('notification-count')).toHaveCount(0);
    });

    await test.step('B mentions A twice in a public room; A sees the bell count live', async () => {
      await pb.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chat' }).click();
      await pb.getByRole('complementary', { name: 'Chats' }).getByRole('button', { name: 'New room' }).click();
      const dialog = pb.getByRole('dialog', { name: 'New room' });
      await dialog.getByLabel('Name').fill(room);
      await dialog.getByRole('button', { name: 'Create room' }).click();
      const composer = pb.getByRole('textbox', { name: `Message #${room}` });
      await composer.fill(`hello @${a}`);
      await composer.press('Enter');
      await expect(pa.getByTestId('notification-count')).toHaveText('1');
      await expect(bell).toHaveAccessibleName('Notifications, 1 unread');
      await composer.fill(`still there @${a}?`);
      await composer.press('Enter');
      await expect(pa.getByTestId('notification-count')).toHaveText('2');
    });

    await test.step('A opens the list: seeing it clears the bell, what was new keeps its mark for this visit', async () => {
      await bell.click();
      await expect(pa.getByRole('heading', { level: 1, name: 'Notifications' })).toBeVisible();
      const items = pa.getByTestId('notification');
      await expect(items).toHaveCount(2);
      await expect(items.first()).toContainText(`${b} mentioned you in a message`);
      await expect(pa.getByTestId('notification-count')).toHaveCount(0);
      await expect(items.first()).toHaveAttribute('data-read', 'true');
      await expect(items.first()).toHaveClass(/notification--unread/);
      await expect(pa.getByRole('button', { name: 'Mark all read' })).toBeDisabled();
      await expectAccessible(pa, 'the notifications page');
    });

    await test.step('the link leads to the room of the mention', async () => {
      await pa.getByTestId('notification').first().getByRole('link').click();
      await expect(pa).toHaveURL(/\/chat\/[0-9a-f-]{36}$/);
      await expect(pa.getByRole('heading', { level: 1, name: `#${room}`, exact: true })).toBeVisible();
    });
  } finally {
    await Promise.all([ann.context.close(), bob.context.close()]);
  }
});
