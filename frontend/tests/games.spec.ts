import { type Page } from '@playwright/test';

import { expect, expectAccessible, test } from './fixtures';
import { newName, signUp } from './people';

// Connect Four in the browser against the real backend: two people play to a finish while a third
// watches, then one of them plays the bot. Every wait is on something visible, never a fixed sleep.

const status = (page: Page) => page.getByTestId('game-status');
const board = (page: Page) => page.getByTestId('c4-board');

/** `[path, value]` sets, `[path]` removes (the delta format of docs/realtime.md), on a copy. */
function applyChanges(view: unknown, changes: unknown[][]): unknown {
  let root = structuredClone(view);
  for (const change of changes) {
    const path = change[0] as (string | number)[];
    if (path.length === 0) {
      root = change[1];
      continue;
    }
    let parent = root as Record<string | number, unknown>;
    for (const step of path.slice(0, -1)) parent = parent[step] as Record<string | number, unknown>;
    const last = path[path.length - 1] as string | number;
    if (change.length === 1) delete parent[last];
    else parent[last] = change[1];
  }
  return root;
}

/** Waits for the player's turn, drops a disc, and waits until the board shows it. */
async function drop(page: Page, column: number, movesBefore: number) {
  await expect(status(page)).toHaveText('Your turn');
  await expect(board(page)).toHaveAttribute('data-moves', String(movesBefore));
  await page.getByRole('button', { name: `Drop in column ${column + 1}` }).click();
  await expect(board(page)).toHaveAttribute('data-moves', String(movesBefore + 1));
}

