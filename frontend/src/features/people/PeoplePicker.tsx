import { useEffect, useId, useState, type KeyboardEvent } from 'react';

import { Icon, Name, Spinner } from '../../components/ui';
import { searchTerm, useUserSearch, type PublicUser } from './api';
import { PersonOption } from './PersonOption';

interface PeoplePickerProps {
  label: string;
  /** People already chosen (shown as chips, left out of the results). */
  chosen: PublicUser[];
  onChange(people: PublicUser[]): void;
  /** Left out of the results too (the person picking). */
  exclude?: string[];
  max?: number;
  autoFocus?: boolean;
  /** What the box says once `max` people are chosen. */
  fullText?: string;
}

/** Wait this long after the last keystroke before asking the server. */
const DEBOUNCE_MS = 150;

/**
 * A combobox of people: type the start of a name, pick with the arrow keys and Enter (or a click);
 * Backspace in an empty box takes back the last chip.
 */
export function PeoplePicker({
  label,
  chosen,
  onChange,
  exclude = [],
  max = 19,
  autoFocus,
  fullText = 'That is everyone a group can hold',
}: PeoplePickerProps) {
  const [text, setText] = useState('');
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const listId = useId();
  const inputId = useId();

  useEffect(() => {
    const timer = window.setTimeout(() => setQuery(text), DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [text]);

  const search = useUserSearch(query);
  const skip = new Set([...exclude, ...chosen.map((p) => p.id)]);
  const results = searchTerm(query) ? (search.data ?? []).filter((p) => !skip.has(p.id)) : [];
  const full = chosen.length >= max;

  function pick(person: PublicUser) {
    if (full) return;
    onChange([...chosen, person]);
    setText('');
    setQuery('');
    setActive(0);
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'ArrowDown' && results.length) {
      event.preventDefault();
      setActive((i) => (i + 1) % results.length);
    } else if (event.key === 'ArrowUp' && results.length) {
      event.preventDefault();
      setActive((i) => (i - 1 + results.length) % results.length);
    } else if (event.key === 'Enter' && results.length) {
      event.preventDefault();
      const person = results[Math.min(active, results.length - 1)];
      if (person) pick(person);
    } else if (event.key === 'Backspace' && !text && chosen.length) {
      onChange(chosen.slice(0, -1));
    }
  }

  const open = results.length > 0;
  return (
    <div className="people-picker">
      <label className="field__label" htmlFor={inputId}>
        {label}
      </label>
      <div className="people-picker__box">
        {chosen.map((person) => (
          <span key={person.id} className="people-picker__chip" data-testid="picked-person">
            <Name>{person.display_name || person.username}</Name>
            <button
              type="button"
              className="people-picker__remove"
              aria-label={`Remove ${person.display_name || person.username}`}
              title="Remove"
              onClick={() => onChange(chosen.filter((p) => p.id !== person.id))}
            >
              <Icon name="close" size={14} />
            </button>
          </span>
        ))}
        <input
          id={inputId}
          className="people-picker__input"
          role="combobox"
          aria-expanded={open}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={open ? `${listId}-${Math.min(active, results.length - 1)}` : undefined}
          autoComplete="off"
          autoFocus={autoFocus}
          placeholder={full ? fullText : 'Type a name'}
          disabled={full}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setActive(0);
          }}
          onKeyDown={onKeyDown}
        />
        {search.isFetching && <Spinner label="Searching" />}
      </div>
      <ul id={listId} role="listbox" aria-label="People found" className="people-picker__results" hidden={!open}>
        {results.map((person, i) => (
          <PersonOption
            key={person.id}
            id={`${listId}-${i}`}
            person={person}
            selected={i === active}
            onPick={pick}
          />
        ))}
      </ul>
      {searchTerm(query) && search.isSuccess && results.length === 0 && !search.isFetching && (
        <p className="field__hint">Nobody found whose name starts with “{searchTerm(query)}”.</p>
      )}
    </div>
  );
}
