import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { hasWord, messageLink, MORE, SearchResultsList, Snippet } from './SearchDialog';

describe('site search', () => {
  it('asks the server only once the text has a word outside filters', () => {
    expect(hasWord('')).toBe(false);
    expect(hasWord('from:@ann in:#garden')).toBe(false);
    expect(hasWord('?!')).toBe(false);
    expect(hasWord('tomato from:@ann')).toBe(true);
    expect(hasWord('été')).toBe(true);
  });

  it('opens a message at itself, and a reply at its thread with the thread open', () => {
    expect(messageLink({ room_id: 'r1', id: 7, parent_id: null })).toBe('/chat/r1?message=7');
    expect(messageLink({ room_id: 'r1', id: 9, parent_id: 7 })).toBe('/chat/r1?message=7&thread=7');
  });

  it('renders a snippet as text with the matches marked, never as HTML', () => {
    const { container } = render(
      <Snippet segments={[{ text: '<img src=x onerror=alert(1)> say ', match: false }, { text: 'zanzibar', match: true }]} />,
    );
    expect(container.querySelector('img')).toBeNull();
    expect(screen.getByText('zanzibar').tagName).toBe('MARK');
    expect(container.textContent).toBe('<img src=x onerror=alert(1)> say zanzibar');
  });
});

function json(body: unknown): Response {
  return new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } });
}

function hit(id: number, word: string) {
  return { id, room_id: 'r1', room_name: 'garden', room_kind: 'public', parent_id: null, author: null, created_at: '2026-01-01T00:00:00Z', snippet: [{ text: word, match: true }] };
}

const EMPTY = { items: [] };

describe('more results', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('loads the next page of a group by its cursor and stops when the server has no more', async () => {
    const asked: URL[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
        const url = new URL((input instanceof Request ? input : new Request(input, init)).url);
        asked.push(url);
        return json({ messages: { items: [hit(2, 'second')], next_cursor: null }, posts: EMPTY, comments: EMPTY, sanctums: EMPTY, rooms: EMPTY, users: EMPTY });
      }),
    );
    const results = {
      messages: { items: [hit(1, 'first')], next_cursor: 'page-2' },
      posts: EMPTY,
      comments: EMPTY,
      sanctums: EMPTY,
      rooms: { items: [], next_cursor: null },
      users: EMPTY,
    } as unknown as Parameters<typeof SearchResultsList>[0]['results'];
    render(
      <MemoryRouter>
        <SearchResultsList query="tomato" results={results} onPick={() => undefined} />
      </MemoryRouter>,
    );
    expect(screen.getAllByTestId('search-hit')).toHaveLength(1);

    fireEvent.click(screen.getByRole('button', { name: 'More results: Messages' }));

    await waitFor(() => expect(screen.getAllByTestId('search-hit')).toHaveLength(2));
    expect(screen.getByText('second').tagName).toBe('MARK');
    expect(screen.queryByRole('button', { name: /^More results/ })).toBeNull();
    expect(asked).toHaveLength(1);
    expect(asked[0]?.pathname).toBe('/api/search');
    expect(Object.fromEntries(asked[0]?.searchParams ?? [])).toEqual({ q: 'tomato', kind: 'messages', cursor: 'page-2', limit: String(MORE) });
  });
});
