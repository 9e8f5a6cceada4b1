// One room: the board, the players, whose turn it is, the reconnection countdown, the result,
// rematch, invite and leave. Players and spectators share the screen; only players get controls.
import { useState } from 'react';
import { useViewedSubject } from '../notifications/api';
import { Link, useNavigate, useParams } from 'react-router';

import { api, unwrap } from '../../api/client';
import { ApiError } from '../../api/errors';
import { Alert, Badge, Button, Card, Input, Name, Spinner } from '../../components/ui';
import { useGameRoom, useInvite, useJoinRoom, useLeaveRoom, useMove, useRematch } from './api';
import { GameBoard } from './GameBoard';
import { useCountdown, useLiveRoom, useSocketMove, type Away } from './hooks';
import type { GameRoom } from './types';
import { isView, outcomeLine, turnLine, withNames, type TurnView } from './views';

export function GameRoomPage() {
  const { roomId = '' } = useParams();
  return <RoomScreen key={roomId} roomId={roomId} />;
}

const STATUS_TONE = { waiting: 'warning', active: 'success', finished: 'neutral', abandoned: 'danger' } as const;

function RoomScreen({ roomId }: { roomId: string }) {
  const query = useGameRoom(roomId);
  const room = query.data;
  useViewedSubject(room ? `game:${roomId}` : null);
  const live = useLiveRoom(roomId, room);

  if (query.isPending) return <div className="center-pad"><Spinner label="Loading game" /></div>;
  if (query.isError) {
    const missing = query.error instanceof ApiError && (query.error.status === 404 || query.error.status === 422);
    return (
      <Alert tone="error">
        {missing ? 'There is no such game.' : query.error.message} <Link to="/games">Back to the lobby</Link>
      </Alert>
    );
  }
  return <Room room={query.data} live={live} />;
}

