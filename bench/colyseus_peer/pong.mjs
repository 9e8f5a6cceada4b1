// Pong's physics and hard bot, ported line for line from src/sanctum/domains/games/plugins/pong.py,
// so the Colyseus peer simulates exactly the work a Sanctum Pong room does each tick.
export const WIDTH = 100, HEIGHT = 60, BALL_RADIUS = 1, PADDLE_HALF = 6;
const FACES = [3, WIDTH - 3], PADDLE_SPEED = 70, SERVE_SPEED = 45, SPEED_UP = 1.06, MAX_SPEED = 110;
const MAX_ANGLE = (55 * Math.PI) / 180, SERVE_ANGLES = [0.3, -0.2, 0.45, -0.4, 0.1, -0.3, 0.2];
const SERVE_DELAY = 1.5, STEP = 1 / 120, MAX_DT = 0.5;

export function serveVelocity(towards, played) {
  const a = SERVE_ANGLES[played % SERVE_ANGLES.length];
  return [(towards === 0 ? -1 : 1) * SERVE_SPEED * Math.cos(a), SERVE_SPEED * Math.sin(a)];
}

export function newGame(pointsToWin) {
  return { pointsToWin, paddles: [HEIGHT / 2, HEIGHT / 2], dirs: [0, 0], ball: [WIDTH / 2, HEIGHT / 2],
    velocity: serveVelocity(0, 0), score: [0, 0], serveIn: SERVE_DELAY, time: 0, hits: 0, over: false };
}

const clamp = (v, lo, hi) => (v < lo ? lo : v > hi ? hi : v);

export function advance(s, dtIn) {
  const dt = Math.min(dtIn, MAX_DT);
  const steps = Math.max(1, Math.ceil(dt / STEP)), h = dt / steps;
  let [y0, y1] = s.paddles, [x, y] = s.ball, [vx, vy] = s.velocity;
  for (let i = 0; i < steps; i++) {
    y0 = clamp(y0 + s.dirs[0] * PADDLE_SPEED * h, PADDLE_HALF, HEIGHT - PADDLE_HALF);
    y1 = clamp(y1 + s.dirs[1] * PADDLE_SPEED * h, PADDLE_HALF, HEIGHT - PADDLE_HALF);
    if (s.serveIn > 0) { s.serveIn = Math.max(0, s.serveIn - h); continue; }
    const px = x;
    x += vx * h; y += vy * h;
    if (y < BALL_RADIUS) { y = 2 * BALL_RADIUS - y; vy = -vy; }
    else if (y > HEIGHT - BALL_RADIUS) { y = 2 * (HEIGHT - BALL_RADIUS) - y; vy = -vy; }
    for (const [seat, py] of [[0, y0], [1, y1]]) {
      const sign = seat === 0 ? 1 : -1, edge = FACES[seat] + sign * BALL_RADIUS;
      const crossed = seat === 0 ? px >= edge && edge > x : px <= edge && edge < x;
      const reach = PADDLE_HALF + BALL_RADIUS;
      if (crossed && Math.abs(y - py) <= reach) {
        s.hits += 1;
        const speed = Math.min(Math.hypot(vx, vy) * SPEED_UP, MAX_SPEED), angle = ((y - py) / reach) * MAX_ANGLE;
        x = 2 * edge - x; vx = sign * speed * Math.cos(angle); vy = speed * Math.sin(angle);
      }
    }
    if (x < 0 || x > WIDTH) {
      const scorer = x < 0 ? 1 : 0;
      s.score[scorer] += 1;
      if (s.score[scorer] >= s.pointsToWin) { s.over = true; break; }
      x = WIDTH / 2; y = HEIGHT / 2; [vx, vy] = serveVelocity(1 - scorer, s.score[0] + s.score[1]);
      s.serveIn = SERVE_DELAY; s.hits = 0;
    }
  }
  s.paddles = [y0, y1]; s.ball = [x, y]; s.velocity = [vx, vy]; s.time += dt;
}

export function hardBotDir(s, seat) {
  const [x, y] = s.ball, [vx, vy] = s.velocity;
  const coming = seat === 0 ? vx < 0 : vx > 0;
  let target = HEIGHT / 2;
  if (s.serveIn <= 0 && coming) {
    const span = HEIGHT - 2 * BALL_RADIUS, travel = vx ? Math.abs((FACES[seat] - x) / vx) * vy : 0;
    const folded = (((y - BALL_RADIUS + travel) % (2 * span)) + 2 * span) % (2 * span);
    target = BALL_RADIUS + (folded <= span ? folded : 2 * span - folded);
  }
  if (target < s.paddles[seat] - 1.5) return -1;
  if (target > s.paddles[seat] + 1.5) return 1;
  return 0;
}
