// The signed-in person's finished games, each with its result and a replay.
import { Link } from 'react-router';

import { Alert, Card, Line, Spinner } from '../../components/ui';
import { formatDate } from '../../lib/format';
import { useMe } from '../auth/useMe';
import { useHistory } from './api';
import type { HistoryEntry } from './types';
import { versusLine } from './views';

export function HistoryPage() {
  const me = useMe();
  const history = useHistory(me.data?.id);
  return (
    <div className="games">
      <header className="games__head">
        <h1 className="games__title">My games</h1>
        <nav className="games__links">
          <Link to="/games">Lobby</Link>
        </nav>
      </header>
      <Card>
        {history.isPending && <Spinner label="Loading your games" />}
        {history.isError && <Alert tone="error">{history.error.message}</Alert>}
        {history.data && history.data.games.length === 0 && <p className="muted">No finished games yet.</p>}
        <ul className="room-rows" data-testid="history">
          {history.data?.games.map((g) => (
            <li key={g.id} className="room-row">
              <span className="room-row__title">{g.title}</span>
              <span className="room-row__players">
                <Line parts={versusLine(g.players)} />
              </span>
              <span className="room-row__result">{result(g, me.data?.id)}</span>
              <span className="muted hide-narrow">{g.finished_at ? formatDate(g.finished_at) : ''}</span>
              <Link className="btn btn--ghost btn--sm" to={`/games/replay/${g.id}`}>
                Replay
              </Link>
            </li>
          ))}
        </ul>
      </Card>
    </div>
  );
}

function result(game: HistoryEntry, userId: string | undefined): string {
  if (!game.outcome) return 'Unfinished';
  if (game.outcome.winners.length === 0) return 'Draw';
  const mine = game.players.find((p) => p.user_id === userId)?.player_id;
  return mine && game.outcome.winners.includes(mine) ? 'Won' : 'Lost';
}
