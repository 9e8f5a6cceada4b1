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

type Kind = 'messages' | 'posts' | 'comments' | 'sanctums' | 'rooms' | 'users';
interface Page<T> {
  items: T[];
  next_cursor?: string | null;
}

/** How many more results "More results" loads at a time. */
export const MORE = 10;

/** The next page of one group: the API pages a single kind by its `next_cursor`. */
export function searchMore(q: string, kind: Kind, cursor: string): Promise<Results> {
  return unwrap(api.client.GET('/api/search', { params: { query: { q, kind, cursor, limit: MORE } } }));
}

/** A group of results, with "More results" while the server has a next page for it. */
function Group<T>({
  title,
  kind,
  query,
  first,
  render,
}: {
  title: string;
  kind: Kind;
  query: string;
  first: Page<T>;
  render(item: T): ReactNode;
}) {
  const [shown, setShown] = useState({ items: first.items, cursor: first.next_cursor ?? null });
  const [loading, setLoading] = useState(false);
  const [failed, setFailed] = useState(false);
  if (shown.items.length === 0) return null;
  const loadMore = async () => {
    if (!shown.cursor || loading) return;
    setLoading(true);
    setFailed(false);
    try {
      const page = (await searchMore(query, kind, shown.cursor))[kind] as Page<T>;
      setShown((now) => ({ items: [...now.items, ...page.items], cursor: page.next_cursor ?? null }));
    } catch {
      setFailed(true);
    } finally {
      setLoading(false);
    }
  };
  return (
    <section className="search-group" aria-label={title}>
      <h3 className="search-group__title">{title}</h3>
      <ul className="search-group__list">{shown.items.map(render)}</ul>
      {shown.cursor && (
        <button
          type="button"
          className="btn btn--ghost btn--sm search-group__more"
          aria-label={`More results: ${title}`}
          disabled={loading}
          onClick={() => void loadMore()}
        >
          {loading ? 'Loading…' : 'More results'}
        </button>
      )}
      {failed && <p className="field__error">Could not load more results; try again.</p>}
    </section>
  );
}

/** The results of `query`, each group paged on its own (remounted for a new query). */
export function SearchResultsList({ query, results, onPick }: { query: string; results: Results; onPick(): void }) {
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
      <Group
        title="Messages"
        kind="messages"
        query={query}
        first={results.messages}
        render={(m) =>
          item(
            m.id,
            messageLink(m),
            <>
              {m.room_kind === 'dm' ? m.room_name : `#${m.room_name}`} · {m.author?.display_name ?? 'Deleted user'} ·{' '}
              {formatDateTime(m.created_at)}
            </>,
            <Snippet segments={m.snippet} />,
          )
        }
      />
      <Group
        title="Posts"
        kind="posts"
        query={query}
        first={results.posts}
        render={(p) =>
          item(p.id, `/posts/${p.id}`, <>{p.author?.display_name ?? 'Deleted user'}{p.sanctum ? ` in ${p.sanctum.name}` : ''}</>, <Snippet segments={p.snippet} />)
        }
      />
      <Group
        title="Comments"
        kind="comments"
        query={query}
        first={results.comments}
        render={(c) => item(c.id, `/posts/${c.post_id}`, c.author?.display_name ?? 'Deleted user', <Snippet segments={c.snippet} />)}
      />
      <Group
        title="Sanctums"
        kind="sanctums"
        query={query}
        first={results.sanctums}
        render={(g) => item(g.id, `/sanctums/${g.slug}`, g.name, <Snippet segments={g.description} />)}
      />
      <Group
        title="Rooms"
        kind="rooms"
        query={query}
        first={results.rooms}
        render={(r) => item(r.id, `/chat/${r.id}`, `#${r.name}`, <Snippet segments={r.topic} />)}
      />
      <Group
        title="People"
        kind="users"
        query={query}
        first={results.users}
        render={(u) => item(u.id, `/u/${u.username}`, u.display_name, `@${u.username}`)}
      />
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
    // The query travels with its results: a new query's groups (and their pages) start afresh.
    queryFn: () => search(query).then((results) => ({ query, results })),
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
          {ready && found.data && !found.isFetching && isEmpty(found.data.results) && <p className="muted">Nothing found for “{query}”.</p>}
        </div>
        {ready && found.data && (
          <SearchResultsList key={found.data.query} query={found.data.query} results={found.data.results} onPick={onClose} />
        )}
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
