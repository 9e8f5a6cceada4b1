import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';

import { formErrors } from '../../api/errors';
import { Alert, Button, Field, Icon, type IconName, Input, Textarea } from '../../components/ui';
import { resolveUsernames, useCreateRoom } from './api';
import { Dialog } from './Dialog';
import type { RoomCreate } from './types';

type Kind = NonNullable<RoomCreate['kind']>;

const KINDS: { kind: Kind; icon: IconName; title: string; text: string }[] = [
  { kind: 'public', icon: 'hash', title: 'Public', text: 'Listed in the directory; anyone can join.' },
  { kind: 'private', icon: 'lock', title: 'Private', text: 'Invite only; moderators add people.' },
  { kind: 'group', icon: 'users', title: 'Group', text: 'A small circle (up to 20); anyone in it can add people.' },
];

const INPUTS = ['name', 'topic', 'kind', 'member_ids'] as const;

export function CreateRoomDialog({ onClose }: { onClose(): void }) {
  const create = useCreateRoom();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [topic, setTopic] = useState('');
  const [kind, setKind] = useState<Kind>('public');
  const [people, setPeople] = useState('');
  const [errors, setErrors] = useState<{ fields: Partial<Record<(typeof INPUTS)[number] | 'people', string>>; message: string | null }>({
    fields: {},
    message: null,
  });
  const [busy, setBusy] = useState(false);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const trimmed = name.trim();
    if (!trimmed) {
      setErrors({ fields: { name: 'Give the room a name.' }, message: null });
      return;
    }
    setBusy(true);
    setErrors({ fields: {}, message: null });
    try {
      const usernames = kind === 'public' ? [] : people.split(/[\s,]+/).map((u) => u.replace(/^@/, '')).filter(Boolean);
      const { ids, missing } = await resolveUsernames(usernames);
      if (missing.length) {
        setErrors({ fields: { people: `No such user: ${missing.map((u) => `@${u}`).join(', ')}` }, message: null });
        return;
      }
      const room = await create.mutateAsync({ name: trimmed, topic: topic.trim(), description: '', kind, member_ids: ids.length ? ids : undefined });
      onClose();
      navigate(`/chat/${room.id}`);
    } catch (error) {
      setErrors(formErrors(error, INPUTS));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog title="New room" description="A place to talk about one thing." onClose={onClose}>
      <form className="form dialog__body" onSubmit={onSubmit} noValidate>
        {errors.message && <Alert tone="error">{errors.message}</Alert>}
        <Field label="Name" error={errors.fields.name} aside={`${name.length}/80`}>
          {(control) => (
            <Input {...control} name="name" maxLength={80} value={name} autoFocus placeholder="e.g. design-reviews" onChange={(e) => setName(e.target.value)} />
          )}
        </Field>
        <Field label="Topic" optional error={errors.fields.topic} hint="Shown under the name in the room's header.">
          {(control) => (
            <Textarea {...control} name="topic" rows={2} maxLength={250} value={topic} onChange={(e) => setTopic(e.target.value)} />
          )}
        </Field>
        <fieldset className="kind-picker">
          <legend className="field__label">Kind</legend>
          {KINDS.map((option) => (
            <label key={option.kind} className={`kind-option${kind === option.kind ? ' kind-option--checked' : ''}`}>
              <input type="radio" name="kind" value={option.kind} checked={kind === option.kind} onChange={() => setKind(option.kind)} />
              <Icon name={option.icon} size={18} />
              <span className="kind-option__text">
                <span className="kind-option__title">{option.title}</span>
                <span className="kind-option__hint">{option.text}</span>
              </span>
            </label>
          ))}
        </fieldset>
        {kind !== 'public' && (
          <Field label="People" optional error={errors.fields.people ?? errors.fields.member_ids} hint="Usernames, separated by commas or spaces.">
            {(control) => (
              <Input {...control} name="people" value={people} placeholder="ada, grace" autoComplete="off" onChange={(e) => setPeople(e.target.value)} />
            )}
          </Field>
        )}
        <div className="form__actions">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" loading={busy}>
            Create room
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
