// A sanctum's roles, for whoever holds `role.manage` there: the built-in ones, the custom ones with
// their permissions, and a form to make one (with permissions the caller holds; the server checks).
import { useState, type FormEvent } from 'react';

import { Alert, Badge, Button, Card, Input } from '../../components/ui';
import { useRoleActions, useRoles, type Permission } from './api';

export function RolesCard({ slug }: { slug: string }) {
  const roles = useRoles(slug);
  const { create, remove } = useRoleActions(slug);
  const [name, setName] = useState('');
  const [chosen, setChosen] = useState<Permission[]>([]);
  const mine = roles.data?.my_permissions ?? [];

  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate(
      { name: name.trim().toLowerCase(), permissions: chosen },
      {
        onSuccess: () => {
          setName('');
          setChosen([]);
        },
      },
    );
  }

  return (
    <Card title="Roles" description="Give members a role to let them moderate. Built-in roles cannot be changed.">
      <ul className="roles" data-testid="roles">
        {(roles.data?.items ?? []).map((role) => (
          <li key={role.name} className="roles__row">
            <strong>{role.name}</strong> {role.builtin && <Badge>built-in</Badge>} <span className="muted">({role.holders})</span>{' '}
            <span className="muted">{role.permissions.join(', ') || 'no permissions'}</span>
            {!role.builtin && (
              <Button size="sm" variant="danger" aria-label={`Delete the role ${role.name}`} onClick={() => remove.mutate(role.name)}>
                Delete
              </Button>
            )}
          </li>
        ))}
      </ul>
      <form className="stack" onSubmit={submit}>
        <Input aria-label="New role name" placeholder="e.g. helper" value={name} maxLength={32} onChange={(e) => setName(e.target.value)} />
        <fieldset className="roles__permissions">
          <legend>Permissions</legend>
          {mine
            .filter((p) => p !== 'site.admin')
            .map((permission) => (
              <label key={permission}>
                <input
                  type="checkbox"
                  checked={chosen.includes(permission)}
                  onChange={(e) => setChosen((c) => (e.target.checked ? [...c, permission] : c.filter((p) => p !== permission)))}
                />{' '}
                {permission}
              </label>
            ))}
        </fieldset>
        <Button type="submit" disabled={!name.trim()} loading={create.isPending}>
          Create role
        </Button>
        {(create.error ?? remove.error) && <Alert tone="error">{(create.error ?? remove.error)?.message}</Alert>}
      </form>
    </Card>
  );
}
