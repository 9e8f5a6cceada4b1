import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';

import { ConnectFourBoard } from './ConnectFourBoard';
import { newerRoom } from './api';
import { applyDelta, nextFrame } from './frames';
import { applyChange } from './hooks';
import { defaultOptions, OptionsFields } from './OptionsFields';
import { extrapolate, INTERPOLATION_DELAY_MS, MAX_EXTRAPOLATION, positionsAt } from './pong';
import type { GameRoom, RoomChange } from './types';
import type { ConnectFourView, PongView } from './views';
import { outcomeLine, turnLine, withNames } from './views';

const players = [
  { id: 'u1', name: 'Alice', is_bot: false, seat: 0 },
  { id: 'u2', name: 'Bob', is_bot: false, seat: 1 },
];

function c4(overrides: Partial<ConnectFourView> = {}): ConnectFourView {
  const board = Array.from({ length: 6 }, () => Array<number | null>(7).fill(null));
  return {
    status: 'playing',
    players,
    you: null,
    outcome: null,
    turn: 'u1',
    turn_seat: 0,
    board,
    moves: [],
    last_move: null,
    playable: [0, 1, 2, 3, 4, 5, 6],
    winning_cells: [],
    ...overrides,
  };
}

describe('turn and outcome lines', () => {
  it('names whose turn it is from the viewer side', () => {
    expect(turnLine(c4(), 'u1')).toBe('Your turn');
    expect(turnLine(c4(), 'u2')).toBe("Alice's turn");
    expect(turnLine(c4({ status: 'waiting', turn: null }), null)).toBe('Waiting for an opponent');
  });

  it('tells winners, draws, forfeits and deleted users apart', () => {
    const over = (winners: string[], reason = 'four_in_a_row') => c4({ status: 'finished', turn: null, outcome: { winners, reason } });
    expect(outcomeLine(over(['u1']), 'u1')).toBe('You win');
    expect(outcomeLine(over(['u1']), 'u2')).toBe('Alice wins');
    expect(outcomeLine(over([]), 'u2')).toBe('Draw');
    expect(outcomeLine(over(['u2'], 'forfeit'), null)).toBe('Bob wins (forfeit)');
    expect(outcomeLine(over(['gone']), null)).toBe('Deleted user wins');
  });
});

