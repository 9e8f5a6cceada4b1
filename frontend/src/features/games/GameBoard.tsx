// Picks the board of a game by name. A game without a screen of its own still shows its view, so a
// new plugin is playable over the API and watchable here before anyone draws it a board.
import { ConnectFourBoard } from './ConnectFourBoard';
import { PongCanvas } from './PongCanvas';
import { ReversiBoard } from './ReversiBoard';
import type { ConnectFourView, PongView, ReversiView } from './views';

interface Props {
  game: string;
  view: Record<string, unknown>;
  /** Set when the viewer may move now (turn-based) or steer (real-time). */
  onMove?: (move: Record<string, unknown>) => void;
  /** performance.now() when a real-time view arrived. */
  receivedAt?: number;
  /** The server tick a real-time view is of. */
  tick?: number;
}

export function GameBoard({ game, view, onMove, receivedAt, tick }: Props) {
  switch (game) {
    case 'connect_four':
      return <ConnectFourBoard view={view as unknown as ConnectFourView} onDrop={onMove && ((column) => onMove({ column }))} />;
    case 'reversi':
      return <ReversiBoard view={view as unknown as ReversiView} onPlay={onMove && ((row, col) => onMove({ row, col }))} />;
    case 'pong':
      return (
        <PongCanvas
          view={view as unknown as PongView}
          receivedAt={receivedAt ?? performance.now()}
          tick={tick}
          onDir={onMove && ((dir) => onMove({ dir }))}
        />
      );
    default:
      return <pre className="game-view-json">{JSON.stringify(view, null, 2)}</pre>;
  }
}
