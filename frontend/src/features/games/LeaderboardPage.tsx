// The best ratings of one game.
import { Link, useSearchParams } from 'react-router';

import { Alert, Avatar, Card, Name, Spinner } from '../../components/ui';
import { useGameTypes, useLeaderboard } from './api';

export function LeaderboardPage() {
  const types = useGameTypes();
  const [params, setParams] = useSearchParams();
  const game = params.get('game') || types.data?.games[0]?.name || '';
  const board = useLeaderboard(game);
  return (
    <div className="games">
      <header className="games__head">
        <h1 className="games__title">Leaderboard</h1>
        <nav className="games__links">
          <Link to="/games">Lobby</Link>
        </nav>
      </header>
      <Card
        actions={
          <select className="games-select" aria-label="Game" value={game} onChange={(e) => setParams({ game: e.target.value })}>
            {types.data?.games.map((g) => (
              <option key={g.name} value={g.name}>
                {g.title}
              </option>
            ))}
          </select>
        }
        title="Ratings"
      >
        {board.isPending && game && <Spinner label="Loading the leaderboard" />}
        {board.isError && <Alert tone="error">{board.error.message}</Alert>}
        {board.data && board.data.entries.length === 0 && <p className="muted">No rated games yet.</p>}
        {board.data && board.data.entries.length > 0 && (
          <table className="games-table" data-testid="leaderboard">
            <thead>
              <tr>
                <th>#</th>
                <th>Player</th>
                <th>Rating</th>
                <th className="hide-narrow">W / L / D</th>
              </tr>
            </thead>
            <tbody>
              {board.data.entries.map((e) => (
                <tr key={e.user.id}>
                  <td>{e.rank}</td>
                  <td>
                    <Link to={`/u/${e.user.username}`} className="games-table__user">
                      <Avatar name={e.user.display_name || e.user.username} src={e.user.avatar_url} size="sm" />
                      <Name>{e.user.display_name || e.user.username}</Name>
                    </Link>
                  </td>
                  <td>{e.rating}</td>
                  <td className="hide-narrow">
                    {e.wins} / {e.losses} / {e.draws}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </div>
  );
}
