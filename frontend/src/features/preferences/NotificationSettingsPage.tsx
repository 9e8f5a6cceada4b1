import { useEffect, useState, type FormEvent } from 'react';

import { messageOf } from '../../api/errors';
import { Alert, Button, Card, Field, Input, PageHeader, Spinner } from '../../components/ui';
import { currentPushState, registerServiceWorker, subscribePush, unsubscribePush, type PushState } from '../push/push';
import { MutesCard } from './MutesCard';
import { KIND_LABELS, PUSH_KINDS, usePreferences, useUpdatePreferences, type Preferences } from './api';

export function NotificationSettingsPage() {
  const prefs = usePreferences();
  return (
    <div className="stack">
      <PageHeader title="Notification settings" description="What reaches you, where, and when it stays quiet." />
      <PushCard />
      {prefs.isPending && (
        <div className="center-pad">
          <Spinner label="Loading your preferences" />
        </div>
      )}
      {prefs.isError && <Alert tone="error">{messageOf(prefs.error)}</Alert>}
      {prefs.data && <PreferencesForm saved={prefs.data} />}
      <MutesCard />
    </div>
  );
}

const PUSH_TEXT: Record<PushState, string> = {
  unsupported: 'This browser cannot receive push notifications.',
  denied: 'Notifications are blocked for this site in your browser settings.',
  off: 'Off in this browser.',
  on: 'On in this browser: messages, mentions, friend requests and game invitations reach you while Sanctum is closed.',
};

function PushCard() {
  const [state, setState] = useState<PushState | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void registerServiceWorker().catch(() => null);
    void currentPushState().then(setState, () => setState('unsupported'));
  }, []);

  async function toggle() {
    setBusy(true);
    setError(null);
    try {
      setState(state === 'on' ? await unsubscribePush() : await subscribePush());
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : messageOf(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card title="Push notifications" description={state ? PUSH_TEXT[state] : 'Checking this browser…'}>
      {error && <Alert tone="error">{error}</Alert>}
      {(state === 'on' || state === 'off') && (
        <Button variant={state === 'on' ? 'secondary' : 'primary'} loading={busy} onClick={() => void toggle()}>
          {state === 'on' ? 'Turn off push notifications' : 'Turn on push notifications'}
        </Button>
      )}
    </Card>
  );
}

function PreferencesForm({ saved }: { saved: Preferences }) {
  const update = useUpdatePreferences();
  const [kinds, setKinds] = useState(saved.kinds);
  const [digest, setDigest] = useState(saved.email_digest);
  const [previews, setPreviews] = useState(saved.link_previews);
  const [dnd, setDnd] = useState(() => ({
    ...saved.dnd,
    time_zone: saved.dnd.enabled ? saved.dnd.time_zone : Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
  }));
  const [done, setDone] = useState(false);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setDone(false);
    await update.mutateAsync({ kinds, email_digest: digest, dnd, link_previews: previews }).then(() => setDone(true), () => null);
  }

  const names = Object.keys(kinds);
  function setKind(kind: string, patch: Partial<{ in_app: boolean; push: boolean }>) {
    const choice = kinds[kind];
    setKinds({ ...kinds, [kind]: { in_app: choice?.in_app ?? true, push: choice?.push ?? true, ...patch } });
  }
  return (
    <form className="stack" onSubmit={onSubmit} noValidate aria-label="Notification preferences">
      <Card title="By kind" description="Turn off what you do not want to hear about.">
        <table className="prefs-table">
          <thead>
            <tr>
              <th scope="col">Notification</th>
              <th scope="col">In app</th>
              <th scope="col">Push</th>
            </tr>
          </thead>
          <tbody>
            {names.map((kind) => {
              const label = KIND_LABELS[kind] ?? kind;
              const choice = kinds[kind];
              return (
                <tr key={kind}>
                  <th scope="row">{label}</th>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`${label}: in app`}
                      checked={choice?.in_app ?? true}
                      onChange={(e) => setKind(kind, { in_app: e.target.checked })}
                    />
                  </td>
                  <td>
                    {PUSH_KINDS.has(kind) ? (
                      <input
                        type="checkbox"
                        aria-label={`${label}: push`}
                        checked={choice?.push ?? true}
                        onChange={(e) => setKind(kind, { push: e.target.checked })}
                      />
                    ) : (
                      <span aria-hidden="true">—</span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        <label className="check">
          <input type="checkbox" checked={digest} onChange={(e) => setDigest(e.target.checked)} />
          <span>
            Email me the chat mentions I leave unread: one email listing them, with links to their rooms, sent to my
            verified address (quiet hours do not hold it back)
          </span>
        </label>
      </Card>
      <Card title="Do not disturb" description="Quiet hours: no push notifications; the bell still counts.">
        <label className="check">
          <input type="checkbox" checked={dnd.enabled} onChange={(e) => setDnd({ ...dnd, enabled: e.target.checked })} />
          <span>Quiet hours every day</span>
        </label>
        <div className="prefs-times">
          <Field label="From">
            {(control) => (
              <Input {...control} type="time" value={dnd.start} onChange={(e) => setDnd({ ...dnd, start: e.target.value })} />
            )}
          </Field>
          <Field label="Until">
            {(control) => (
              <Input {...control} type="time" value={dnd.end} onChange={(e) => setDnd({ ...dnd, end: e.target.value })} />
            )}
          </Field>
          <Field label="Time zone" hint="An IANA name, e.g. Europe/Paris">
            {(control) => (
              <Input
                {...control}
                maxLength={64}
                value={dnd.time_zone}
                onChange={(e) => setDnd({ ...dnd, time_zone: e.target.value })}
              />
            )}
          </Field>
        </div>
      </Card>
      <Card title="Link previews" description="Cards with the title and picture of a linked page, under the message.">
        <label className="check">
          <input type="checkbox" checked={previews} onChange={(e) => setPreviews(e.target.checked)} />
          <span>Show link previews, and add them to the links I send</span>
        </label>
      </Card>
      {update.isError && <Alert tone="error">{messageOf(update.error)}</Alert>}
      {done && <Alert tone="success">Preferences saved.</Alert>}
      <div>
        <Button type="submit" loading={update.isPending}>
          Save preferences
        </Button>
      </div>
    </form>
  );
}
