// Pong drawing helpers: where things are `dt` seconds after a frame (the server ticks 30 times a
// second; the screen draws at its own rate and extrapolates from the last frame in between).
import type { PongView } from './views';

/** Longest extrapolation: past it, wait for the next frame rather than guess further. */
export const MAX_EXTRAPOLATION = 0.1;

export interface PongPositions {
  ball: { x: number; y: number };
  paddles: number[];
}

export function extrapolate(view: PongView, dt: number): PongPositions {
  const t = view.status === 'playing' && view.serve_in <= 0 ? Math.min(Math.max(dt, 0), MAX_EXTRAPOLATION) : 0;
  const { height, ball_radius: r, paddle_height: ph, paddle_speed: speed } = view.field;
  let y = view.ball.y + view.ball.vy * t;
  // Fold off the top and bottom walls, as the server does.
  if (y < r) y = 2 * r - y;
  if (y > height - r) y = 2 * (height - r) - y;
  const half = ph / 2;
  const paddles = view.paddles.map((p) => {
    const moved = p.y + (view.status === 'playing' ? p.dir * speed * Math.min(Math.max(dt, 0), MAX_EXTRAPOLATION) : 0);
    return Math.min(Math.max(moved, half), height - half);
  });
  return { ball: { x: view.ball.x + view.ball.vx * t, y }, paddles };
}

/** A frame as it arrived: the view and performance.now() at its arrival (ms). */
export interface Snapshot {
  view: PongView;
  at: number;
}

/** The screen shows the game this far in the past, so it is between two frames it already has. */
export const INTERPOLATION_DELAY_MS = 50;

/**
 * Where to draw things at `now` (ms): interpolated between the two latest frames, shown
 * INTERPOLATION_DELAY_MS late so there usually are two around that moment; extrapolated from the
 * latest when frames are late; never blended across a point (the ball jumps back to the centre).
 */
export function positionsAt(prev: Snapshot | null, curr: Snapshot, now: number): PongPositions {
  const renderAt = now - INTERPOLATION_DELAY_MS;
  if (prev && curr.at > prev.at && renderAt < curr.at && samePoint(prev.view, curr.view)) {
    const t = Math.min(Math.max((renderAt - prev.at) / (curr.at - prev.at), 0), 1);
    const a = extrapolate(prev.view, 0);
    const b = extrapolate(curr.view, 0);
    return {
      ball: { x: lerp(a.ball.x, b.ball.x, t), y: lerp(a.ball.y, b.ball.y, t) },
      paddles: b.paddles.map((y, i) => lerp(a.paddles[i] ?? y, y, t)),
    };
  }
  return extrapolate(curr.view, (renderAt - curr.at) / 1000);
}

function samePoint(a: PongView, b: PongView): boolean {
  return a.score[0] === b.score[0] && a.score[1] === b.score[1] && b.serve_in <= 0 && a.serve_in <= 0;
}

function lerp(a: number, b: number, t: number): number {
  return a + (b - a) * t;
}
