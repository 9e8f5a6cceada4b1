import { useQuery } from '@tanstack/react-query';

import { fetchMe, meQueryKey } from './api';
import { useAuth } from './AuthContext';

/** The signed-in account. Only call below <RequireAuth>. */
export function useMe() {
  const { state } = useAuth();
  return useQuery({ queryKey: meQueryKey, queryFn: fetchMe, enabled: state.status === 'signed-in', staleTime: 60_000 });
}
