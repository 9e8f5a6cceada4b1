import { describe, expect, it } from 'vitest';

import { buildEmojiData, searchEmoji, withTone } from './data';
import { recentList } from './recent';
import { insertEmoji, shortcodeAt } from './shortcodes';

describe('shortcode autocomplete', () => {
  it('finds the :name before the caret, from two characters on', () => {
    expect(shortcodeAt('hello :sm', 9)).toEqual({ start: 6, query: 'sm' });
    expect(shortcodeAt(':Tada', 5)).toEqual({ start: 0, query: 'tada' });
    expect(shortcodeAt('hello :s', 8)).toBeNull();
    expect(shortcodeAt('a smiley :)', 11)).toBeNull();
    expect(shortcodeAt('http://x:80', 11)).toBeNull();
  });

  it('replaces the token and a closing colon with the emoji and a space', () => {
    expect(insertEmoji('hi :smi there', 3, 7, '😄')).toEqual({ text: 'hi 😄 there', caret: 5 });
    expect(insertEmoji('hi :smile:', 3, 7, '😄')).toEqual({ text: 'hi 😄 ', caret: 6 });
  });
});

describe('emoji data', () => {
  const data = buildEmojiData(
    [
      { unicode: '👋', label: 'waving hand', hexcode: '1F44B', group: 1, order: 2, tags: ['hello'], skins: [{ unicode: '👋🏽', hexcode: '1F44B-1F3FD' }] },
      { unicode: '😄', label: 'grinning face with smiling eyes', hexcode: '1F604', group: 0, order: 1, tags: ['happy'] },
      { unicode: '🏻', label: 'light skin tone', hexcode: '1F3FB', group: 2, order: 0 },
    ],
    { '1F44B': 'wave', '1F604': ['smile', 'happy'] },
  );

  it('keeps the pickable emoji in order, with their shortcodes and tones', () => {
    expect(data.all.map((e) => e.unicode)).toEqual(['😄', '👋']);
    const wave = data.all[1]!;
    expect(wave.shortcodes).toEqual(['wave']);
    expect(withTone(wave, 3)).toBe('👋🏽');
    expect(withTone(wave, 1)).toBe('👋');
  });

  it('ranks a shortcode match before a name or tag match', () => {
    expect(searchEmoji(data.all, 'wa').map((e) => e.unicode)).toEqual(['👋']);
    expect(searchEmoji(data.all, 'happy').map((e) => e.unicode)).toEqual(['😄']);
    expect(searchEmoji(data.all, 'hello').map((e) => e.unicode)).toEqual(['👋']);
    expect(searchEmoji(data.all, '')).toEqual([]);
  });

  it('shows recent picks first, then the defaults, without repeats', () => {
    const list = recentList(['🦄', '👍']);
    expect(list.slice(0, 3)).toEqual(['🦄', '👍', '❤️']);
    expect(list).toHaveLength(16);
  });
});
