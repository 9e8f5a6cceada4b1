// Emoji data from emojibase-data (the Unicode emoji list, English names and tags, GitHub shortcodes),
// fetched as two static files the first time a picker opens or a `:` is typed, never bundled in code.
import { useQuery } from '@tanstack/react-query';
import compactUrl from 'emojibase-data/en/compact.json?url';
import shortcodesUrl from 'emojibase-data/en/shortcodes/github.json?url';

export interface Emoji {
  /** The emoji at the default skin tone. */
  unicode: string;
  label: string;
  group: number;
  tags: string[];
  shortcodes: string[];
  /** Skin tone variants, light to dark (the single-tone ones; '' for a tone it lacks), when it has them. */
  tones: string[];
  /** A sanctum's custom emoji (`unicode` is then its `:name:`): its image's blob: URL, once fetched. */
  image?: string | null;
}

export interface EmojiData {
  all: Emoji[];
  groups: { id: number; label: string }[];
}

interface CompactEmoji {
  unicode: string;
  label: string;
  hexcode: string;
  group?: number;
  order?: number;
  tags?: string[];
  skins?: { unicode: string; hexcode: string }[];
}

const GROUPS: Record<number, string> = {
  0: 'Smileys & emotion',
  1: 'People & body',
  3: 'Animals & nature',
  4: 'Food & drink',
  5: 'Travel & places',
  6: 'Activities',
  7: 'Objects',
  8: 'Symbols',
  9: 'Flags',
};
const TONE_CODES = ['1F3FB', '1F3FC', '1F3FD', '1F3FE', '1F3FF'];
export const SKIN_TONES = ['Default', 'Light', 'Medium-light', 'Medium', 'Medium-dark', 'Dark'] as const;

function singleTones(skins: CompactEmoji['skins']): string[] {
  if (!skins) return [];
  return TONE_CODES.map((tone) => {
    const found = skins.find((s) => s.hexcode.split('-').filter((p) => TONE_CODES.includes(p)).every((p) => p === tone));
    return found?.unicode ?? '';
  });
}

export function buildEmojiData(compact: CompactEmoji[], shortcodes: Record<string, string | string[]>): EmojiData {
  const all = compact
    .filter((e) => e.group !== undefined && e.group in GROUPS)
    .sort((a, b) => (a.order ?? 0) - (b.order ?? 0))
    .map((e) => {
      const codes = shortcodes[e.hexcode];
      return {
        unicode: e.unicode,
        label: e.label,
        group: e.group ?? 0,
        tags: e.tags ?? [],
        shortcodes: codes === undefined ? [] : Array.isArray(codes) ? codes : [codes],
        tones: singleTones(e.skins),
      };
    });
  const groups = Object.entries(GROUPS).map(([id, label]) => ({ id: Number(id), label }));
  return { all, groups };
}

async function loadEmojiData(): Promise<EmojiData> {
  const [compact, shortcodes] = await Promise.all([
    fetch(compactUrl).then((r) => r.json() as Promise<CompactEmoji[]>),
    fetch(shortcodesUrl).then((r) => r.json() as Promise<Record<string, string | string[]>>),
  ]);
  return buildEmojiData(compact, shortcodes);
}

/** The emoji data (null until loaded; `enabled` false: not fetched yet). */
export function useEmojiData(enabled = true): EmojiData | null {
  const query = useQuery({ queryKey: ['emoji-data'], queryFn: loadEmojiData, staleTime: Infinity, gcTime: Infinity, enabled });
  return query.data ?? null;
}

/** The emoji in `tone` (0 is the default, 1-5 light to dark) when it has skin tones. */
export function withTone(emoji: Emoji, tone: number): string {
  return (tone > 0 && emoji.tones[tone - 1]) || emoji.unicode;
}

/** Emoji for a search: a shortcode starting with the query first, then a name word, then a tag. */
export function searchEmoji(all: Emoji[], query: string, limit = 60): Emoji[] {
  const q = query.trim().toLowerCase().replace(/^:|:$/g, '');
  if (!q) return [];
  const ranked: [number, Emoji][] = [];
  for (const emoji of all) {
    let rank = -1;
    if (emoji.shortcodes.some((s) => s === q)) rank = 0;
    else if (emoji.shortcodes.some((s) => s.startsWith(q))) rank = 1;
    else if (emoji.label.toLowerCase().split(/[\s:,-]+/).some((w) => w.startsWith(q))) rank = 2;
    else if (emoji.tags.some((t) => t.startsWith(q)) || emoji.shortcodes.some((s) => s.includes(q))) rank = 3;
    if (rank >= 0) ranked.push([rank, emoji]);
  }
  return ranked
    .sort((a, b) => a[0] - b[0])
    .slice(0, limit)
    .map(([, emoji]) => emoji);
}
