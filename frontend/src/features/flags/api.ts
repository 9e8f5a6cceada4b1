// Feature flags: the caller's (one request, answered from the server's memory) and the admin's view.
// The server decides; the app only hides what is off (a stale answer is refused server-side anyway).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api, unwrap } from '../../api/client';
import type { components } from '../../api/generated/schema';

export type FlagRead = components['schemas']['FlagRead'];
export type FlagChange = components['schemas']['FlagChange'];
export type FlagOverrideChange = components['schemas']['FlagOverrideChange'];

export const flagKeys = {
  mine: ['flags', 'mine'] as const,
  admin: ['flags', 'admin'] as const,
};

/** The caller's flags; a flag the server has not answered about yet counts as on (its declared default). */
export function useFlags(): Record<string, boolean> {
  const query = useQuery({
    queryKey: flagKeys.mine,
    queryFn: () => unwrap(api.client.GET('/api/flags')).then((r) => r.flags),
    staleTime: 30_000,
    refetchInterval: 60_000,
  });
  return query.data ?? {};
}

/** Whether `name` is on for the caller (true until the server says otherwise). */
export function useFlag(name: string): boolean {
  return useFlags()[name] ?? true;
}

export function useAdminFlags() {
  return useQuery({
    queryKey: flagKeys.admin,
    queryFn: () => unwrap(api.client.GET('/api/admin/flags')),
    retry: false,
  });
}

export function useFlagActions() {
  const queryClient = useQueryClient();
  const settle = () => {
    void queryClient.invalidateQueries({ queryKey: ['flags'] });
  };
  const change = useMutation({
    mutationFn: ({ name, body }: { name: string; body: FlagChange }) =>
      unwrap(api.client.PATCH('/api/admin/flags/{name}', { params: { path: { name } }, body })),
    onSuccess: settle,
  });
  const override = useMutation({
    mutationFn: ({ name, body }: { name: string; body: FlagOverrideChange }) =>
      unwrap(api.client.PUT('/api/admin/flags/{name}/overrides', { params: { path: { name } }, body })),
    onSuccess: settle,
  });
  return { change, override };
}