describe('ConnectFourBoard', () => {
  it('drops into a playable column and disables full ones', () => {
    const onDrop = vi.fn();
    render(<ConnectFourBoard view={c4({ playable: [0, 1, 2, 4, 5, 6] })} onDrop={onDrop} />);
    screen.getByRole('button', { name: 'Drop in column 2' }).click();
    expect(onDrop).toHaveBeenCalledWith(1);
    expect((screen.getByRole('button', { name: 'Drop in column 4' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('gives spectators no controls and marks the winning line', () => {
    const board = Array.from({ length: 6 }, () => Array<number | null>(7).fill(null));
    for (const r of [2, 3, 4, 5]) board[r]![0] = 0;
    const { container } = render(
      <ConnectFourBoard view={c4({ board, winning_cells: [[2, 0], [3, 0], [4, 0], [5, 0]], last_move: { column: 0, row: 2 } })} />,
    );
    expect((screen.getByRole('button', { name: 'Drop in column 1' }) as HTMLButtonElement).disabled).toBe(true);
    expect(container.querySelectorAll('.c4__disc--win')).toHaveLength(4);
    expect(container.querySelectorAll('.c4__disc--drop')).toHaveLength(1);
  });
});

describe('pong extrapolation', () => {
  const view: PongView = {
    status: 'playing',
    players,
    you: 0,
    outcome: null,
    field: { width: 100, height: 60, ball_radius: 1, paddle_height: 12, paddle_width: 1.5, faces: [3, 97], paddle_speed: 70 },
    paddles: [
      { y: 30, dir: 1 },
      { y: 7, dir: -1 },
    ],
    ball: { x: 50, y: 2, vx: 40, vy: -30 },
    score: [0, 0],
    points_to_win: 5,
    serve_in: 0,
    time: 1,
  };

  it('moves ball and paddles on, folding off the wall and clamping paddles', () => {
    const pos = extrapolate(view, 0.05);
    expect(pos.ball.x).toBeCloseTo(52);
    expect(pos.ball.y).toBeCloseTo(1.5); // 2 - 1.5 = 0.5, folded off the top wall (radius 1)
    expect(pos.paddles[0]).toBeCloseTo(33.5);
    expect(pos.paddles[1]).toBe(6);
  });

  it('never guesses further than a few frames, and not during a serve', () => {
    expect(extrapolate(view, 5).ball.x).toBeCloseTo(50 + 40 * MAX_EXTRAPOLATION);
    expect(extrapolate({ ...view, serve_in: 1 }, 0.05).ball.x).toBe(50);
  });
});

describe('applyChange', () => {
  const room = { id: 'r', version: 3, status: 'active', players: [], state: { a: 1 }, outcome: null } as unknown as GameRoom;
  const change = (version: number): RoomChange => ({
    room_id: 'r',
    version,
    status: 'finished',
    players: [],
    state: { a: version },
    outcome: { winners: [], reason: 'board_full' },
  });

  it('takes newer versions and ignores older ones', () => {
    expect(applyChange(room, change(4))?.state).toEqual({ a: 4 });
    expect(applyChange(room, change(2))).toBe(room);
    expect(applyChange(undefined, change(4))).toBeUndefined();
  });
});

describe('pong interpolation', () => {
  const base: PongView = {
    status: 'playing',
    players,
    you: null,
    outcome: null,
    field: { width: 100, height: 60, ball_radius: 1, paddle_height: 12, paddle_width: 1.5, faces: [3, 97], paddle_speed: 70 },
    paddles: [
      { y: 30, dir: 0 },
      { y: 30, dir: 0 },
    ],
    ball: { x: 40, y: 30, vx: 30, vy: 0 },
    score: [0, 0],
    points_to_win: 5,
    serve_in: 0,
    time: 1,
  };
  const next: PongView = { ...base, ball: { ...base.ball, x: 41 }, paddles: [{ y: 32, dir: 0 }, base.paddles[1]!] };

  it('draws between the two latest frames, a little in the past', () => {
    const at = 1000;
    const pos = positionsAt({ view: base, at }, { view: next, at: at + 100 }, at + 50 + INTERPOLATION_DELAY_MS);
    expect(pos.ball.x).toBeCloseTo(40.5);
    expect(pos.paddles[0]).toBeCloseTo(31);
  });

  it('extrapolates from the latest frame when the next is late, and never blends across a point', () => {
    const at = 1000;
    const late = positionsAt({ view: base, at }, { view: next, at: at + 33 }, at + 33 + INTERPOLATION_DELAY_MS + 50);
    expect(late.ball.x).toBeCloseTo(41 + 30 * 0.05);
    const scored: PongView = { ...next, score: [1, 0], ball: { ...next.ball, x: 50 } };
    const after = positionsAt({ view: base, at }, { view: scored, at: at + 100 }, at + 50 + INTERPOLATION_DELAY_MS);
    expect(after.ball.x).toBe(50);
  });
});

describe('OptionsFields', () => {
  const schema = {
    type: 'object',
    properties: {
      points_to_win: { type: 'integer', title: 'Points To Win', default: 5, minimum: 1, maximum: 21 },
      note: { type: 'string' },
    },
  };

  it('starts from the defaults and edits numbers as numbers; other types keep their defaults', () => {
    expect(defaultOptions(schema)).toEqual({ points_to_win: 5 });
    const onChange = vi.fn();
    render(<OptionsFields schema={schema} value={{ points_to_win: 5 }} onChange={onChange} idPrefix="t" />);
    const input = screen.getByLabelText('Points To Win') as HTMLInputElement;
    expect(input.min).toBe('1');
    expect(input.max).toBe('21');
    fireEvent.change(input, { target: { value: '3' } });
    expect(onChange).toHaveBeenCalledWith({ points_to_win: 3 });
    expect(screen.queryByLabelText('note')).toBeNull();
  });

  it('renders nothing for a game without options', () => {
    const { container } = render(<OptionsFields schema={{ type: 'object' }} value={{}} onChange={vi.fn()} idPrefix="t" />);
    expect(container.innerHTML).toBe('');
  });
});

describe('newerRoom', () => {
  it('keeps a cached room that live events moved past the response', () => {
    const at = (version: number) => ({ id: 'r', version }) as unknown as GameRoom;
    const cached = at(5);
    expect(newerRoom(cached, at(4))).toBe(cached);
    const fresh = at(6);
    expect(newerRoom(cached, fresh)).toBe(fresh);
    expect(newerRoom(undefined, fresh)).toBe(fresh);
  });
});

describe('withNames', () => {
  it('shows the names the API gives now, "Deleted user" for a deleted account', () => {
    const seats = [
      { player_id: 'u1', name: 'Alice A.', user_id: 'u1', is_bot: false },
      { player_id: 'u2', name: 'Deleted user', user_id: null, is_bot: false },
    ];
    const view = withNames(c4({ status: 'finished', turn: null, outcome: { winners: ['u2'], reason: 'four_in_a_row' } }), seats);
    expect(view.players.map((p) => p.name)).toEqual(['Alice A.', 'Deleted user']);
    expect(outcomeLine(view, 'u1')).toBe('Deleted user wins');
    expect(withNames({ not: 'a view' }, seats)).toEqual({ not: 'a view' });
  });
});

describe('delta frames', () => {
  const key = { tick: 5, state: { ball: { x: 1, y: 2 }, paddles: [{ y: 30 }, { y: 30 }], score: [0, 0], extra: true } };

  it('applies a delta to the keyframe it was made from, without touching the old view', () => {
    const first = nextFrame(null, 'game.frame', key, 0);
    const changes = [[['ball', 'x'], 1.5], [['paddles', 1, 'y'], 31], [['extra']], [['score'], [1, 0]]];
    const second = nextFrame(first, 'game.delta', { tick: 6, base: 5, changes }, 33);
    expect(second?.tick).toBe(6);
    expect(second?.state).toEqual({ ball: { x: 1.5, y: 2 }, paddles: [{ y: 30 }, { y: 31 }], score: [1, 0] });
    expect(first?.state).toEqual(key.state);
    expect(applyDelta({ a: 1 }, [[[], { b: 2 }]])).toEqual({ b: 2 });
  });

  it('skips a delta for another tick (one was missed) and takes the next keyframe', () => {
    const first = nextFrame(null, 'game.frame', key, 0);
    expect(nextFrame(first, 'game.delta', { tick: 8, base: 7, changes: [[['ball', 'x'], 9]] }, 1)).toBe(first);
    expect(nextFrame(null, 'game.delta', { tick: 8, base: 7, changes: [] }, 1)).toBeNull();
    expect(nextFrame(first, 'game.frame', { tick: 9, state: { ball: { x: 3, y: 3 } } }, 2)?.tick).toBe(9);
  });
});
