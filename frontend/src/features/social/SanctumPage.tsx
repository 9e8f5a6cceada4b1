import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useParams } from 'react-router';

import { ApiError } from '../../api/errors';
import { Alert, Badge, Button, ButtonLink, Card, Icon, Input, Name, PageHeader, Spinner } from '../../components/ui';
import { LIVE_PRESENCE_ROWS, PersonRow } from '../people/PersonRow';
import { socialKeys, useMemberActions, useMemberDirectory, useMembership, useSanctum, useSanctumPosts, type MemberRole, type SanctumMember } from './api';
import { banFromSanctum, can, moderationKeys, useRoles } from '../moderation/api';
import { BansCard } from '../moderation/BansCard';
import { RolesCard } from '../moderation/RolesCard';
import { ConfirmDialog } from '../chat/Dialog';
import { EmojiCard } from '../emoji/EmojiCard';
import { SanctumIcon } from '../files/SanctumIcon';
import { InviteLinks } from '../invites/InviteLinks';
import { ChannelsCard } from './ChannelsCard';
import { PostComposer, PostList } from './PostList';
import { MEMBERS, plural } from '../../lib/plural';

export function SanctumPage() {
  const { slug = '' } = useParams();
  const sanctum = useSanctum(slug);
  const { join, leave } = useMembership(slug);
  const visible = sanctum.isSuccess;
  const posts = useSanctumPosts(slug, visible);

  if (sanctum.isPending) return <Spinner label="Loading sanctum" />;
  if (sanctum.isError) {
    const missing = sanctum.error instanceof ApiError && (sanctum.error.status === 404 || sanctum.error.status === 422);
    return <Alert tone="error">{missing ? 'There is no such sanctum, or it is private.' : sanctum.error.message}</Alert>;
  }
  const s = sanctum.data;
  return (
    <div className="stack">
      <PageHeader
        title={<Name>{s.name}</Name>}
        description={s.description ? <span dir="auto">{s.description}</span> : undefined}
        actions={
          s.my_role ? (
            <>
              {s.room_id && (
                <ButtonLink to={`/chat/${s.room_id}`} icon={<Icon name="chat" size={16} />}>
                  Chat room
                </ButtonLink>
              )}
              {can(s.my_permissions, 'audit.read') && (
                <ButtonLink to={`/moderation?sanctum=${encodeURIComponent(slug)}`} icon={<Icon name="shield" size={16} />}>
                  Moderation
                </ButtonLink>
              )}
              {s.my_role !== 'owner' && (
                <Button onClick={() => leave.mutate()} loading={leave.isPending}>
                  Leave
                </Button>
              )}
            </>
          ) : (
            <Button variant="primary" onClick={() => join.mutate()} loading={join.isPending}>
              Join
            </Button>
          )
        }
      />
      <SanctumIcon sanctumId={s.id} name={s.name} manage={can(s.my_permissions, 'sanctum.manage')} />
      <p>
        {s.visibility === 'private' ? <Badge>Private</Badge> : <Badge>Public</Badge>}{' '}
        <span data-testid="member-count">{s.member_count}</span> {plural(s.member_count, MEMBERS)}{s.my_role && <> · you are {s.my_role}</>}
      </p>
      {s.my_role === 'owner' && s.member_count > 1 && (
        <p className="muted">You own this sanctum: to leave it, first make another member its owner.</p>
      )}
      {leave.error && <Alert tone="error">{leave.error.message}</Alert>}
      {s.my_role && <PostComposer sanctumId={s.id} label={`Post in ${s.name}`} />}
      <div className="sanctum-layout">
        <PostList pages={posts} empty="No posts yet." />
        <MemberDirectory
          slug={slug}
          count={s.member_count}
          manage={can(s.my_permissions, 'role.manage')}
          canBan={can(s.my_permissions, 'user.ban')}
        />
      </div>
      {s.my_role && <ChannelsCard slug={slug} mainRoomId={s.room_id} manage={can(s.my_permissions, 'room.manage')} />}
      {can(s.my_permissions, 'sanctum.manage') && <InviteLinks target={{ kind: 'sanctum', slug }} name={s.name} />}
      {can(s.my_permissions, 'emoji.manage') && <EmojiCard sanctumId={s.id} />}
      {can(s.my_permissions, 'role.manage') && <RolesCard slug={slug} />}
      {can(s.my_permissions, 'user.ban') && <BansCard slug={slug} />}
    </div>
  );
}

const ROLE_FILTERS: { role: MemberRole | ''; label: string }[] = [
  { role: '', label: 'Everyone' },
  { role: 'moderator', label: 'Moderators' },
  { role: 'member', label: 'Members' },
];

