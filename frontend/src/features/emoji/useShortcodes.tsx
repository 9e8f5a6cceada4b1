// The `:shortcode:` autocomplete of the composer: `:ta` offers 🎉 :tada: and its kin; Enter or Tab
// inserts the emoji (in the chosen skin tone). One configuration of lib/useCompletion, like `@` mentions.
import type { RefObject } from 'react';

import { useCompletion, type Completion, type Token } from '../../lib/useCompletion';
import { asEmoji, useCustomEmoji } from './custom';
import { searchEmoji, useEmojiData, withTone, type Emoji } from './data';
import { useRecentEmoji } from './recent';
import { insertEmoji, shortcodeAt } from './shortcodes';

interface Options {
  value: string;
  setValue(value: string): void;
  area: RefObject<HTMLTextAreaElement | null>;
}

export function useShortcodes({ value, setValue, area }: Options): Completion {
  const { tone, remember } = useRecentEmoji();
  return useCompletion<Emoji>({
    value,
    setValue,
    area,
    find: shortcodeAt,
    useChoices: useShortcodeChoices,
    insert: (text, at, caret, emoji) => {
      const shown = withTone(emoji, tone);
      remember(shown);
      return insertEmoji(text, at.start, caret, shown);
    },
    label: 'Emoji',
    className: 'mention-list emoji-list',
    keyOf: (emoji) => emoji.unicode,
    renderOption: (emoji, { id, selected, onPick }) => (
      <li
        id={id}
        role="option"
        aria-selected={selected}
        className={selected ? 'person-row person-row--active' : 'person-row'}
        onMouseDown={(e) => e.preventDefault()}
        onClick={() => onPick(emoji)}
      >
        <span className="emoji-list__emoji" aria-hidden="true">
          {emoji.image ? <img className="custom-emoji" src={emoji.image} alt="" /> : withTone(emoji, tone)}
        </span>
        <span className="person-row__names">
          <span className="person-row__name">:{emoji.shortcodes[0] ?? emoji.label}:</span>
          <span className="person-row__username">{emoji.label}</span>
        </span>
      </li>
    ),
  });
}

function useShortcodeChoices(at: Token | null): Emoji[] {
  // Loaded the first time a `:name` is typed.
  const data = useEmojiData(at !== null);
  const custom = useCustomEmoji();
  if (!at) return [];
  const own = custom.filter((e) => e.name.includes(at.query)).map(asEmoji);
  const found = data ? searchEmoji(data.all, at.query, 8).filter((e) => e.shortcodes.length > 0) : [];
  return [...own.slice(0, 4), ...found].slice(0, 8);
}
