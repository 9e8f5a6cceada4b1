import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';

import { ApiError } from '../../api/errors';
import { Alert, Badge, Button, Card, Field, Input, Name, PageHeader, Spinner } from '../../components/ui';
import { useCreateSanctum, useDiscover, useMySanctums, type Sanctum } from './api';
import { counted, MEMBERS } from '../../lib/plural';

function slugify(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
}

function SanctumRow({ sanctum }: { sanctum: Sanctum }) {
  return (
    <li className="directory-room" data-testid="sanctum-row">
      <Link to={`/sanctums/${sanctum.slug}`}>
        <strong>
          <Name>{sanctum.name}</Name>
        </strong>
      </Link>{' '}
      <span className="muted">
        {counted(sanctum.member_count, MEMBERS)}
      </span>{' '}
      {sanctum.visibility === 'private' && <Badge>Private</Badge>}
      {sanctum.my_role && <Badge tone="accent">{sanctum.my_role}</Badge>}
    </li>
  );
}

export function SanctumsPage() {
  const [q, setQ] = useState('');
  const discover = useDiscover(q.trim());
  const mine = useMySanctums();
  return (
    <div className="stack">
      <PageHeader title="Sanctums" description="Communities with their own posts, members and chat room." />
      <CreateSanctum />
      <Card title="Your sanctums">
        {mine.isPending ? <Spinner label="Loading" /> : (
          <ul className="stack">{(mine.data ?? []).map((s) => <SanctumRow key={s.id} sanctum={s} />)}</ul>
        )}
      </Card>
      <Card title="Discover">
        <Input type="search" aria-label="Search sanctums" placeholder="Search by name" value={q} maxLength={80} onChange={(e) => setQ(e.target.value)} />
        {discover.isPending ? <Spinner label="Loading" /> : (
          <ul className="stack">{(discover.data?.items ?? []).filter((s) => !s.my_role).map((s) => <SanctumRow key={s.id} sanctum={s} />)}</ul>
        )}
      </Card>
    </div>
  );
}

function CreateSanctum() {
  const [name, setName] = useState('');
  const [slug, setSlug] = useState('');
  const [description, setDescription] = useState('');
  const [visibility, setVisibility] = useState<'public' | 'private'>('public');
  const create = useCreateSanctum();
  const navigate = useNavigate();
  const fields: Record<string, string> = create.error instanceof ApiError ? create.error.fields : {};
  const slugError = fields.slug;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(
      { name, slug: slug || slugify(name), description, visibility },
      { onSuccess: (made) => void navigate(`/sanctums/${made.slug}`) },
    );
  };
  return (
    <Card title="Found a sanctum">
      <form onSubmit={submit} className="stack">
        <Field label="Name">{(c) => <Input {...c} value={name} maxLength={80} onChange={(e) => setName(e.target.value)} required />}</Field>
        <Field label="Address" hint="Lowercase letters, digits and hyphens" error={slugError}>
          {(c) => <Input {...c} value={slug} placeholder={slugify(name)} maxLength={40} onChange={(e) => setSlug(e.target.value)} />}
        </Field>
        <Field label="Description" optional>
          {(c) => <Input {...c} value={description} maxLength={1000} onChange={(e) => setDescription(e.target.value)} />}
        </Field>
        <Field label="Visibility">
          {(c) => (
            <select {...c} className="input" value={visibility} onChange={(e) => setVisibility(e.target.value as 'public' | 'private')}>
              <option value="public">Public: anyone can find and join</option>
              <option value="private">Private: members only</option>
            </select>
          )}
        </Field>
        {create.error && !slugError && <Alert tone="error">{create.error.message}</Alert>}
        <div>
          <Button type="submit" variant="primary" loading={create.isPending} disabled={!name.trim()}>
            Create sanctum
          </Button>
        </div>
      </form>
    </Card>
  );
}
