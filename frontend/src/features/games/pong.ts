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
