// Reports: filing one (anyone), the queue and resolutions (moderators; the API decides who).
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';

import { api, unwrap } from '../../../api/client';
import type { components } from '../../../api/generated/schema';

export type Report = components['schemas']['ReportRead'];
export type ReportCreate = components['schemas']['ReportCreate'];
export type ReportResolve = components['schemas']['ReportResolve'];
export type ReportStatus = 'open' | 'resolved';

export const reportKeys = {
  all: ['reports'] as const,
  queue: (status: ReportStatus) => ['reports', status] as const,
};

export function useReportQueue(status: ReportStatus) {
  return useInfiniteQuery({
    queryKey: reportKeys.queue(status),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(api.client.GET('/api/reports', { params: { query: { status, cursor: pageParam, limit: 50 } } })),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    retry: false,
  });
}

export function useCreateReport() {
  return useMutation({
    mutationFn: (body: ReportCreate) => unwrap(api.client.POST('/api/reports', { body })),
  });
}

export function useResolveReport() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: ReportResolve }) =>
      unwrap(api.client.POST('/api/reports/{report_id}/resolve', { params: { path: { report_id: id } }, body })),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: reportKeys.all }),
  });
}
