import { useState } from 'react';
import { Link, useParams } from 'react-router';

import { ApiError } from '../../api/errors';
import { Alert, Badge, Button, ButtonLink, Card, Icon, Name, PageHeader, Spinner } from '../../components/ui';
import { useMemberActions, useMembership, useSanctum, useSanctumMembers, useSanctumPosts, type SanctumMember } from './api';
import { ConfirmDialog } from '../chat/Dialog';
import { InviteLinks } from '../invites/InviteLinks';
import { ChannelsCard } from './ChannelsCard';
import { PostComposer, PostList } from './PostList';

export function SanctumPage() {
  const { slug = '' } = useParams();
  const sanctum = useSanctum(slug);
  const { join, leave } = useMembership(slug);
  const visible = sanctum.isSuccess;
  const members = useSanctumMembers(slug, visible);
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
              <Button onClick={() => leave.mutate()} loading={leave.isPending}>
                Leave
              </Button>
            </>
          ) : (
            <Button variant="primary" onClick={() => join.mutate()} loading={join.isPending}>
              Join
            </Button>
          )
        }
      />
      <p>
        {s.visibility === 'private' ? <Badge>Private</Badge> : <Badge>Public</Badge>}{' '}
        <span data-testid="member-count">{s.member_count}</span> members{s.my_role && <> · you are {s.my_role}</>}
      </p>
      {s.my_role && <PostComposer sanctumId={s.id} label={`Post in ${s.name}`} />}
      <div className="sanctum-layout">
        <PostList pages={posts} empty="No posts yet." />
        <Card title="Members">
          <ul className="stack">
            {(members.data ?? []).map((m) => (
              <MemberRow key={m.user.id} slug={slug} member={m} manage={s.my_role === 'owner' && m.role !== 'owner'} />
            ))}
          </ul>
        </Card>
      </div>
      {s.my_role && <ChannelsCard slug={slug} mainRoomId={s.room_id} manage={s.my_role === 'owner' || s.my_role === 'moderator'} />}
      {(s.my_role === 'owner' || s.my_role === 'moderator') && <InviteLinks target={{ kind: 'sanctum', slug }} name={s.name} />}
    </div>
  );
}

/** One member; the owner also gets promote/demote and remove (the server decides who may). */
function MemberRow({ slug, member, manage }: { slug: string; member: SanctumMember; manage: boolean }) {
  const { setRole, remove } = useMemberActions(slug);
  const [confirming, setConfirming] = useState(false);
  const name = member.user.display_name;
  const nextRole = member.role === 'moderator' ? 'member' : 'moderator';
  return (
    <li data-testid="member-row">
      <Link to={`/u/${member.user.username}`}>
        <Name>{name}</Name>
      </Link>{' '}
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
      {setRole.error && <Alert tone="error">{setRole.error.message}</Alert>}
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
    </li>
  );
}
