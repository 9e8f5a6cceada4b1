import { describe, expect, it } from 'vitest';

import { bottomScrollTop, distanceFromBottom, isNearBottom, scrollTopAfterPrepend, scrollTopForDivider, shouldLoadOlder } from './scroll';

describe('scroll position', () => {
  it('keeps the same content on screen when older messages are added above', () => {
    // 2,000 px of content, scrolled to 150; a page of 1,200 px arrives above.
    expect(scrollTopAfterPrepend({ scrollTop: 150, scrollHeight: 2_000 }, 3_200)).toBe(1_350);
    // At the very top (where loading is triggered) the view moves down by exactly the new height.
    expect(scrollTopAfterPrepend({ scrollTop: 0, scrollHeight: 800 }, 1_900)).toBe(1_100);
    // Nothing added: nothing moves.
    expect(scrollTopAfterPrepend({ scrollTop: 420, scrollHeight: 5_000 }, 5_000)).toBe(420);
    expect(scrollTopAfterPrepend({ scrollTop: 0, scrollHeight: 800 }, 700)).toBe(0);
  });

  it('knows the bottom, and when the reader is close enough to it to stay pinned', () => {
    const m = { scrollTop: 1_150, scrollHeight: 2_000, clientHeight: 800 };
    expect(bottomScrollTop(m)).toBe(1_200);
    expect(distanceFromBottom(m)).toBe(50);
    expect(isNearBottom(m)).toBe(true);
    expect(isNearBottom({ ...m, scrollTop: 1_000 })).toBe(false);
    expect(bottomScrollTop({ scrollHeight: 300, clientHeight: 800 })).toBe(0);
    expect(isNearBottom({ scrollTop: 0, scrollHeight: 300, clientHeight: 800 })).toBe(true);
  });

  it('loads older pages before the reader hits the top', () => {
    expect(shouldLoadOlder({ scrollTop: 0, scrollHeight: 5_000, clientHeight: 800 })).toBe(true);
    expect(shouldLoadOlder({ scrollTop: 399, scrollHeight: 5_000, clientHeight: 800 })).toBe(true);
    expect(shouldLoadOlder({ scrollTop: 2_000, scrollHeight: 5_000, clientHeight: 800 })).toBe(false);
  });

  it('opens at the unread divider with some context above it, never past the bottom', () => {
    const m = { scrollHeight: 5_000, clientHeight: 800 };
    expect(scrollTopForDivider(3_000, m)).toBe(2_952);
    expect(scrollTopForDivider(4_900, m)).toBe(4_200);
    expect(scrollTopForDivider(20, m)).toBe(0);
  });
});
