// The emoji picker of reactions and of the composer: search (names, tags, shortcodes), the recent
// picks, the room's sanctum's custom emoji ("This sanctum"), every emoji by category, and a skin tone. A popover: Escape or a click outside closes it;
// the search box has the focus first, Down goes to the emoji, arrows move in a grid.
import { useEffect, useId, useRef, useState, type KeyboardEvent as ReactKeyboardEvent } from 'react';

import { asEmoji, customOf, EmojiGlyph, useCustomEmoji } from './custom';
import { SKIN_TONES, searchEmoji, useEmojiData, withTone, type Emoji } from './data';
import { useRecentEmoji } from './recent';

const COLUMNS = 8;
const HANDS = ['✋', '✋🏻', '✋🏼', '✋🏽', '✋🏾', '✋🏿'];

interface EmojiPickerProps {
  onPick(emoji: string): void;
  onClose(): void;
  /** Which way the popover opens from its anchor (towards the roomier side). */
  placement?: 'up' | 'down';
  /** The dialog's name ("Pick a reaction") and what a recent emoji's button says ("React with"). */
  label?: string;
  verb?: string;
}

export function EmojiPicker({ onPick, onClose, placement = 'down', label = 'Pick a reaction', verb = 'React with' }: EmojiPickerProps) {
  const ref = useRef<HTMLDivElement>(null);
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;
  const data = useEmojiData();
  const { recent: remembered, remember, tone, setTone } = useRecentEmoji();
  const custom = useCustomEmoji();
  // A `:name:` picked in another sanctum means nothing here.
  const recent = remembered.filter((e) => !e.startsWith(':') || customOf(custom, e));
  const own = custom.map(asEmoji);
  const [query, setQuery] = useState('');
  const [group, setGroup] = useState(0);
  const ids = useId();

  useEffect(() => {
    const root = ref.current;
    root?.querySelector<HTMLInputElement>('input')?.focus();
    const onPointer = (event: PointerEvent) => {
      const target = event.target as Element;
      // Its own toggle button closes it on click; do not close (and reopen) it here.
      if (root && !root.contains(target) && !target.closest?.('[data-picker-toggle]')) onCloseRef.current();
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        event.stopPropagation();
        onCloseRef.current();
      }
    };
    document.addEventListener('pointerdown', onPointer);
    document.addEventListener('keydown', onKey, true);
    return () => {
      document.removeEventListener('pointerdown', onPointer);
      document.removeEventListener('keydown', onKey, true);
    };
  }, []);

  function pick(emoji: string) {
    remember(emoji);
    onPick(emoji);
    onCloseRef.current();
  }

  const q = query.trim().toLowerCase().replace(/^:|:$/g, '');
  const results = q ? [...own.filter((e) => e.shortcodes[0]?.includes(q)), ...(data ? searchEmoji(data.all, query) : [])] : null;
  const shown = data ? data.all.filter((e) => e.group === (data.groups[group]?.id ?? 0)) : [];

  return (
    <div ref={ref} className={`emoji-picker emoji-picker--${placement}`} role="dialog" aria-label={label}>
      <div className="emoji-picker__top">
        <input
          type="search"
          className="emoji-picker__search"
          aria-label="Search emoji"
          placeholder="Search emoji"
          value={query}
          maxLength={40}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown') {
              e.preventDefault();
              ref.current?.querySelector<HTMLButtonElement>('.emoji-picker__grid button')?.focus();
            } else if (e.key === 'Enter') {
              e.preventDefault();
              const first = results?.[0];
              if (first) pick(withTone(first, tone));
            }
          }}
        />
        <select className="emoji-picker__tone" aria-label="Skin tone" value={tone} onChange={(e) => setTone(Number(e.target.value))}>
          {SKIN_TONES.map((name, i) => (
            <option key={name} value={i}>
              {HANDS[i]} {name}
            </option>
          ))}
        </select>
      </div>
      {results ? (
        <section aria-labelledby={`${ids}-results`}>
          <h3 id={`${ids}-results`} className="emoji-picker__heading">
            {results.length ? 'Search results' : 'No emoji found'}
          </h3>
          <Grid emoji={results} tone={tone} onPick={pick} />
        </section>
      ) : (
        <>
          <section aria-labelledby={`${ids}-recent`}>
            <h3 id={`${ids}-recent`} className="emoji-picker__heading">
              Recent
            </h3>
            <div className="emoji-picker__grid" onKeyDown={onGridKey}>
              {recent.map((emoji) => (
                <button key={emoji} type="button" className="emoji-picker__emoji" aria-label={`${verb} ${emoji}`} onClick={() => pick(emoji)}>
                  <EmojiGlyph emoji={emoji} />
                </button>
              ))}
            </div>
          </section>
          {own.length > 0 && (
            <section aria-labelledby={`${ids}-custom`}>
              <h3 id={`${ids}-custom`} className="emoji-picker__heading">
                This sanctum
              </h3>
              <Grid emoji={own} tone={tone} onPick={pick} />
            </section>
          )}
          {data && (
            <>
              <div className="emoji-picker__groups" role="group" aria-label="Categories">
                {data.groups.map((g, i) => (
                  <button
                    key={g.id}
                    type="button"
                    className="emoji-picker__group"
                    aria-pressed={i === group}
                    title={g.label}
                    onClick={() => setGroup(i)}
                  >
                    {data.all.find((e) => e.group === g.id)?.unicode}
                    <span className="sr-only">{g.label}</span>
                  </button>
                ))}
              </div>
              <section aria-labelledby={`${ids}-group`}>
                <h3 id={`${ids}-group`} className="emoji-picker__heading">
                  {data.groups[group]?.label}
                </h3>
                <Grid emoji={shown} tone={tone} onPick={pick} scroll />
              </section>
            </>
          )}
        </>
      )}
    </div>
  );
}

function Grid({ emoji, tone, onPick, scroll = false }: { emoji: Emoji[]; tone: number; onPick(emoji: string): void; scroll?: boolean }) {
  return (
    <div className={`emoji-picker__grid${scroll ? ' emoji-picker__grid--scroll' : ''}`} onKeyDown={onGridKey}>
      {emoji.map((e) => {
        const shown = withTone(e, tone);
        return (
          <button
            key={e.unicode}
            type="button"
            className="emoji-picker__emoji"
            aria-label={e.image !== undefined ? e.unicode : e.label}
            title={e.image !== undefined ? e.unicode : e.shortcodes[0] ? `${e.label} :${e.shortcodes[0]}:` : e.label}
            onClick={() => onPick(shown)}
          >
            {e.image ? <img className="custom-emoji custom-emoji--large" src={e.image} alt="" /> : shown}
          </button>
        );
      })}
    </div>
  );
}

function onGridKey(event: ReactKeyboardEvent<HTMLDivElement>) {
  const buttons = Array.from(event.currentTarget.querySelectorAll<HTMLButtonElement>('button'));
  const index = buttons.indexOf(document.activeElement as HTMLButtonElement);
  const moves: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: COLUMNS, ArrowUp: -COLUMNS };
  const move = moves[event.key];
  if (move === undefined || index < 0) return;
  event.preventDefault();
  buttons[Math.min(buttons.length - 1, Math.max(0, index + move))]?.focus();
}
