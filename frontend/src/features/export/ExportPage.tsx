import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

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
  // The request carries the session like every other call (no token in a link); the bytes become a
  // file through an object URL.
  const download = useMutation({
    mutationFn: async () => {
      const { data, error, response } = await api.client.GET('/api/exports/{export_id}/download', {
        params: { path: { export_id: item.id } },
        parseAs: 'blob',
      });
      if (error || !data) throw new Error(response.status === 410 ? 'This archive is gone.' : 'The download failed.');
      const url = URL.createObjectURL(data as Blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = `sanctum-export-${item.requested_at.slice(0, 10)}.zip`;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: exportsKey }),
  });
  return (
    <div className="export-row" aria-label="Latest export">
      <p>
        <Badge tone={item.status === 'ready' ? 'success' : 'neutral'}>{STATUS[item.status]}</Badge>{' '}
        Requested {formatDateTime(item.requested_at)}
        {item.status === 'ready' && item.expires_at && <> · available until {formatDateTime(item.expires_at)}</>}
      </p>
      {download.isError && <Alert tone="error">{download.error.message}</Alert>}
      {item.status === 'ready' && (
        <Button loading={download.isPending} onClick={() => download.mutate()}>
          Download archive
        </Button>
      )}
    </div>
  );
}
