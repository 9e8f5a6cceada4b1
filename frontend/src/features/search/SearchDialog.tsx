// Site search: a dialog opened from the top bar or with Ctrl/Cmd-K, results grouped by kind.
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import { Link } from 'react-router';

import { api, unwrap } from '../../api/client';
import { ApiError } from '../../api/errors';
import type { components } from '../../api/generated/schema';
import { Icon, Spinner } from '../../components/ui';
import { formatDateTime } from '../../lib/format';
import { Dialog } from '../chat/Dialog';

type Results = components['schemas']['SearchResults'];
type Segment = components['schemas']['Segment'];

/** Whether the text has a word the server can search for (letters or digits outside filters). */
export function hasWord(q: string): boolean {
  return q.split(/\s+/).some((token) => !/^(from|in|before|after|has):/i.test(token) && /[\p{L}\p{N}]/u.test(token));
}

function search(q: string): Promise<Results> {
  return unwrap(api.client.GET('/api/search', { params: { query: { q, limit: 5 } } }));
}

/** A snippet as text, the matched words in <mark>: the server sends text pieces, never HTML. */
export function Snippet({ segments }: { segments: Segment[] }) {
  return (
    <>
      {segments.map((s, i) => (s.match ? <mark key={i}>{s.text}</mark> : <span key={i}>{s.text}</span>))}
    </>
  );
}

/** Where a message result opens: its room at it (a reply: at its thread's first message, thread open). */
export function messageLink(hit: { room_id: string; id: number; parent_id?: number | null }): string {
  const at = hit.parent_id ?? hit.id;
  return `/chat/${hit.room_id}?message=${at}${hit.parent_id ? `&thread=${hit.parent_id}` : ''}`;
}

function Group({ title, count, children }: { title: string; count: number; children: ReactNode }) {
  if (count === 0) return null;
  return (
    <section className="search-group" aria-label={title}>
      <h3 className="search-group__title">{title}</h3>
      <ul className="search-group__list">{children}</ul>
    </section>
  );
}

function SearchResultsList({ results, onPick }: { results: Results; onPick(): void }) {
  const item = (key: string | number, to: string, title: ReactNode, body?: ReactNode) => (
    <li key={key}>
      <Link to={to} className="search-hit" onClick={onPick} data-testid="search-hit">
        <span className="search-hit__title">{title}</span>
        {body && <span className="search-hit__body">{body}</span>}
      </Link>
    </li>
  );
  return (
    <>
      <Group title="Messages" count={results.messages.items.length}>
        {results.messages.items.map((m) =>
          item(
            m.id,
            messageLink(m),
            <>
              {m.room_kind === 'dm' ? m.room_name : `#${m.room_name}`} · {m.author?.display_name ?? 'Deleted user'} ·{' '}
              {formatDateTime(m.created_at)}
            </>,
            <Snippet segments={m.snippet} />,
          ),
        )}
      </Group>
      <Group title="Posts" count={results.posts.items.length}>
        {results.posts.items.map((p) =>
          item(p.id, `/posts/${p.id}`, <>{p.author?.display_name ?? 'Deleted user'}{p.sanctum ? ` in ${p.sanctum.name}` : ''}</>, <Snippet segments={p.snippet} />),
        )}
      </Group>
      <Group title="Comments" count={results.comments.items.length}>
        {results.comments.items.map((c) =>
          item(c.id, `/posts/${c.post_id}`, c.author?.display_name ?? 'Deleted user', <Snippet segments={c.snippet} />),
        )}
      </Group>
      <Group title="Sanctums" count={results.sanctums.items.length}>
        {results.sanctums.items.map((s) => item(s.id, `/sanctums/${s.slug}`, s.name, <Snippet segments={s.description} />))}
      </Group>
      <Group title="Rooms" count={results.rooms.items.length}>
        {results.rooms.items.map((r) => item(r.id, `/chat/${r.id}`, `#${r.name}`, <Snippet segments={r.topic} />))}
      </Group>
      <Group title="People" count={results.users.items.length}>
        {results.users.items.map((u) => item(u.id, `/u/${u.username}`, u.display_name, `@${u.username}`))}
      </Group>
    </>
  );
}

const isEmpty = (r: Results) =>
  [r.messages, r.posts, r.comments, r.sanctums, r.rooms, r.users].every((group) => group.items.length === 0);

function SearchPanel({ onClose }: { onClose(): void }) {
  const [text, setText] = useState('');
  const [query, setQuery] = useState('');
  useEffect(() => {
    const timer = window.setTimeout(() => setQuery(text.trim()), 200);
    return () => window.clearTimeout(timer);
  }, [text]);
  const ready = hasWord(query);
  const found = useQuery({
    queryKey: ['search', query],
    queryFn: () => search(query),
    enabled: ready,
    staleTime: 10_000,
    retry: false,
    placeholderData: (previous) => previous,
  });
  const error =
    found.error instanceof ApiError
      ? found.error.fields.q
        ? `The query ${found.error.fields.q}.`
        : found.error.message
      : found.error
        ? 'Search failed; try again.'
        : null;
  return (
    <Dialog title="Search" description="Messages, posts, sanctums, rooms and people. Filters: from:@name in:#room before:/after:2026-01-31 has:link" onClose={onClose}>
      <div className="dialog__body search-panel">
        <div className="search-panel__box">
          <Icon name="search" />
          <input
            type="search"
            className="input"
            aria-label="Search"
            placeholder="Search…"
            value={text}
            maxLength={256}
            autoFocus
            onChange={(event) => setText(event.target.value)}
          />
        </div>
        <div aria-live="polite" className="search-panel__status">
          {ready && found.isFetching && <Spinner size="sm" label="Searching" />}
          {error && ready && <p className="field__error">{error}</p>}
          {ready && found.data && !found.isFetching && isEmpty(found.data) && <p className="muted">Nothing found for “{query}”.</p>}
        </div>
        {ready && found.data && <SearchResultsList results={found.data} onPick={onClose} />}
      </div>
    </Dialog>
  );
}

/** The top bar's search button; Ctrl-K (Cmd-K on a Mac) opens it from anywhere. */
export function SiteSearch() {
  const [open, setOpen] = useState(false);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === 'k') {
        event.preventDefault();
        setOpen(true);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  return (
    <>
      <button
        type="button"
        className="icon-button"
        aria-label="Search"
        title="Search (Ctrl+K)"
        aria-keyshortcuts="Control+K Meta+K"
        onClick={() => setOpen(true)}
      >
        <Icon name="search" />
      </button>
      {open && <SearchPanel onClose={() => setOpen(false)} />}
    </>
  );
}