/** The sanctum's people: search by name, narrow by role; the owner first, then moderators, then members. */
function MemberDirectory({ slug, count, manage, canBan }: { slug: string; count: number; manage: boolean; canBan: boolean }) {
  const [text, setText] = useState('');
  const [query, setQuery] = useState('');
  const [role, setRole] = useState<MemberRole | ''>('');
  useEffect(() => {
    const timer = window.setTimeout(() => setQuery(text.trim().replace(/^@$/, '')), 150);
    return () => window.clearTimeout(timer);
  }, [text]);
  const members = useMemberDirectory(slug, query, role, true);
  const list = members.data ?? [];
  return (
    <Card title="Members">
      <div className="stack">
        {count > 1 && (
          <>
            <Input type="search" aria-label="Search members" placeholder="Find a member" value={text} maxLength={64} onChange={(e) => setText(e.target.value)} />
            <div className="segmented" role="group" aria-label="Show">
              {ROLE_FILTERS.map((option) => (
                <button
                  key={option.role || 'all'}
                  type="button"
                  className={`segmented__option${role === option.role ? ' segmented__option--on' : ''}`}
                  aria-pressed={role === option.role}
                  onClick={() => setRole(option.role)}
                >
                  {option.label}
                </button>
              ))}
            </div>
          </>
        )}
        {members.isPending ? (
          <Spinner label="Loading members" />
        ) : list.length === 0 ? (
          <p className="muted">{query ? `No member's name starts with “${query}”.` : 'Nobody here with that role.'}</p>
        ) : (
          <ul className="people-list" aria-label="Members">
            {list.map((m, i) => (
              <MemberRow
                key={m.user.id}
                slug={slug}
                member={m}
                manage={manage && m.role !== 'owner'}
                canBan={canBan && m.role !== 'owner'}
                live={i < LIVE_PRESENCE_ROWS}
              />
            ))}
          </ul>
        )}
      </div>
    </Card>
  );
}

/** One member; the owner also gets promote/demote and remove (the server decides who may). */
function MemberRow({
  slug,
  member,
  manage,
  canBan,
  live,
}: {
  slug: string;
  member: SanctumMember;
  manage: boolean;
  canBan: boolean;
  live: boolean;
}) {
  const { setRole, remove, transfer } = useMemberActions(slug);
  const queryClient = useQueryClient();
  const [banError, setBanError] = useState<string | null>(null);
  async function ban() {
    try {
      await banFromSanctum(slug, member.user.id, '');
      void queryClient.invalidateQueries({ queryKey: socialKeys.sanctums });
      void queryClient.invalidateQueries({ queryKey: moderationKeys.bans(slug) });
    } catch (e) {
      setBanError(e instanceof Error ? e.message : 'Could not ban them.');
    }
  }
  const [confirming, setConfirming] = useState(false);
  const [handing, setHanding] = useState(false);
  const name = member.user.display_name;
  const nextRole = member.role === 'moderator' ? 'member' : 'moderator';
  const roles = useRoles(slug, manage);
  return (
    <PersonRow user={member.user} live={live} testId="member-row">
      {member.role !== 'member' && <Badge>{member.role}</Badge>}
      {manage && (
        <span className="member-actions">
          <Button
            size="sm"
            onClick={() => setRole.mutate({ userId: member.user.id, role: nextRole })}
            loading={setRole.isPending}
            aria-label={`Make ${name} a ${nextRole}`}
          >
            Make {nextRole}
          </Button>
          {/* Custom roles are given here; moderator and member with the button beside it. */}
          {roles.data?.items.some((role) => !role.builtin) && (
            <select
              aria-label={`Role of ${name}`}
              value={member.role}
              disabled={setRole.isPending}
              onChange={(event) => setRole.mutate({ userId: member.user.id, role: event.target.value })}
            >
              {roles.data.items
                .filter((role) => role.name !== 'owner')
                .map((role) => (
                  <option key={role.name} value={role.name}>
                    {role.name}
                  </option>
                ))}
            </select>
          )}
          <Button size="sm" onClick={() => setHanding(true)} aria-label={`Make ${name} the owner`}>
            Make owner
          </Button>
          <Button
            size="sm"
            variant="danger"
            onClick={() => setConfirming(true)}
            aria-label={`Remove ${name}`}
          >
            Remove
          </Button>
        </span>
      )}
      {canBan && (
        <Button size="sm" variant="danger" onClick={() => void ban()} aria-label={`Ban ${name}`}>
          Ban
        </Button>
      )}
      {setRole.error && <Alert tone="error">{setRole.error.message}</Alert>}
      {banError && <Alert tone="error">{banError}</Alert>}
      {handing && (
        <ConfirmDialog
          title={
            <>
              Make <Name>{name}</Name> the owner?
            </>
          }
          body="They get every power you have; you stay on as a moderator and can then leave."
          confirmLabel="Make owner"
          busy={transfer.isPending}
          error={transfer.error?.message}
          onConfirm={() => transfer.mutate(member.user.id, { onSuccess: () => setHanding(false) })}
          onClose={() => setHanding(false)}
        />
      )}
      {confirming && (
        <ConfirmDialog
          title={
            <>
              Remove <Name>{name}</Name>?
            </>
          }
          body="They leave the sanctum and its chat room. They can join again if the sanctum is public."
          confirmLabel="Remove"
          busy={remove.isPending}
          error={remove.error?.message}
          onConfirm={() => remove.mutate(member.user.id, { onSuccess: () => setConfirming(false) })}
          onClose={() => setConfirming(false)}
        />
      )}
    </PersonRow>
  );
}
