import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { resolveApiBase } from '../../api/base';
import { api, unwrap } from '../../api/client';
import { messageOf } from '../../api/errors';
import type { components } from '../../api/generated/schema';
import { Alert, Badge, Button, Card, PageHeader } from '../../components/ui';
import { formatDateTime } from '../../lib/format';

type Export = components['schemas']['ExportRead'];
const exportsKey = ['exports'] as const;

export function ExportPage() {
  const queryClient = useQueryClient();
  const list = useQuery({
    queryKey: exportsKey,
    queryFn: () => unwrap(api.client.GET('/api/exports')),
    // While an archive is being built, look again every 2 s.
    refetchInterval: (query) => (query.state.data?.items.some((e) => e.status === 'pending') ? 2000 : false),
  });
  const request = useMutation({
    mutationFn: () => unwrap(api.client.POST('/api/exports')),
    onSettled: () => queryClient.invalidateQueries({ queryKey: exportsKey }),
  });
  const latest = list.data?.items[0];
  return (
    <div className="stack">
      <PageHeader title="Your data" description="Download everything you put into Sanctum." />
      <Card
        title="Export your data"
        description="Your profile, messages, posts, comments, friends and game history as JSON files in a zip. It can be downloaded once, within 24 hours."
      >
        {request.isError && <Alert tone="error">{messageOf(request.error)}</Alert>}
        {list.isError && <Alert tone="error">{messageOf(list.error)}</Alert>}
        {latest && <ExportRow item={latest} />}
        {latest?.status !== 'pending' && latest?.status !== 'ready' && (
          <Button loading={request.isPending} onClick={() => request.mutate()}>
            Request an archive
          </Button>
        )}
      </Card>
    </div>
  );
}

const STATUS: Record<Export['status'], string> = {
  pending: 'Being built…',
  ready: 'Ready',
  downloaded: 'Downloaded',
  expired: 'Expired',
  failed: 'Failed',
};

function ExportRow({ item }: { item: Export }) {
  const queryClient = useQueryClient();
  // The browser downloads the archive itself (streamed to disk): an authenticated request first sets
  // a one-minute HttpOnly cookie for this export's download path, then a plain navigation fetches it.
  // No token is ever in the URL.
  const download = useMutation({
    mutationFn: async () => {
      await unwrap(
        api.client.POST('/api/exports/{export_id}/download-cookie', { params: { path: { export_id: item.id } } }),
      );
      window.location.assign(`${resolveApiBase()}/api/exports/${encodeURIComponent(item.id)}/download`);
    },
    onSuccess: () => {
      for (const delay of [1000, 3000]) setTimeout(() => void queryClient.invalidateQueries({ queryKey: exportsKey }), delay);
    },
  });
  return (
    <div className="export-row" aria-label="Latest export">
      <p>
        <Badge tone={item.status === 'ready' ? 'success' : 'neutral'}>{STATUS[item.status]}</Badge>{' '}
        Requested {formatDateTime(item.requested_at)}
        {item.status === 'ready' && item.expires_at && <> · available until {formatDateTime(item.expires_at)}</>}
      </p>
      {download.isError && <Alert tone="error">{messageOf(download.error)}</Alert>}
      {item.status === 'ready' && (
        <Button loading={download.isPending} onClick={() => download.mutate()}>
          Download archive
        </Button>
      )}
    </div>
  );
}
