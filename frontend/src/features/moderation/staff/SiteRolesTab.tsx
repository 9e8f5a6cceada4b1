// Site roles (site admins): who is a site admin or site moderator, giving a site role to someone and
// taking it away. A site moderator reviews every report and reads the whole audit log; a site admin
// holds every permission everywhere (docs/moderation.md). Each change is an audit row.
import { useState, type FormEvent } from 'react';

import { Alert, Badge, Button, Card, Field, Spinner } from '../../../components/ui';
import type { PublicUser } from '../../people/api';
import { PeoplePicker } from '../../people/PeoplePicker';
import { PersonRow } from '../../people/PersonRow';
import { useSetSiteRole, useSiteStaff, type SiteRole } from './api';

const ROLES: { role: SiteRole; label: string; hint: string }[] = [
  { role: 'moderator', label: 'Site moderator', hint: 'reviews every report and reads the whole audit log' },
  { role: 'admin', label: 'Site admin', hint: 'every permission everywhere, suspensions and site roles included' },
];

const labelOf = (role: SiteRole) => ROLES.find((r) => r.role === role)?.label ?? role;

export function SiteRolesTab({ me }: { me: string }) {
  const staff = useSiteStaff();
  const setRole = useSetSiteRole();
  const [picked, setPicked] = useState<PublicUser[]>([]);
  const [role, setChosenRole] = useState<SiteRole>('moderator');
  const items = staff.data?.pages.flatMap((p) => p.items) ?? [];
  const person = picked[0];

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!person) return;
    setRole.mutate({ userId: person.id, role }, { onSuccess: () => setPicked([]) });
  }

  return (
    <div className="stack" data-testid="site-roles-tab">
      <Card title="Give a site role" description={ROLES.map((r) => `${r.label}: ${r.hint}.`).join(' ')}>
        <form className="stack" onSubmit={onSubmit} aria-label="Give a site role">
          <PeoplePicker label="Person" chosen={picked} onChange={setPicked} exclude={[me]} max={1} fullText="One person at a time" />
          <Field label="Role">
            {(control) => (
              <select {...control} className="input" value={role} onChange={(e) => setChosenRole(e.target.value as SiteRole)}>
                {ROLES.map((r) => (
                  <option key={r.role} value={r.role}>
                    {r.label}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <div>
            <Button type="submit" variant="primary" disabled={!person} loading={setRole.isPending && setRole.variables?.role !== null}>
              Give the role
            </Button>
          </div>
        </form>
        {setRole.error && <Alert tone="error">{setRole.error.message}</Alert>}
      </Card>
      <Card title="Site staff">
        {staff.isPending ? (
          <Spinner label="Loading site staff" />
        ) : staff.isError ? (
          <Alert tone="error">{staff.error.message}</Alert>
        ) : (
          <ul className="people-list" aria-label="Site staff" data-testid="site-staff">
            {items.map((member) => {
              const name = member.user.display_name || member.user.username;
              return (
                <PersonRow key={member.user.id} user={member.user} live={false} testId="staff-member">
                  <Badge tone={member.role === 'admin' ? 'accent' : 'neutral'}>{labelOf(member.role)}</Badge>{' '}
                  {member.user.id === me ? (
                    <span className="muted">you</span>
                  ) : (
                    <Button
                      size="sm"
                      aria-label={`Take the site role from ${name}`}
                      loading={setRole.isPending && setRole.variables?.userId === member.user.id && setRole.variables.role === null}
                      onClick={() => setRole.mutate({ userId: member.user.id, role: null })}
                    >
                      Take away
                    </Button>
                  )}
                </PersonRow>
              );
            })}
          </ul>
        )}
        {staff.hasNextPage && (
          <Button onClick={() => void staff.fetchNextPage()} loading={staff.isFetchingNextPage}>
            More
          </Button>
        )}
      </Card>
    </div>
  );
}
