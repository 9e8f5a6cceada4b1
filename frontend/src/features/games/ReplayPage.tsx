// A finished game step by step, from its stored moves: a slider, step buttons and autoplay.
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';

import { Alert, Button, Name, Spinner } from '../../components/ui';
import { useReplay } from './api';
import { GameBoard } from './GameBoard';
import { isView, outcomeLine, withNames } from './views';

export function ReplayPage() {
  const { roomId = '' } = useParams();
  const replay = useReplay(roomId);
  const [step, setStep] = useState(0);
  const [playing, setPlaying] = useState(false);
  const count = replay.data?.steps.length ?? 0;

  useEffect(() => {
    if (!playing) return undefined;
    if (step >= count) {
      setPlaying(false);
      return undefined;
    }
    const timer = window.setTimeout(() => setStep((s) => Math.min(s + 1, count)), 700);
    return () => window.clearTimeout(timer);
  }, [playing, step, count]);

  if (replay.isPending) return <div className="center-pad"><Spinner label="Loading the replay" /></div>;
  if (replay.isError) return <Alert tone="error">{replay.error.message}</Alert>;

  const data = replay.data;
  const view = withNames((step === 0 ? data.initial : data.steps[step - 1]?.state) ?? data.initial, data.players);
  const current = step > 0 ? data.steps[step - 1] : null;
  const who = current ? data.players.find((p) => p.player_id === current.player_id)?.name ?? 'Deleted user' : null;
  return (
    <div className="games">
      <header className="games__head">
        <h1 className="games__title">Replay</h1>
        <nav className="games__links">
          <Link to="/games/history">My games</Link>
          <Link to={`/games/rooms/${data.room_id}`}>Room</Link>
        </nav>
      </header>
      {!data.complete && <Alert tone="info">Some moves are missing: a player's account was deleted.</Alert>}
      <p className="game-room__status" data-testid="replay-step">
        Step {step} of {count}
        {current && (
          <>
            {' · '}
            <Name>{who ?? ''}</Name> {current.kind === 'move' ? `played ${JSON.stringify(current.move)}` : current.kind}
          </>
        )}
      </p>
      <div className="game-room__board">
        <GameBoard game={data.game} view={view} />
      </div>
      <div className="replay__controls">
        <Button size="sm" onClick={() => setStep(0)} disabled={step === 0} aria-label="First step">⏮</Button>
        <Button size="sm" onClick={() => setStep((s) => Math.max(0, s - 1))} disabled={step === 0} aria-label="Previous step">◀</Button>
        <input
          className="replay__slider"
          type="range"
          min={0}
          max={count}
          value={step}
          onChange={(e) => setStep(Number(e.target.value))}
          aria-label="Step"
        />
        <Button size="sm" onClick={() => setStep((s) => Math.min(count, s + 1))} disabled={step >= count} aria-label="Next step">▶</Button>
        <Button size="sm" variant="primary" onClick={() => setPlaying((p) => !p)}>{playing ? 'Pause' : 'Play'}</Button>
      </div>
      {step === count && isView(view) && view.outcome && (
        <p className="muted">{outcomeLine(view, null)}</p>
      )}
    </div>
  );
}
