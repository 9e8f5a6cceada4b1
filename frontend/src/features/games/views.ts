// What each game's plugin sends as its view (docs/game-plugins.md): the JSON of `view(state, player)`.
// The API and the realtime events carry it as `unknown`; the boards narrow it with these types.

import type { LinePart } from '../../components/ui';

export type GameStatus = 'waiting' | 'playing' | 'finished';

export interface SeatView {
  id: string;
  name: string;
  is_bot: boolean;
  seat: number;
}

export interface OutcomeView {
  winners: string[];
  reason: string;
}

export interface BaseView {
  status: GameStatus;
  players: SeatView[];
  /** The viewer's seat; null for a spectator. */
  you: number | null;
  outcome: OutcomeView | null;
}

export interface TurnView extends BaseView {
  /** The id of the player to move; null before the start and after the end. */
  turn: string | null;
  turn_seat: number | null;
}

export interface ConnectFourView extends TurnView {
  /** 6 rows, top first; a cell is the seat of its disc or null. */
  board: (number | null)[][];
  moves: number[];
  last_move: { column: number; row: number } | null;
  playable: number[];
  /** [row, column] of the winning line. */
  winning_cells: [number, number][];
}

export interface ReversiView extends TurnView {
  board: (number | null)[][];
  /** [row, col] cells the player to move may play. */
  legal: [number, number][];
  counts: [number, number];
  last_move: [number, number] | null;
  flipped: [number, number][];
  /** The seat that had to pass before this turn, if any. */
  passed: number | null;
}

export interface PongView extends BaseView {
  field: {
    width: number;
    height: number;
    ball_radius: number;
    paddle_height: number;
    paddle_width: number;
    faces: [number, number];
    paddle_speed: number;
  };
  paddles: { y: number; dir: number }[];
  ball: { x: number; y: number; vx: number; vy: number };
  score: [number, number];
  points_to_win: number;
  serve_in: number;
  time: number;
}

export function isView(value: unknown): value is BaseView {
  return typeof value === 'object' && value !== null && Array.isArray((value as BaseView).players) && 'status' in value;
}

/** "Alice wins", "Draw", "Bob wins: Alice left", seen by `viewer` ("You win"). */
export function outcomeLine(view: BaseView, viewerId: string | null): string {
  const outcome = view.outcome;
  if (!outcome) return '';
  if (outcome.winners.length === 0) return 'Draw';
  const names = outcome.winners.map((id) =>
    id === viewerId ? 'You' : view.players.find((p) => p.id === id)?.name || 'Deleted user',
  );
  const verb = names.length === 1 && names[0] === 'You' ? 'win' : 'wins';
  const reason = outcome.reason === 'forfeit' ? ' (forfeit)' : '';
  return `${names.join(' and ')} ${verb}${reason}`;
}

/** "Your turn" / "Alice's turn" / "Waiting for an opponent". */
export function turnLine(view: TurnView, viewerId: string | null): string {
  if (view.status === 'waiting') return 'Waiting for an opponent';
  if (view.status === 'finished') return outcomeLine(view, viewerId);
  if (view.turn === viewerId) return 'Your turn';
  const name = view.players.find((p) => p.id === view.turn)?.name || 'Deleted user';
  return `${name}'s turn`;
}

/**
 * The view with each seat's name as the server shows it now: a plugin keeps the name a player had
 * when they sat down, the API says "Deleted user" once the account is gone.
 */
export function withNames<V>(view: V, seats: { player_id: string; name: string; user_id: string | null; is_bot: boolean }[]): V {
  if (!isView(view)) return view;
  const names = new Map(seats.map((s) => [s.player_id, s.user_id || s.is_bot ? s.name : 'Deleted user']));
  return { ...view, players: view.players.map((p) => ({ ...p, name: names.get(p.id) ?? p.name })) };
}

/** "Alice vs Bob" with each name isolated; a seat whose account is gone reads "Deleted user". */
export function versusLine(players: readonly { name: string; user_id?: string | null; is_bot: boolean }[]): LinePart[] {
  return players.flatMap((p, i) => [...(i ? [' vs '] : []), { user: p.user_id || p.is_bot ? p.name : 'Deleted user' }]);
}
