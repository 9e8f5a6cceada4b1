// The one autocomplete mechanism of the text boxes: `@` mentions and `:shortcode:` emoji are two
// configurations of it. A token is found just before the caret; its choices show in a listbox the text
// box points at (aria-activedescendant) while it keeps the focus. Up/Down move, Enter or Tab inserts,
// Escape closes (until the next token), a click picks.
import { Fragment, useEffect, useId, useState, type KeyboardEvent, type ReactNode, type RefObject } from 'react';

/** The token being completed: where it starts in the text and what has been typed of it. */
export interface Token {
  start: number;
  query: string;
}

export interface CompletionConfig<T> {
  value: string;
  setValue(value: string): void;
  area: RefObject<HTMLTextAreaElement | null>;
  /** The token just before the caret, if any. */
  find(text: string, caret: number): Token | null;
  /** The choices for a token (a hook: called on every render, with null when there is none). */
  useChoices(token: Token | null): T[];
  /** The text with the token replaced by the choice, and where the caret goes. */
  insert(text: string, token: Token, caret: number, choice: T): { text: string; caret: number };
  /** The listbox's accessible name ("People to mention"). */
  label: string;
  className?: string;
  keyOf(choice: T): string;
  /** One option of the listbox (an `<li role="option">` with the given id). */
  renderOption(choice: T, option: { id: string; selected: boolean; onPick(choice: T): void }): ReactNode;
  /** The choice is typed out already: Enter then sends, as it would without the list. */
  complete?(choice: T, token: Token): boolean;
}

export interface Completion {
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

export function useCompletion<T>(config: CompletionConfig<T>): Completion {
  const { value, setValue, area } = config;
  const listId = useId();
  const [caret, setCaret] = useState(0);
  const [active, setActive] = useState(0);
  const [closedAt, setClosedAt] = useState<number | null>(null);

  const token = config.find(value, Math.min(caret, value.length));
  const choices = config.useChoices(token);
  const open = token !== null && choices.length > 0 && closedAt !== token.start;
  const current = Math.min(active, choices.length - 1);

  useEffect(() => setActive(0), [token?.query]);

  function sync() {
    const el = area.current;
    if (el) setCaret(el.selectionStart ?? el.value.length);
  }

  // The caret moves with typing too: read it after each change.
  useEffect(() => {
    sync();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [value]);

  function pick(choice: T) {
    if (!token) return;
    const next = config.insert(value, token, Math.min(caret, value.length), choice);
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
    if (!open || !token || event.nativeEvent.isComposing) return false;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive((current + step + choices.length) % choices.length);
      return true;
    }
    if ((event.key === 'Enter' && !event.shiftKey) || event.key === 'Tab') {
      const choice = choices[current];
      if (choice === undefined) return false;
      if (event.key === 'Enter' && config.complete?.(choice, token)) return false;
      event.preventDefault();
      pick(choice);
      return true;
    }
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      setClosedAt(token.start);
      return true;
    }
    return false;
  }

  const list = open ? (
    <ul id={listId} role="listbox" aria-label={config.label} className={config.className ?? 'mention-list'}>
      {choices.map((choice, i) => (
        <Fragment key={config.keyOf(choice)}>
          {config.renderOption(choice, { id: `${listId}-${i}`, selected: i === current, onPick: pick })}
        </Fragment>
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
      onBlur: () => setClosedAt(token?.start ?? null),
    },
    list,
  };
}

/** Several completions on one text box (their tokens never overlap): the open one answers. */
export function combineCompletions(...all: Completion[]): Completion {
  const open = all.find((c) => c.list !== null);
  return {
    onKeyDown: (event) => all.some((c) => c.onKeyDown(event)),
    inputProps: {
      'aria-autocomplete': 'list',
      'aria-controls': open?.inputProps['aria-controls'],
      'aria-activedescendant': open?.inputProps['aria-activedescendant'],
      onSelect: () => all.forEach((c) => c.inputProps.onSelect()),
      onBlur: () => all.forEach((c) => c.inputProps.onBlur()),
    },
    list: open?.list ?? null,
  };
}
