// The games API's shapes, read off the generated paths (so they follow the schema whatever its
// component names), and the live events of topic `game:{id}` (src/sanctum/domains/games/events.py).
import type * as rt from '../../api/generated/realtime';
import type { paths } from '../../api/generated/schema';

type Ok<Op> = Op extends { responses: { 200: { content: { 'application/json': infer T } } } }
  ? T
  : Op extends { responses: { 201: { content: { 'application/json': infer T } } } }
    ? T
    : never;
type Json<P extends keyof paths, M extends keyof paths[P]> = Ok<paths[P][M]>;

export type GameList = Json<'/api/games', 'get'>;
export type GameType = GameList['games'][number];
export type GameRoom = Json<'/api/games/rooms/{room_id}', 'get'>;
export type GamePlayer = GameRoom['players'][number];
export type RoomPage = Json<'/api/games/rooms', 'get'>;
export type RoomSummary = RoomPage['rooms'][number];
export type HistoryPage = Json<'/api/games/users/{user_id}/history', 'get'>;
export type HistoryEntry = HistoryPage['games'][number];
export type Leaderboard = Json<'/api/games/{game}/leaderboard', 'get'>;
export type Replay = Json<'/api/games/rooms/{room_id}/replay', 'get'>;

/** Data of game.joined / game.left / game.moved / game.ended: the room after the change. */
export interface RoomChange {
  room_id: string;
  version: number;
  status: GameRoom['status'];
  players: GamePlayer[];
  state: Record<string, unknown>;
  outcome: GameRoom['outcome'];
}

/** Data of game.player_away: "waiting for Alice to reconnect" until `deadline` (the realtime contract). */
export type PlayerAway = rt.PlayerAway;

/** Data of game.frame: a real-time room's whole view at one tick (a keyframe). */
export type Frame = Omit<rt.Frame, 'state'> & { state: Record<string, unknown> };

/** Data of game.delta: what changed in the view since tick `base` (frames.ts applies it). */
export type FrameDelta = rt.FrameDelta;
