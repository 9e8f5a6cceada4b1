// The Connect Four board: seven drop buttons over a 6 x 7 grid; the last disc falls into place.
import type { CSSProperties } from 'react';

import type { ConnectFourView } from './views';

interface Props {
  view: ConnectFourView;
  /** Set when the viewer may move now. */
  onDrop?: (column: number) => void;
}

const DISC = ['c4__disc--red', 'c4__disc--yellow'];

export function ConnectFourBoard({ view, onDrop }: Props) {
  const winning = new Set(view.winning_cells.map(([r, c]) => `${r}:${c}`));
  const playable = new Set(view.playable);
  const last = view.last_move;
  const columns = view.board[0]?.length ?? 7;
  return (
    <div className="c4" data-testid="c4-board" data-moves={view.moves.length}>
      <div className="c4__drops" role="group" aria-label="Columns">
        {Array.from({ length: columns }, (_, c) => (
          <button
            key={c}
            type="button"
            className="c4__drop"
            aria-label={`Drop in column ${c + 1}`}
            disabled={!onDrop || !playable.has(c)}
            onClick={() => onDrop?.(c)}
          >
            <span aria-hidden="true">▼</span>
          </button>
        ))}
      </div>
      <div className="c4__grid" role="grid" aria-label="Connect Four board">
        {view.board.map((row, r) => (
          <div className="c4__row" role="row" key={r}>
            {row.map((cell, c) => {
              const isLast = last !== null && last.row === r && last.column === c;
              const classes = ['c4__disc'];
              if (cell !== null) classes.push(DISC[cell] ?? '');
              if (isLast) classes.push('c4__disc--drop');
              if (winning.has(`${r}:${c}`)) classes.push('c4__disc--win');
              const style = isLast ? ({ '--drop-rows': r + 1 } as CSSProperties) : undefined;
              return (
                <div className="c4__cell" role="gridcell" key={c} data-cell={cell ?? ''} aria-label={cellLabel(r, c, cell, view)}>
                  {cell !== null && <span key={isLast ? view.moves.length : undefined} className={classes.join(' ')} style={style} />}
                </div>
              );
            })}
          </div>
        ))}
      </div>
    </div>
  );
}

function cellLabel(row: number, column: number, cell: number | null, view: ConnectFourView): string {
  const owner = cell === null ? 'empty' : view.players[cell]?.name || (cell === 0 ? 'red' : 'yellow');
  return `Row ${row + 1}, column ${column + 1}: ${owner}`;
}
