import { useState } from 'react';
import { Link } from 'react-router';

import { Alert, Badge, Button, Card, Spinner } from '../../../components/ui';
import { formatRelative } from '../../../lib/format';
import { useMe } from '../../auth/useMe';
import { useReportQueue, useResolveReport, type Report, type ReportResolve, type ReportStatus } from './api';

const ACTIONS: { action: ReportResolve['action']; label: string; variant: 'ghost' | 'secondary' | 'danger' }[] = [
  { action: 'dismiss', label: 'Dismiss', variant: 'ghost' },
  { action: 'delete', label: 'Delete content', variant: 'danger' },
  { action: 'mute', label: 'Mute', variant: 'secondary' },
  { action: 'ban', label: 'Ban', variant: 'secondary' },
  { action: 'suspend', label: 'Suspend', variant: 'secondary' },
];

/** The moderation queue: open or resolved reports the caller may review, with the actions on each. */
export function ReportsTab() {
  const [status, setStatus] = useState<ReportStatus>('open');
  const queue = useReportQueue(status);
  const items = queue.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section className="stack" aria-label="Reports">
      <div className="tabs" role="tablist" aria-label="Report status">
        {(['open', 'resolved'] as const).map((s) => (
          <button key={s} type="button" role="tab" aria-selected={status === s} className="tab" onClick={() => setStatus(s)}>
            {s === 'open' ? 'Open' : 'Resolved'}
          </button>
        ))}
      </div>
      {queue.isPending ? (
        <Spinner label="Loading reports" />
      ) : queue.isError ? (
        <Alert tone="error">{queue.error.message}</Alert>
      ) : items.length === 0 ? (
        <Card className="empty">
          <p className="empty__title">{status === 'open' ? 'No open reports' : 'Nothing resolved yet'}</p>
          <p className="empty__text">Reports people file about your communities show up here.</p>
        </Card>
      ) : (
        <ul className="report-list">
          {items.map((report) => (
            <ReportCard key={report.id} report={report} />
          ))}
        </ul>
      )}
      {queue.hasNextPage && (
        <Button variant="secondary" loading={queue.isFetchingNextPage} onClick={() => void queue.fetchNextPage()}>
          Older reports
        </Button>
      )}
    </section>
  );
}

/** Which actions a report offers: no content to delete on a person; suspending is for site admins. */
function actionsFor(report: Report, siteAdmin: boolean) {
  return ACTIONS.filter((a) => (a.action !== 'delete' || report.target_type !== 'user') && (a.action !== 'suspend' || siteAdmin));
}

function ReportCard({ report }: { report: Report }) {
  const resolve = useResolveReport();
  const siteAdmin = useMe().data?.is_admin ?? false;
  const snapshot = report.snapshot as { body?: string; author?: { username?: string; display_name?: string } | null };
  const author = snapshot.author;
  return (
    <li className="card report" data-testid="report">
      <header className="report__head">
        <Badge tone="accent">{report.reason}</Badge>
        <span>
          {report.target_type} by{' '}
          {author?.username ? <Link to={`/u/${author.username}`}>@{author.username}</Link> : 'a deleted user'}
        </span>
        <span className="muted">{formatRelative(report.created_at)}</span>
      </header>
      <blockquote className="report__snapshot" dir="auto" data-testid="report-snapshot">
        {snapshot.body || <span className="muted">(no text)</span>}
      </blockquote>
      {report.details && <p className="report__details" dir="auto">“{report.details}”</p>}
      <p className="muted report__meta">
        Reported by {report.reporter ? `@${report.reporter.username}` : 'a deleted user'} · {report.reporter_count} open{' '}
        {report.reporter_count === 1 ? 'report' : 'reports'} on this · history: {report.history.reports} reports,{' '}
        {report.history.actioned} acted on
      </p>
      {report.status === 'open' ? (
        <div className="report__actions">
          {actionsFor(report, siteAdmin).map((a) => (
            <Button
              key={a.action}
              size="sm"
              variant={a.variant}
              disabled={resolve.isPending}
              onClick={() => resolve.mutate({ id: report.id, body: { action: a.action, note: '', duration_seconds: a.action === 'mute' ? 600 : null } })}
            >
              {a.label}
            </Button>
          ))}
        </div>
      ) : (
        <p className="report__resolution">
          Resolved ({report.resolution}) by {report.resolved_by ? `@${report.resolved_by.username}` : 'a moderator'}
          {report.resolved_at ? ` ${formatRelative(report.resolved_at)}` : ''}
        </p>
      )}
      {resolve.isError && (
        <p className="field__error" role="alert">
          {resolve.error.message}
        </p>
      )}
    </li>
  );
}
