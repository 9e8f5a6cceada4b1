import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api, unwrap } from '../../api/client';
import type { components } from '../../api/generated/schema';

export type Session = components['schemas']['SessionRead'];

export const sessionsQueryKey = ['sessions'] as const;

export function useSessions() {
  return useQuery({
    queryKey: sessionsQueryKey,
    queryFn: () => unwrap(api.client.GET('/api/auth/sessions')),
    // Sessions change from other devices: always show the server's list when the page opens.
    staleTime: 0,
    select: (list) => sortSessions(list.items),
  });
}

/** This device first, then the most recently used. */
export function sortSessions(items: readonly Session[]): Session[] {
  return [...items].sort((a, b) => {
    if (a.current !== b.current) return a.current ? -1 : 1;
    return Date.parse(b.last_used_at) - Date.parse(a.last_used_at);
  });
}

export function useRevokeSession() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (sessionId: string) =>
      unwrap(api.client.DELETE('/api/auth/sessions/{session_id}', { params: { path: { session_id: sessionId } } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: sessionsQueryKey }),
  });
}
