// The arithmetic of the message list's scrolling, apart from the DOM so it can be tested.

export interface ScrollMetrics {
  scrollTop: number;
  scrollHeight: number;
  clientHeight: number;
}

/** Close enough to the bottom that new messages should keep the view pinned there. */
export const STICK_THRESHOLD_PX = 80;
/** Start loading the older page this far before reaching the top, so it is usually there in time. */
export const LOAD_OLDER_THRESHOLD_PX = 400;

export function distanceFromBottom(m: ScrollMetrics): number {
  return Math.max(0, m.scrollHeight - m.clientHeight - m.scrollTop);
}

export function isNearBottom(m: ScrollMetrics, threshold = STICK_THRESHOLD_PX): boolean {
  return distanceFromBottom(m) <= threshold;
}

export function shouldLoadOlder(m: ScrollMetrics, threshold = LOAD_OLDER_THRESHOLD_PX): boolean {
  return m.scrollTop <= threshold;
}

/**
 * After older messages were inserted above, the scrollTop that shows the same content as before:
 * everything that was on screen moved down by exactly the height that was added.
 */
export function scrollTopAfterPrepend(before: Pick<ScrollMetrics, 'scrollTop' | 'scrollHeight'>, scrollHeightAfter: number): number {
  return Math.max(0, before.scrollTop + (scrollHeightAfter - before.scrollHeight));
}

/** The bottom-most scrollTop. */
export function bottomScrollTop(m: Pick<ScrollMetrics, 'scrollHeight' | 'clientHeight'>): number {
  return Math.max(0, m.scrollHeight - m.clientHeight);
}

/**
 * Where to scroll to show the unread divider on opening a room: a little below the top of the
 * view (so some context shows above it), unless the rest of the room fits below it anyway.
 */
export function scrollTopForDivider(dividerTop: number, m: Pick<ScrollMetrics, 'scrollHeight' | 'clientHeight'>, context = 48): number {
  return Math.min(bottomScrollTop(m), Math.max(0, dividerTop - context));
}
