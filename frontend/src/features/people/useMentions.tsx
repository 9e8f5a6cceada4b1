// The `@` autocomplete of every composer (chat, thread, post, comment): room members first, then
// anyone the people search finds; inserts `@username `. One configuration of lib/useCompletion.
import { useEffect, useState, type RefObject } from 'react';

import { useCompletion, type Completion, type Token } from '../../lib/useCompletion';
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

export type Mentions = Completion;

export function useMentions({ value, setValue, area, roomId }: Options): Mentions {
  return useCompletion<PublicUser>({
    value,
    setValue,
    area,
    find: mentionAt,
    useChoices: (at) => useMentionChoices(at, roomId),
    insert: (text, at, caret, person) => insertMention(text, at.start, caret, person.username),
    label: 'People to mention',
    keyOf: (person) => person.id,
    renderOption: (person, { id, selected, onPick }) => (
      <PersonOption id={id} person={person} selected={selected} onPick={onPick} live={false} />
    ),
    complete: (person, at) => person.username.toLowerCase() === at.query.toLowerCase(),
  });
}

function useMentionChoices(at: Token | null, roomId: string | undefined): PublicUser[] {
  const me = useMe().data;
  const [query, setQuery] = useState('');
  useEffect(() => {
    const timer = window.setTimeout(() => setQuery(at?.query ?? ''), 120);
    return () => window.clearTimeout(timer);
  }, [at?.query]);
  const search = useUserSearch(at ? query : '', 8);
  const [wanted, setWanted] = useState(false);
  if (at && roomId && !wanted) setWanted(true);
  const roomMembers = useMembers(roomId ?? '', wanted && Boolean(roomId));
  const members = (roomMembers.data ?? []).map((m) => m.user);
  return at ? mentionChoices(at.query, members, at.query === query ? (search.data ?? []) : [], me?.id ?? '') : [];
}
