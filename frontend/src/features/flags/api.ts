// Feature flags: the caller's (one request, answered from the server's memory) and the admin's view.
// The server decides; the app only hides what is off (a stale answer is refused server-side anyway).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api, unwrap } from '../../api/client';
import type { components } from '../../api/generated/schema';

export type FlagRead = components['schemas']['FlagRead'];
export type FlagChange = components['schemas']['FlagChange'];
export type FlagOverrideChange = components['schemas']['FlagOverrideChange'];

export const flagKeys = {
  mine: (sanctumId: string | null = null) => ['flags', 'mine', sanctumId] as const,
  admin: ['flags', 'admin'] as const,
};

/** The caller's flags, in a sanctum's context when given (its overrides apply, as they do to what the
 * server allows there); a flag the server has not answered about yet counts as on (its declared default). */
export function useFlags(sanctumId?: string | null): Record<string, boolean> {
  const inSanctum = sanctumId ?? null;
  const query = useQuery({
    queryKey: flagKeys.mine(inSanctum),
    queryFn: () =>
      unwrap(
        api.client.GET('/api/flags', { params: { query: inSanctum ? { sanctum_id: inSanctum } : {} } }),
      ).then((r) => r.flags),
    staleTime: 30_000,
    refetchInterval: 60_000,
  });
  return query.data ?? {};
}

/** Whether `name` is on for the caller, in `sanctumId` for a sanctum-scoped feature (true until the
 * server says otherwise). */
export function useFlag(name: string, sanctumId?: string | null): boolean {
  return useFlags(sanctumId)[name] ?? true;
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
