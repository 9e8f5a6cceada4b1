// Suspensions (site admins): pick an account, give a reason and an optional end, and every session of
// the account ends at once; the accounts suspended now are listed with Lift. Each step is an audit row.
import { useState, type FormEvent } from 'react';

import { formErrors, type FormErrors } from '../../../api/errors';
import { Alert, Button, Card, Field, Input, Spinner, Textarea } from '../../../components/ui';
import { formatDateTime, formatRelative } from '../../../lib/format';
import { counted } from '../../../lib/plural';
import type { PublicUser } from '../../people/api';
import { PeoplePicker } from '../../people/PeoplePicker';
import { PersonRow } from '../../people/PersonRow';
import { useSuspensionActions, useSuspensions, type SuspendedAccount } from './api';

const INPUTS = ['reason', 'until'] as const;
type Input = (typeof INPUTS)[number];

export function SuspensionsTab({ me }: { me: string }) {
  return (
    <div className="stack" data-testid="suspensions-tab">
      <SuspendForm me={me} />
      <SuspendedList />
    </div>
  );
}

function SuspendForm({ me }: { me: string }) {
  const { suspend } = useSuspensionActions();
  const [picked, setPicked] = useState<PublicUser[]>([]);
  const [reason, setReason] = useState('');
  const [until, setUntil] = useState('');
  const [errors, setErrors] = useState<FormErrors<Input>>({ fields: {}, message: null });
  const [done, setDone] = useState<string | null>(null);
  const person = picked[0];

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!person) return;
    if (!reason.trim()) {
      setErrors({ fields: { reason: 'Say why: the person reads it when they try to log in.' }, message: null });
      return;
    }
    setErrors({ fields: {}, message: null });
    setDone(null);
    const name = person.display_name || person.username;
    suspend.mutate(
      { userId: person.id, reason: reason.trim(), until: until ? new Date(until).toISOString() : null },
      {
        onSuccess: (result) => {
          setDone(`${name} is suspended; ${counted(result.sessions_revoked, { one: 'session', other: 'sessions' })} ended.`);
          setPicked([]);
          setReason('');
          setUntil('');
        },
        onError: (error) => setErrors(formErrors(error, INPUTS)),
      },
    );
  }

  return (
    <Card
      title="Suspend an account"
      description="Every session of the account ends at once, on every device; it cannot log in until the suspension ends or you lift it."
    >
      <form className="stack" onSubmit={onSubmit} noValidate aria-label="Suspend an account">
        <PeoplePicker label="Account" chosen={picked} onChange={setPicked} exclude={[me]} max={1} fullText="One account at a time" />
        <Field label="Reason" error={errors.fields.reason} hint="Shown to the person when they try to log in.">
          {(control) => <Textarea {...control} maxLength={500} rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />}
        </Field>
        <Field label="Ends" optional error={errors.fields.until} hint="Leave empty to suspend until lifted.">
          {(control) => <Input {...control} type="datetime-local" value={until} onChange={(e) => setUntil(e.target.value)} />}
        </Field>
        {errors.message && <Alert tone="error">{errors.message}</Alert>}
        {done && <Alert tone="success">{done}</Alert>}
        <div>
          <Button type="submit" variant="danger" disabled={!person} loading={suspend.isPending}>
            Suspend
          </Button>
        </div>
      </form>
    </Card>
  );
}

function SuspendedList() {
  const suspensions = useSuspensions();
  const { lift } = useSuspensionActions();
  const items = suspensions.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Card title="Suspended accounts" description="Suspended now, most recent first.">
      {suspensions.isPending ? (
        <Spinner label="Loading suspended accounts" />
      ) : suspensions.isError ? (
        <Alert tone="error">{suspensions.error.message}</Alert>
      ) : items.length === 0 ? (
        <p className="muted">Nobody is suspended.</p>
      ) : (
        <ul className="people-list" aria-label="Suspended accounts" data-testid="suspensions">
          {items.map((item) => (
            <Suspended key={item.user.id} item={item} lifting={lift.isPending && lift.variables === item.user.id} onLift={() => lift.mutate(item.user.id)} />
          ))}
        </ul>
      )}
      {lift.error && <Alert tone="error">{lift.error.message}</Alert>}
      {suspensions.hasNextPage && (
        <Button onClick={() => void suspensions.fetchNextPage()} loading={suspensions.isFetchingNextPage}>
          More
        </Button>
      )}
    </Card>
  );
}

function Suspended({ item, lifting, onLift }: { item: SuspendedAccount; lifting: boolean; onLift(): void }) {
  const name = item.user.display_name || item.user.username;
  return (
    <PersonRow user={item.user} live={false} testId="suspension">
      <span className="muted" dir="auto">
        {item.reason}
      </span>{' '}
      <span className="muted">
        since {formatRelative(item.suspended_at)}, {item.until ? `until ${formatDateTime(item.until)}` : 'until lifted'}
      </span>{' '}
      <Button size="sm" aria-label={`Lift the suspension of ${name}`} loading={lifting} onClick={onLift}>
        Lift
      </Button>
    </PersonRow>
  );
}
