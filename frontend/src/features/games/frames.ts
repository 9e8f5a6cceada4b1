// Delta frames of a real-time room (the server's engine/frames.py): a `game.frame` carries the whole
// view (a keyframe), a `game.delta` what changed since tick `base`. A change is `[path, value]` (set
// the member or element at `path`) or `[path]` (remove that member); `[]` is the whole view.
// Applied immutably (copying along each changed path), so React sees a new object per frame.

export type Path = (string | number)[];
export type Change = [Path] | [Path, unknown];

type Json = Record<string, unknown> | unknown[];

export function applyDelta<T>(view: T, changes: unknown[][]): T {
  let root: unknown = view;
  for (const change of changes as Change[]) {
    const [path] = change;
    if (path.length === 0) {
      root = change[1];
      continue;
    }
    root = setIn(root as Json, path, 0, change);
  }
  return root as T;
}

function setIn(node: Json, path: Path, at: number, change: Change): Json {
  const key = path[at] as string & number;
  const copy: Json = Array.isArray(node) ? [...node] : { ...node };
  if (at === path.length - 1) {
    if (change.length === 1) delete (copy as Record<string, unknown>)[key];
    else (copy as Record<string, unknown>)[key] = change[1];
  } else {
    (copy as Record<string, unknown>)[key] = setIn((node as Record<string, unknown>)[key] as Json, path, at + 1, change);
  }
  return copy;
}

export interface LiveFrame {
  state: Record<string, unknown>;
  tick: number;
  /** performance.now() when it arrived. */
  at: number;
}

/** The room's view after one more frame; a delta for another tick than ours is skipped (one was missed:
 * the next keyframe puts the view right). */
export function nextFrame(
  current: LiveFrame | null,
  type: 'game.frame' | 'game.delta',
  data: { tick: number; state?: unknown; base?: number; changes?: unknown[][] },
  at: number,
): LiveFrame | null {
  if (type === 'game.frame') return { state: data.state as Record<string, unknown>, tick: data.tick, at };
  if (!current || data.base !== current.tick) return current;
  return { state: applyDelta(current.state, data.changes ?? []), tick: data.tick, at };
}
