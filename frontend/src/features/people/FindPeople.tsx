import { useEffect, useState, type ReactNode } from 'react';

import { Input, Spinner } from '../../components/ui';
import { searchTerm, useUserSearch, type PublicUser } from './api';
import { PersonRow } from './PersonRow';

interface FindPeopleProps {
  label: string;
  /** What each found person's row offers (a friend button, an invite). */
  action(person: PublicUser): ReactNode;
  exclude?: string[];
}

/** A search box for people by name and the matches as rows, each with its action. */
export function FindPeople({ label, action, exclude = [] }: FindPeopleProps) {
  const [text, setText] = useState('');
  const [query, setQuery] = useState('');
  useEffect(() => {
    const timer = window.setTimeout(() => setQuery(text), 150);
    return () => window.clearTimeout(timer);
  }, [text]);
  const search = useUserSearch(query, 10);
  const term = searchTerm(query);
  const found = term ? (search.data ?? []).filter((p) => !exclude.includes(p.id)) : [];
  return (
    <div className="stack">
      <Input type="search" aria-label={label} placeholder="Start of a name or @username" value={text} maxLength={64} onChange={(e) => setText(e.target.value)} />
      {search.isFetching && <Spinner label="Searching" />}
      {term && search.isSuccess && found.length === 0 && !search.isFetching && <p className="muted">Nobody found whose name starts with “{term}”.</p>}
      {found.length > 0 && (
        <ul className="people-list" aria-label="People found">
          {found.map((person) => (
            <PersonRow key={person.id} user={person} testId="found-person">
              {action(person)}
            </PersonRow>
          ))}
        </ul>
      )}
    </div>
  );
}
