// Home (GET /api/home): one read of what needs the person first, and the first-run checklist.
import { useQuery } from '@tanstack/react-query';

import { api, unwrap } from '../../api/client';
import type { components } from '../../api/generated/schema';

export type HomeData = components['schemas']['HomeRead'];

export const homeKey = ['home'] as const;

export function useHome() {
  return useQuery({
    queryKey: homeKey,
    queryFn: () => unwrap(api.client.GET('/api/home')),
    staleTime: 0,
    refetchOnWindowFocus: true,
  });
}
