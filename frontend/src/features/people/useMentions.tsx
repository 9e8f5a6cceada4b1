// The `@` autocomplete of every composer (chat, thread, post, comment): room members first, then
// anyone the people search finds. Up/Down move, Enter or Tab inserts `@username `, Escape closes.
// The text box keeps the focus; the list is a listbox it points at (aria-activedescendant).
import { useEffect, useId, useState, type KeyboardEvent, type ReactNode, type RefObject } from 'react';

import { useMe } from '../auth/useMe';
import { useMembers } from '../chat/api';
import { useUserSearch, type PublicUser } from './api';
import { insertMention, mentionAt, mentionChoices } from './mentions';
import { PersonOption } from './PersonOption';

interface Options {
  value: string;
  setValue(value: string): void;
  area: RefObject<HTMLTextAreaElement | null>;
  /** The room whose members are offered first (fetched once the first `@` is typed). */
  roomId?: string;
}

export interface Mentions {
  /** Call first in the text box's onKeyDown: true when the key was the autocomplete's. */
  onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>): boolean;
  /** Spread on the text box. */
  inputProps: {
    'aria-autocomplete': 'list';
    'aria-controls': string | undefined;
    'aria-activedescendant': string | undefined;
    onSelect(): void;
    onBlur(): void;
  };
  /** The listbox, to render next to the text box (nothing when closed). */
  list: ReactNode;
}

export function useMentions({ value, setValue, area, roomId }: Options): Mentions {
  const me = useMe().data;
  const listId = useId();
  const [caret, setCaret] = useState(0);
  const [active, setActive] = useState(0);
  const [closedAt, setClosedAt] = useState<number | null>(null);
  const [query, setQuery] = useState('');

  const at = mentionAt(value, Math.min(caret, value.length));
  useEffect(() => {
    const timer = window.setTimeout(() => setQuery(at?.query ?? ''), 120);
    return () => window.clearTimeout(timer);
  }, [at?.query]);
  const search = useUserSearch(at ? query : '', 8);
  const [wanted, setWanted] = useState(false);
  if (at && roomId && !wanted) setWanted(true);
  const roomMembers = useMembers(roomId ?? '', wanted && Boolean(roomId));
  const members = (roomMembers.data ?? []).map((m) => m.user);
  const choices = at ? mentionChoices(at.query, members, at.query === query ? (search.data ?? []) : [], me?.id ?? '') : [];
  const open = at !== null && choices.length > 0 && closedAt !== at.start;
  const current = Math.min(active, choices.length - 1);

  useEffect(() => setActive(0), [at?.query]);

  function sync() {
    const el = area.current;
    if (el) setCaret(el.selectionStart ?? el.value.length);
  }

  // The caret moves with typing too: read it after each change.
  useEffect(() => {
    sync();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [value]);

  function pick(person: PublicUser) {
    if (!at) return;
    const next = insertMention(value, at.start, Math.min(caret, value.length), person.username);
    setValue(next.text);
    setCaret(next.caret);
    window.requestAnimationFrame(() => {
      const el = area.current;
      if (!el) return;
      el.focus();
      el.setSelectionRange(next.caret, next.caret);
    });
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>): boolean {
    if (!open || !at || event.nativeEvent.isComposing) return false;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive((current + step + choices.length) % choices.length);
      return true;
    }
    if ((event.key === 'Enter' && !event.shiftKey) || event.key === 'Tab') {
      const person = choices[current];
      if (!person) return false;
      // The whole name is typed already: Enter sends, as it would without the list.
      if (event.key === 'Enter' && person.username.toLowerCase() === at.query.toLowerCase()) return false;
      event.preventDefault();
      pick(person);
      return true;
    }
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      setClosedAt(at.start);
      return true;
    }
    return false;
  }

  const list = open ? (
    <ul id={listId} role="listbox" aria-label="People to mention" className="mention-list">
      {choices.map((person, i) => (
        <PersonOption
          key={person.id}
          id={`${listId}-${i}`}
          person={person}
          selected={i === current}
          onPick={pick}
          live={false}
        />
      ))}
    </ul>
  ) : null;

  return {
    onKeyDown,
    inputProps: {
      'aria-autocomplete': 'list',
      'aria-controls': open ? listId : undefined,
      'aria-activedescendant': open ? `${listId}-${current}` : undefined,
      onSelect: sync,
      onBlur: () => setClosedAt(at?.start ?? null),
    },
    list,
  };
}
