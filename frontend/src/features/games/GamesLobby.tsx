// The lobby: the games on offer (one primary action, "Play now", explained in a line; opening a room
// for a friend and playing the bot at a level, which defaults to the server's level, beside it), the
// open rooms to join or watch, and links to the leaderboard and one's history.
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';

import { Alert, Badge, Button, Card, Line, Spinner } from '../../components/ui';
import { useCreateRoom, useGameTypes, useJoinRoom, useOpenRooms, usePlayNow } from './api';
import { defaultOptions, OptionsFields } from './OptionsFields';
import type { GameRoom, GameType, RoomSummary } from './types';
import { versusLine } from './views';

export function GamesLobby() {
  const types = useGameTypes();
  const [filter, setFilter] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  return (
    <div className="games">
      <header className="games__head">
        <h1 className="games__title">Games</h1>
        <nav className="games__links" aria-label="Games pages">
          <Link to="/games/leaderboard">Leaderboard</Link>
          <Link to="/games/history">My games</Link>
        </nav>
      </header>
      {error && <Alert tone="error">{error}</Alert>}
      {types.isPending && <Spinner label="Loading games" />}
      {types.isError && <Alert tone="error">{types.error.message}</Alert>}
      <div className="games__types">
        {types.data?.games.map((game) => <GameCard key={game.name} game={game} onError={setError} />)}
      </div>
      <OpenRooms games={types.data?.games ?? []} filter={filter} setFilter={setFilter} onError={setError} />
    </div>
  );
}

function GameCard({ game, onError }: { game: GameType; onError: (message: string) => void }) {
  const navigate = useNavigate();
  const create = useCreateRoom();
  const playNow = usePlayNow();
  const levels = game.bot_levels;
  const [level, setLevel] = useState(game.default_bot_level ?? levels[0] ?? '');
  const [options, setOptions] = useState(() => defaultOptions(game.options_schema));
  const go = (room: GameRoom) => navigate(`/games/rooms/${room.id}`);
  const fail = (e: Error) => onError(e.message);
  return (
    <Card
      className="game-card"
      title={game.title}
      description={game.tick_rate > 0 ? `Real time · ${game.max_players} players` : `Turn-based · ${game.max_players} players`}
      data-testid={`game-card-${game.name}`}
    >
      <OptionsFields schema={game.options_schema} value={options} onChange={setOptions} idPrefix={`options-${game.name}`} />
      <div className="game-card__actions">
        <Button variant="primary" loading={playNow.isPending} onClick={() => playNow.mutate(game.name, { onSuccess: go, onError: fail })}>
          Play now
        </Button>
        <p className="game-card__hint">
          {levels.length > 0
            ? 'Matches you with someone waiting for a game; if nobody comes, a bot takes the other seat.'
            : 'Matches you with someone waiting for a game.'}
        </p>
      </div>
      <div className="game-card__more">
        <Button
          size="sm"
          variant="ghost"
          loading={create.isPending && !create.variables?.vs_bot}
          onClick={() => create.mutate({ game: game.name, options }, { onSuccess: go, onError: fail })}
        >
          Open a room
        </Button>
        {levels.length > 0 && (
          <span className="game-card__bot">
            <Button
              size="sm"
              variant="ghost"
              loading={create.isPending && Boolean(create.variables?.vs_bot)}
              onClick={() =>
                create.mutate({ game: game.name, options, vs_bot: true, bot_level: level }, { onSuccess: go, onError: fail })
              }
            >
              Play the bot
            </Button>
            <select className="games-select" value={level} onChange={(e) => setLevel(e.target.value)} aria-label={`${game.title} bot level`}>
              {levels.map((l) => (
                <option key={l} value={l}>
                  {l}
                </option>
              ))}
            </select>
          </span>
        )}
      </div>
    </Card>
  );
}

function OpenRooms({
  games,
  filter,
  setFilter,
  onError,
}: {
  games: GameType[];
  filter: string | null;
  setFilter: (game: string | null) => void;
  onError: (message: string) => void;
}) {
  const rooms = useOpenRooms(filter);
  const navigate = useNavigate();
  const join = useJoinRoom();
  return (
    <Card
      title="Open rooms"
      actions={
        <select className="games-select" aria-label="Filter by game" value={filter ?? ''} onChange={(e) => setFilter(e.target.value || null)}>
          <option value="">All games</option>
          {games.map((g) => (
            <option key={g.name} value={g.name}>
              {g.title}
            </option>
          ))}
        </select>
      }
    >
      {rooms.isPending && <Spinner label="Loading rooms" />}
      {rooms.data && rooms.data.rooms.length === 0 && <p className="muted">No open rooms right now. Press Play now to be matched with someone (or a bot), or open a room and invite a friend.</p>}
      <ul className="room-rows" data-testid="open-rooms">
        {rooms.data?.rooms.map((room: RoomSummary) => (
          <li key={room.id} className="room-row">
            <span className="room-row__title">{room.title}</span>
            <span className="room-row__players">{room.players.length ? <Line parts={versusLine(room.players)} /> : '—'}</span>
            <Badge>{`${room.players.filter((p) => !p.left).length}/${room.max_players}`}</Badge>
            <span className="room-row__actions">
              <Button
                size="sm"
                variant="primary"
                onClick={() =>
                  join.mutate(room.id, { onSuccess: (r) => navigate(`/games/rooms/${r.id}`), onError: (e) => onError(e.message) })
                }
              >
                Join
              </Button>
              <Link className="btn btn--ghost btn--sm" to={`/games/rooms/${room.id}`}>
                Watch
              </Link>
            </span>
          </li>
        ))}
      </ul>
    </Card>
  );
}
