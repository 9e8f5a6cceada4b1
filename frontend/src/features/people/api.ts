// People search (GET /api/users?q=): the query key, the call and the hook the pickers use.
import { useQuery } from '@tanstack/react-query';

import { api, unwrap } from '../../api/client';
import type { components } from '../../api/generated/schema';

export type PublicUser = components['schemas']['PublicUser'];

export const peopleKeys = {
  search: (q: string) => ['people', 'search', q] as const,
};

/** The query as the server matches it: trimmed, one leading `@` dropped, lowercased. */
export function searchTerm(q: string): string {
  return q.trim().replace(/^@/, '').toLowerCase();
}

export function searchUsers(q: string, limit = 8): Promise<PublicUser[]> {
  return unwrap(api.client.GET('/api/users', { params: { query: { q, limit } } })).then((page) => page.items);
}

/** People whose name starts with `q` (nothing for an empty query); the previous answer stays while typing. */
export function useUserSearch(q: string, limit = 8) {
  const term = searchTerm(q);
  return useQuery({
    queryKey: [...peopleKeys.search(term), limit],
    queryFn: () => searchUsers(term, limit),
    enabled: term.length > 0,
    staleTime: 30_000,
    placeholderData: (previous) => previous,
  });
}
