// Pong on a canvas: draws at the screen's frame rate, interpolating between the server's frames
// (a little in the past; extrapolating when a frame is late).
// Arrow keys / W and S steer; on touch screens two hold buttons do.
import { useEffect, useRef } from 'react';

import { Name } from '../../components/ui';
import { positionsAt, type PongPositions, type Snapshot } from './pong';
import type { PongView } from './views';

interface Props {
  view: PongView;
  /** performance.now() when `view` arrived. */
  receivedAt: number;
  /** Set for a player: the paddle's new direction (-1 up, 0 stop, 1 down). */
  onDir?: (dir: -1 | 0 | 1) => void;
  /** The server tick `view` is of (shown as data-tick, with the ball there as data-ball). */
  tick?: number;
}

const SCALE = 8; // canvas pixels per field unit

export function PongCanvas({ view, receivedAt, onDir, tick }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const frames = useRef<{ prev: Snapshot | null; curr: Snapshot }>({ prev: null, curr: { view, at: receivedAt } });
  if (frames.current.curr.at !== receivedAt) {
    frames.current = { prev: frames.current.curr, curr: { view, at: receivedAt } };
  } else {
    frames.current.curr.view = view; // the same frame re-rendered (names, for instance)
  }

  useEffect(() => {
    let frame = 0;
    const draw = () => {
      const ctx = canvas.current?.getContext('2d');
      const { prev, curr } = frames.current;
      if (ctx) paint(ctx, curr.view, positionsAt(prev, curr, performance.now()));
      frame = requestAnimationFrame(draw);
    };
    frame = requestAnimationFrame(draw);
    return () => cancelAnimationFrame(frame);
  }, []);

  const dirRef = useRef<number>(0);
  useEffect(() => {
    if (!onDir) return undefined;
    const set = (dir: -1 | 0 | 1) => {
      if (dirRef.current !== dir) {
        dirRef.current = dir;
        onDir(dir);
      }
    };
    const keyDir = (key: string): -1 | 1 | null =>
      key === 'ArrowUp' || key === 'w' || key === 'W' ? -1 : key === 'ArrowDown' || key === 's' || key === 'S' ? 1 : null;
    const down = (e: KeyboardEvent) => {
      const dir = keyDir(e.key);
      if (dir !== null) {
        e.preventDefault();
        set(dir);
      }
    };
    const up = (e: KeyboardEvent) => {
      if (keyDir(e.key) === dirRef.current) set(0);
    };
    window.addEventListener('keydown', down);
    window.addEventListener('keyup', up);
    return () => {
      window.removeEventListener('keydown', down);
      window.removeEventListener('keyup', up);
    };
  }, [onDir]);

  const hold = (dir: -1 | 1) => ({
    onPointerDown: () => {
      dirRef.current = dir;
      onDir?.(dir);
    },
    onPointerUp: () => {
      dirRef.current = 0;
      onDir?.(0);
    },
    onPointerLeave: () => {
      if (dirRef.current === dir) {
        dirRef.current = 0;
        onDir?.(0);
      }
    },
  });

  return (
    <div className="pong">
      <div className="pong__score" data-testid="pong-score" aria-live="polite">
        <Name>{view.players[0]?.name ?? 'Left'}</Name> {view.score[0]} : {view.score[1]} <Name>{view.players[1]?.name ?? 'Right'}</Name>
        <span className="pong__target"> · first to {view.points_to_win}</span>
      </div>
      <canvas
        ref={canvas}
        className="pong__canvas"
        width={view.field.width * SCALE}
        height={view.field.height * SCALE}
        aria-label="Pong field"
        role="img"
        data-tick={tick}
        data-ball={`${view.ball.x},${view.ball.y}`}
      />
      {onDir && (
        <div className="pong__controls">
          <button type="button" className="btn btn--secondary btn--md" aria-label="Paddle up" {...hold(-1)}>
            ▲
          </button>
          <span className="pong__hint">Arrow keys or W / S</span>
          <button type="button" className="btn btn--secondary btn--md" aria-label="Paddle down" {...hold(1)}>
            ▼
          </button>
        </div>
      )}
    </div>
  );
}

function paint(ctx: CanvasRenderingContext2D, view: PongView, pos: PongPositions) {
  const { width, height, ball_radius: r, paddle_height: ph, paddle_width: pw, faces } = view.field;
  ctx.save();
  ctx.scale(SCALE, SCALE);
  ctx.fillStyle = '#0e1014';
  ctx.fillRect(0, 0, width, height);
  ctx.strokeStyle = '#2a2f3a';
  ctx.setLineDash([1.5, 1.5]);
  ctx.lineWidth = 0.4;
  ctx.beginPath();
  ctx.moveTo(width / 2, 0);
  ctx.lineTo(width / 2, height);
  ctx.stroke();
  ctx.fillStyle = '#8b7cf6';
  ctx.fillRect(faces[0] - pw, (pos.paddles[0] ?? height / 2) - ph / 2, pw, ph);
  ctx.fillStyle = '#f2b74b';
  ctx.fillRect(faces[1], (pos.paddles[1] ?? height / 2) - ph / 2, pw, ph);
  if (view.status !== 'finished') {
    ctx.fillStyle = '#e8eaf0';
    ctx.beginPath();
    ctx.arc(pos.ball.x, pos.ball.y, r, 0, Math.PI * 2);
    ctx.fill();
  }
  ctx.restore();
}
