// What the emoji picker remembers in this browser: the emoji picked last (most recent first) and the
// skin tone chosen.
import { useCallback, useState } from 'react';

const RECENT_KEY = 'sanctum.emoji.recent';
const TONE_KEY = 'sanctum.emoji.tone';
const MAX_RECENT = 16;

/** The reactions people reach for most: what "Recent" shows before anything was picked. */
export const DEFAULT_EMOJI = ['👍', '❤️', '😂', '🎉', '😮', '😢', '🙏', '🔥', '👀', '✅', '👏', '🚀', '💯', '🤔', '😍', '👎'];

function read<T>(key: string, fallback: T): T {
  try {
    const raw = window.localStorage.getItem(key);
    return raw === null ? fallback : (JSON.parse(raw) as T);
  } catch {
    return fallback;
  }
}

function write(key: string, value: unknown) {
  try {
    window.localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // storage full or off: the picker just forgets
  }
}

/** Recent picks first, then the defaults, once each, MAX_RECENT in all. */
export function recentList(recent: string[]): string[] {
  return [...new Set([...recent, ...DEFAULT_EMOJI])].slice(0, MAX_RECENT);
}

export function useRecentEmoji() {
  const [recent, setRecent] = useState<string[]>(() => {
    const stored = read<unknown>(RECENT_KEY, []);
    return Array.isArray(stored) ? stored.filter((e): e is string => typeof e === 'string') : [];
  });
  const [tone, setToneState] = useState<number>(() => {
    const stored = read<unknown>(TONE_KEY, 0);
    return typeof stored === 'number' && stored >= 0 && stored <= 5 ? stored : 0;
  });
  const remember = useCallback((emoji: string) => {
    setRecent((current) => {
      const next = [emoji, ...current.filter((e) => e !== emoji)].slice(0, MAX_RECENT);
      write(RECENT_KEY, next);
      return next;
    });
  }, []);
  const setTone = useCallback((value: number) => {
    setToneState(value);
    write(TONE_KEY, value);
  }, []);
  return { recent: recentList(recent), remember, tone, setTone };
}
