// The Reversi board: 8 x 8 buttons; legal cells carry a hint when it is the viewer's turn.
import type { ReversiView } from './views';

interface Props {
  view: ReversiView;
  onPlay?: (row: number, col: number) => void;
}

export function ReversiBoard({ view, onPlay }: Props) {
  const legal = new Set(onPlay ? view.legal.map(([r, c]) => `${r}:${c}`) : []);
  const flipped = new Set(view.flipped.map(([r, c]) => `${r}:${c}`));
  const last = view.last_move ? `${view.last_move[0]}:${view.last_move[1]}` : null;
  return (
    <div className="reversi" role="grid" aria-label="Reversi board" data-testid="reversi-board">
      {view.board.map((row, r) => (
        <div className="reversi__row" role="row" key={r}>
          {row.map((cell, c) => {
            const key = `${r}:${c}`;
            const canPlay = legal.has(key);
            const disc = cell === null ? null : cell === 0 ? 'black' : 'white';
            return (
              <button
                key={c}
                type="button"
                role="gridcell"
                className={['reversi__cell', canPlay ? 'reversi__cell--legal' : '', key === last ? 'reversi__cell--last' : '']
                  .filter(Boolean)
                  .join(' ')}
                disabled={!canPlay}
                aria-label={`Row ${r + 1}, column ${c + 1}: ${disc ?? (canPlay ? 'play here' : 'empty')}`}
                onClick={() => onPlay?.(r, c)}
              >
                {disc && <span className={`reversi__disc reversi__disc--${disc}${flipped.has(key) ? ' reversi__disc--flip' : ''}`} />}
              </button>
            );
          })}
        </div>
      ))}
    </div>
  );
}
