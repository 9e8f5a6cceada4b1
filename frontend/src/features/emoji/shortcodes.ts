// Pure helpers of the `:shortcode:` autocomplete: which `:name` the caret is in, and the text after a pick.
import type { Token } from '../../lib/useCompletion';

/** The `:name` being typed just before the caret (two characters at least, so `:)` stays a smiley). */
export function shortcodeAt(text: string, caret: number): Token | null {
  const before = text.slice(0, caret);
  const match = /(?:^|[\s([{])(:([a-z0-9_+-]{2,32}))$/i.exec(before);
  if (!match) return null;
  const query = match[2] ?? '';
  return { start: caret - query.length - 1, query: query.toLowerCase() };
}

/** `text` with the `:query` at `start` (and a closing `:` after the caret, if any) replaced by the emoji. */
export function insertEmoji(text: string, start: number, caret: number, emoji: string): { text: string; caret: number } {
  const rest = text.slice(caret).replace(/^[a-z0-9_+-]*:?/i, '');
  const inserted = `${emoji}${rest.startsWith(' ') ? '' : ' '}`;
  return { text: text.slice(0, start) + inserted + rest, caret: start + inserted.length };
}
