// The moderation dashboard: one screen with a tab per tool (TABS): the report queue and the audit log,
// and for site admins suspensions, site roles and feature flags (hidden from anyone else: the API
// would refuse them). `?sanctum=slug` narrows the audit log to one sanctum, which is all a sanctum's
// moderators may read; site staff see everything. `/moderation/reports` opens the queue, `?tab=audit` the log.
import { useState } from 'react';
import { useSearchParams } from 'react-router';

import { Alert, Button, Card, PageHeader, Spinner } from '../../components/ui';
import { formatDateTime } from '../../lib/format';
import { useMe } from '../auth/useMe';
import { FlagsTab } from '../flags/FlagsTab';
import { useAudit, type AuditEntry, type AuditFilter } from './api';
import { ReportsTab } from './reports/ReportsTab';
import { SiteRolesTab } from './staff/SiteRolesTab';
import { SuspensionsTab } from './staff/SuspensionsTab';

export interface DashboardTab {
  id: string;
  label: string;
  /** Site admins' tools (`site.admin`), not shown to anyone else. */
  siteAdmin?: boolean;
  render(sanctum: string | null, me: string): React.ReactNode;
}

/** The dashboard's tools, in order; each is a tab. */
export const TABS: DashboardTab[] = [
  { id: 'reports', label: 'Reports', render: () => <ReportsTab /> },
  { id: 'audit', label: 'Audit log', render: (sanctum) => <AuditLog sanctum={sanctum} /> },
  { id: 'suspensions', label: 'Suspensions', siteAdmin: true, render: (_, me) => <SuspensionsTab me={me} /> },
  { id: 'site-roles', label: 'Site roles', siteAdmin: true, render: (_, me) => <SiteRolesTab me={me} /> },
  { id: 'flags', label: 'Feature flags', siteAdmin: true, render: () => <FlagsTab /> },
];

export function ModerationPage() {
  const [params, setParams] = useSearchParams();
  const me = useMe().data;
  const sanctum = params.get('sanctum');
  const tabs = TABS.filter((t) => !t.siteAdmin || me?.is_admin);
  // A sanctum's link opens its audit log; otherwise the queue comes first.
  const wanted = params.get('tab') ?? (sanctum ? 'audit' : 'reports');
  const current = tabs.find((t) => t.id === wanted) ?? tabs[0];
  return (
    <div className="stack">
      <PageHeader title="Moderation" description={sanctum ? `The sanctum ${sanctum}` : 'Every sanctum (site staff)'} />
      <div className="tabs" role="tablist" aria-label="Moderation tools">
        {tabs.map((tab) => (
          <button
            key={tab.id}
            type="button"
            role="tab"
            className="tabs__tab"
            aria-selected={tab.id === current?.id}
            onClick={() => {
              const next = new URLSearchParams(params);
              next.set('tab', tab.id);
              setParams(next);
            }}
          >
            {tab.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" aria-label={current?.label}>
        {me && current?.render(sanctum, me.id)}
      </div>
    </div>
  );
}

const ACTIONS: Record<string, string> = {
  'role.create': 'created the role',
  'role.update': 'changed the role',
  'role.delete': 'deleted the role',
  'role.assign': 'gave a role to',
  'site_role.assign': 'gave a site role to',
  'sanctum.transfer': 'handed the sanctum to',
  'member.remove': 'removed',
  'message.pin': 'pinned message',
  'message.unpin': 'unpinned message',
  'message.delete': 'removed message',
  'post.delete': 'removed post',
  'comment.delete': 'removed comment',
  'user.mute': 'muted',
  'user.unmute': 'unmuted',
  'user.ban': 'banned',
  'user.unban': 'unbanned',
  'account.suspend': 'suspended',
  'account.unsuspend': 'lifted the suspension of',
  'report.resolve': 'resolved a report about',
  'session.logout_all': 'signed out everywhere:',
  'account.delete': 'deleted the account',
  'flag.change': 'changed the feature',
  'flag.override': 'overrode the feature',
  'emoji.add': 'added the custom emoji',
  'emoji.delete': 'deleted the custom emoji',
};

export function describe(entry: AuditEntry): string {
  const who = entry.actor?.display_name ?? 'Someone';
  const what = ACTIONS[entry.action] ?? entry.action;
  const person = entry.target_user;
  const target = person ? `${person.display_name || person.username} (@${person.username})` : `${entry.target_type} ${entry.target_id}`;
  const { reason, role } = entry.metadata;
  const why = typeof reason === 'string' && reason ? `: ${reason}` : '';
  const which = entry.action === 'site_role.assign' ? `: ${typeof role === 'string' ? role : 'none'}` : '';
  return `${who} ${what} ${target}${why}${which}`;
}

/** The audit log, newest first; every row is one sensitive action. It narrows to one action and to
 * rows since a day (the server filters; the cursor pages within the filter). */
export function AuditLog({ sanctum }: { sanctum: string | null }) {
  const [filter, setFilter] = useState<AuditFilter>({});
  const audit = useAudit(sanctum, filter);
  const entries = audit.data?.pages.flatMap((p) => p.items) ?? [];
  const filtered = filter.action !== undefined || filter.since !== undefined;
  return (
    <Card title="Audit log">
      <div className="audit-log__filters">
        <label>
          Action{' '}
          <select
            className="input"
            value={filter.action ?? ''}
            onChange={(e) => setFilter((f) => ({ ...f, action: e.target.value || undefined }))}
          >
            <option value="">Every action</option>
            {Object.keys(ACTIONS).map((action) => (
              <option key={action} value={action}>
                {action}
              </option>
            ))}
          </select>
        </label>{' '}
        <label>
          Since{' '}
          <input
            type="date"
            className="input"
            value={filter.since ?? ''}
            onChange={(e) => setFilter((f) => ({ ...f, since: e.target.value || undefined }))}
          />
        </label>
      </div>
      {audit.isPending ? (
        <Spinner label="Loading the audit log" />
      ) : audit.isError ? (
        <Alert tone="error">{audit.error.message}</Alert>
      ) : entries.length === 0 ? (
        <p className="muted">{filtered ? 'Nothing matches.' : 'Nothing has happened yet.'}</p>
      ) : (
        <ol className="audit-log" data-testid="audit-log">
          {entries.map((entry) => (
            <li key={entry.id} className="audit-log__row" data-testid="audit-row" data-action={entry.action}>
              <time dateTime={entry.created_at}>{formatDateTime(entry.created_at)}</time>{' '}
              <code>{entry.action}</code> <span>{describe(entry)}</span>
              {entry.ip && <span className="muted"> · {entry.ip}</span>}
            </li>
          ))}
        </ol>
      )}
      {audit.hasNextPage && (
        <Button onClick={() => void audit.fetchNextPage()} loading={audit.isFetchingNextPage}>
          Older entries
        </Button>
      )}
    </Card>
  );
}