function Room({ room, live }: { room: GameRoom; live: ReturnType<typeof useLiveRoom> }) {
  const navigate = useNavigate();
  const move = useMove(room.id);
  const sendOverSocket = useSocketMove(room.topic);
  const join = useJoinRoom();
  const leave = useLeaveRoom();
  const rematch = useRematch();
  const [error, setError] = useState<string | null>(null);

  const me = room.my_player_id;
  const seated = room.players.some((p) => p.player_id === me && !p.left);
  const realtime = room.tick_rate > 0;
  // A real-time room's frames are newer than the room's last persisted state.
  const view = withNames((realtime && live.frame ? live.frame.state : room.state) as Record<string, unknown>, room.players);
  const turnBased = !realtime && isView(view);
  const running = room.status === 'active';
  const myTurn = running && seated && (turnBased ? (view as unknown as TurnView).turn === me : true);
  const freeSeat = room.status === 'waiting' && !seated && room.players.filter((p) => !p.left).length < maxSeats(view);

  const onMove = (m: Record<string, unknown>) => {
    setError(null);
    if (realtime && sendOverSocket(m)) return; // steering wants the socket's latency; errors are rare
    move.mutate({ move: m, version: realtime ? undefined : room.version }, { onError: (e) => setError(e.message) });
  };

  const status = isView(view)
    ? turnBased
      ? turnLine(view as unknown as TurnView, me)
      : view.status === 'finished'
        ? outcomeLine(view, me)
        : view.status === 'waiting'
          ? 'Waiting for an opponent'
          : 'Playing'
    : room.status;

  return (
    <div className={`game-room game-room--${room.game}`}>
      <header className="game-room__head">
        <div>
          <Link to="/games" className="game-room__back">← Lobby</Link>
          <h1 className="game-room__title">{room.title}</h1>
        </div>
        <div className="game-room__badges">
          <Badge tone={STATUS_TONE[room.status]}>{room.status}</Badge>
          {!seated && <Badge tone="accent">Spectating</Badge>}
        </div>
      </header>

      <ul className="game-room__players" aria-label="Players">
        {room.players.map((p) => (
          <li key={p.seat} className={`game-player game-player--seat${p.seat}`} data-testid={`seat-${p.seat}`}>
            <span className="game-player__dot" aria-hidden="true" />
            <span className="game-player__name">
              <Name>{p.user_id || p.is_bot ? p.name : 'Deleted user'}</Name>
            </span>
            {p.player_id === me && <Badge tone="accent">You</Badge>}
            {p.is_bot && <Badge>bot{p.bot_level ? ` · ${p.bot_level}` : ''}</Badge>}
            {p.left && <Badge tone="danger">left</Badge>}
          </li>
        ))}
      </ul>

      <p className={`game-room__status${myTurn && turnBased ? ' game-room__status--mine' : ''}`} data-testid="game-status" aria-live="polite">
        {status}
      </p>

      {Object.entries(live.away).map(([id, away]) => (
        <AwayBanner key={id} away={away} />
      ))}

      {error && <Alert tone="error">{error}</Alert>}

      <div className="game-room__board">
        <GameBoard game={room.game} view={view} onMove={myTurn ? onMove : undefined} receivedAt={live.frame?.at} tick={live.frame?.tick} />
      </div>

      <div className="game-room__actions">
        {freeSeat && (
          <Button variant="primary" loading={join.isPending} onClick={() => join.mutate(room.id, { onError: (e) => setError(e.message) })}>
            Take the free seat
          </Button>
        )}
        {seated && (room.status === 'active' || room.status === 'waiting') && (
          <Button
            variant="danger"
            loading={leave.isPending}
            onClick={() => leave.mutate(room.id, { onError: (e) => setError(e.message) })}
          >
            {room.status === 'active' ? 'Resign' : 'Leave'}
          </Button>
        )}
        {seated && room.status === 'finished' && (
          <Button
            variant="primary"
            loading={rematch.isPending}
            onClick={() =>
              rematch.mutate(room.id, {
                onSuccess: (next) => navigate(`/games/rooms/${next.id}`),
                onError: (e) => setError(e.message),
              })
            }
          >
            {live.rematchRoomId ? 'Accept the rematch' : 'Rematch'}
          </Button>
        )}
        {room.status === 'finished' && (
          <Link className="btn btn--secondary btn--md" to={`/games/replay/${room.id}`}>
            Replay
          </Link>
        )}
      </div>

      {seated && room.status === 'waiting' && <InviteCard roomId={room.id} />}
    </div>
  );
}

function maxSeats(view: Record<string, unknown>): number {
  // Every built-in game seats two; a room summary carries max_players for the lobby.
  return isView(view) ? Math.max(2, view.players.length) : 2;
}

function AwayBanner({ away }: { away: Away }) {
  const seconds = useCountdown(away.deadline);
  return (
    <Alert tone="info">
      <span data-testid="away-countdown">
        Waiting for <Name>{away.name}</Name> to reconnect: {seconds} s
      </span>
    </Alert>
  );
}

function InviteCard({ roomId }: { roomId: string }) {
  const invite = useInvite(roomId);
  const [username, setUsername] = useState('');
  const [message, setMessage] = useState<{ tone: 'success' | 'error'; text: string } | null>(null);
  const submit = async () => {
    setMessage(null);
    try {
      const name = username.trim().replace(/^@/, '');
      const user = await unwrap(api.client.GET('/api/users/{username}', { params: { path: { username: name } } }));
      await invite.mutateAsync(user.id);
      setMessage({ tone: 'success', text: `Invited @${user.username}.` });
      setUsername('');
    } catch (e) {
      setMessage({ tone: 'error', text: e instanceof ApiError && e.status === 404 ? 'No such user.' : (e as Error).message });
    }
  };
  return (
    <Card title="Invite a friend" description="They are told live, and can also open this page's link.">
      <form
        className="game-invite"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Input aria-label="Username" placeholder="@username" value={username} onChange={(e) => setUsername(e.target.value)} />
        <Button type="submit" loading={invite.isPending} disabled={!username.trim()}>
          Invite
        </Button>
      </form>
      {message && <Alert tone={message.tone}>{message.text}</Alert>}
    </Card>
  );
}