test('two people play Connect Four to a finish while a spectator watches; then one plays the bot', async ({ browser }) => {
  test.setTimeout(90_000);
  const a = newName('ann');
  const b = newName('bob');
  const c = newName('cat');
  const [ann, bob, cat] = await Promise.all([signUp(browser, a), signUp(browser, b), signUp(browser, c)]);
  const pa = ann.page;
  const pb = bob.page;
  const pc = cat.page;

  try {
    let roomUrl = '';
    await test.step('A opens a Connect Four room from the lobby', async () => {
      await pa.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Games' }).click();
      await expect(pa).toHaveURL(/\/games$/);
      await pa.getByTestId('game-card-connect_four').getByRole('button', { name: 'Open a room' }).click();
      await expect(pa).toHaveURL(/\/games\/rooms\/[0-9a-f-]{36}$/);
      roomUrl = pa.url();
      await expect(status(pa)).toHaveText('Waiting for an opponent');
    });

    await test.step('B finds the room among the open rooms and joins; C watches', async () => {
      await pb.goto('/games');
      const row = pb.getByTestId('open-rooms').getByRole('listitem').filter({ hasText: a });
      await expect(row).toBeVisible();
      await expectAccessible(pb, 'the games lobby');
      await row.getByRole('button', { name: 'Join' }).click();
      await expect(pb).toHaveURL(roomUrl);
      await expect(status(pb)).toHaveText(`${a}'s turn`);
      await expect(status(pa)).toHaveText('Your turn');
      await pc.goto(roomUrl);
      await expect(pc.getByText('Spectating')).toBeVisible();
      await expect(status(pc)).toHaveText(`${a}'s turn`);
      // A spectator gets no controls.
      await expect(pc.getByRole('button', { name: 'Drop in column 1' })).toBeDisabled();
      await expectAccessible(pa, 'a game room');
    });

    await test.step('they play; A lines up four in the first column', async () => {
      const columns = [0, 1, 0, 1, 0, 1, 0];
      for (const [i, column] of columns.entries()) {
        await drop(i % 2 === 0 ? pa : pb, column, i);
      }
      await expect(status(pa)).toHaveText('You win');
      await expect(status(pb)).toHaveText(`${a} wins`);
      await expect(status(pc)).toHaveText(`${a} wins`);
      await expect(board(pc)).toHaveAttribute('data-moves', '7');
      await expect(pb.getByRole('button', { name: 'Drop in column 3' })).toBeDisabled();
    });

    await test.step('A offers a rematch and B accepts it live', async () => {
      await pa.getByRole('button', { name: 'Rematch' }).click();
      await expect(pa).not.toHaveURL(roomUrl);
      await expect(pa).toHaveURL(/\/games\/rooms\/[0-9a-f-]{36}$/);
      await pb.getByRole('button', { name: 'Accept the rematch' }).click();
      await expect(pb).toHaveURL(pa.url());
      await expect(status(pa)).toHaveText(/Your turn|'s turn/);
      await expect(status(pb)).toHaveText(/Your turn|'s turn/);
    });

    await test.step('the spectator replays the finished game step by step', async () => {
      await pc.getByRole('link', { name: 'Replay' }).click();
      await expect(pc.getByTestId('replay-step')).toContainText('Step 0');
      await pc.getByRole('button', { name: 'Next step' }).click();
      await expect(pc.getByTestId('replay-step')).toContainText('Step 1');
    });

    await test.step('B drops off: A sees the reconnection countdown', async () => {
      await bob.context.close();
      await expect(pa.getByTestId('away-countdown')).toContainText(new RegExp(`Waiting for ${b} to reconnect: \\d+ s`));
    });

    await test.step('A plays the easy bot to the end', async () => {
      await pa.goto('/games');
      const card = pa.getByTestId('game-card-connect_four');
      await card.getByLabel('Connect Four bot level').selectOption('easy');
      await card.getByRole('button', { name: 'Play the bot' }).click();
      await expect(pa).toHaveURL(/\/games\/rooms\/[0-9a-f-]{36}$/);
      await expect(pa.getByText('bot · easy')).toBeVisible();
      for (let moves = 0; moves < 42; moves += 2) {
        await expect(status(pa)).toHaveText(/Your turn|wins|You win|Draw/);
        if ((await status(pa).textContent()) !== 'Your turn') break;
        await expect(board(pa)).toHaveAttribute('data-moves', String(moves));
        const open = pa.getByRole('group', { name: 'Columns' }).getByRole('button').and(pa.locator(':enabled'));
        // Prefer the centre column while it has room: a real game rather than one pile.
        const centre = pa.getByRole('button', { name: 'Drop in column 4' });
        await ((await centre.isEnabled()) ? centre : open.first()).click();
        await expect(board(pa)).not.toHaveAttribute('data-moves', String(moves));
      }
      await expect(status(pa)).toHaveText(/wins|You win|Draw/);
    });

    await test.step('the history and the leaderboard show the games', async () => {
      await pa.goto('/games/history');
      await expect(pa.getByTestId('history').getByRole('listitem').filter({ hasText: b })).toContainText('Won');
      await pa.getByRole('link', { name: 'Lobby' }).click();
      await pa.getByRole('link', { name: 'Leaderboard' }).click();
      await expect(pa.getByTestId('leaderboard')).toContainText(a);
    });

    await test.step('A plays a Reversi move against the bot and sees its answer', async () => {
      await pa.goto('/games');
      await pa.getByTestId('game-card-reversi').getByRole('button', { name: 'Play the bot' }).click();
      await expect(status(pa)).toHaveText('Your turn');
      await pa.getByTestId('reversi-board').getByRole('gridcell', { name: /play here/ }).first().click();
      // Four discs at the start, one more for A's move, one more for the bot's answer.
      await expect(pa.getByTestId('reversi-board').getByRole('gridcell', { name: /black|white/ })).toHaveCount(6);
      await expect(status(pa)).toHaveText('Your turn');
    });

    await test.step('A starts Pong against the bot: the canvas and score show', async () => {
      await pa.goto('/games');
      const card = pa.getByTestId('game-card-pong');
      await card.getByLabel('Points To Win').fill('3'); // a field drawn from the game's options schema
      await card.getByRole('button', { name: 'Play the bot' }).click();
      await expect(pa.getByRole('img', { name: 'Pong field' })).toBeVisible();
      await expect(pa.getByTestId('pong-score')).toContainText('0 : 0');
      await expect(pa.getByTestId('pong-score')).toContainText('first to 3');
    });

    await test.step('the canvas shows the server\'s views, rebuilt from a keyframe and deltas', async () => {
      // The page's socket after a reload carries the room's frames: rebuild the server's view at each
      // tick here, on our own, and compare it with what the page shows (data-tick, data-ball).
      const frames: { type: string; data: { tick: number; base?: number; state?: unknown; changes?: unknown[][] } }[] = [];
      pa.on('websocket', (ws) =>
        ws.on('framereceived', ({ payload }) => {
          if (typeof payload !== 'string' || !/^\{"type":"game\.(frame|delta)"/.test(payload)) return;
          frames.push(JSON.parse(payload) as (typeof frames)[number]);
        }),
      );
      await pa.reload();
      const canvas = pa.getByRole('img', { name: 'Pong field' });
      await expect(canvas).toBeVisible();
      await expect.poll(() => frames.filter((f) => f.type === 'game.delta').length, { timeout: 15_000 }).toBeGreaterThan(15);
      expect(frames[0]?.type).toBe('game.frame'); // a keyframe first
      const rebuild = () => {
        const views = new Map<number, { ball: { x: number; y: number } }>();
        let view: unknown = null;
        for (const { type, data } of frames) {
          if (type === 'game.frame') view = structuredClone(data.state);
          else if (data.base !== undefined && views.has(data.base)) view = applyChanges(view, data.changes ?? []);
          else continue;
          views.set(data.tick, view as { ball: { x: number; y: number } });
        }
        return views;
      };
      for (let sample = 0; sample < 3; sample++) {
        const [tick, ball] = await canvas.evaluate((el) => [Number(el.getAttribute('data-tick')), el.getAttribute('data-ball')] as const);
        // The page may have read a frame just before this test's copy of it arrived.
        await expect.poll(() => rebuild().has(tick), { timeout: 5_000 }).toBe(true);
        const server = rebuild().get(tick);
        expect(ball).toBe(`${server?.ball.x},${server?.ball.y}`);
        await expect.poll(() => canvas.getAttribute('data-tick')).not.toBe(String(tick)); // the next frames
      }
    });

    await test.step('A steers and resigns', async () => {
      await pa.keyboard.down('ArrowUp');
      await pa.keyboard.up('ArrowUp');
      await pa.getByRole('button', { name: 'Resign' }).click();
      await expect(status(pa)).toContainText('wins (forfeit)');
    });

    await test.step('A invites C to a Reversi room; C joins from the invitation', async () => {
      await pa.goto('/games');
      await pa.getByTestId('game-card-reversi').getByRole('button', { name: 'Open a room' }).click();
      await expect(status(pa)).toHaveText('Waiting for an opponent');
      await pa.getByLabel('Username').fill(`@${c}`);
      await pa.getByRole('button', { name: 'Invite', exact: true }).click();
      await expect(pa.getByText(`Invited @${c}.`)).toBeVisible();
      const invite = pc.getByTestId('game-invite').filter({ hasText: `${a} invites you to Reversi` });
      await invite.getByRole('button', { name: 'Join' }).click();
      await expect(pc).toHaveURL(pa.url());
      await expect(status(pc)).toHaveText(`${a}'s turn`);
      await expect(status(pa)).toHaveText('Your turn');
    });
  } finally {
    await Promise.all([ann.context.close(), bob.context.close(), cat.context.close()].map((p) => p.catch(() => undefined)));
  }
});
