import { Link, useParams } from 'react-router';

import { ApiError } from '../../api/errors';
import { Alert, Badge, Button, ButtonLink, Card, Icon, PageHeader, Spinner } from '../../components/ui';
import { useMembership, useSanctum, useSanctumMembers, useSanctumPosts } from './api';
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
        title={s.name}
        description={s.description || undefined}
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
              <li key={m.user.id}>
                <Link to={`/u/${m.user.username}`}>{m.user.display_name}</Link> {m.role !== 'member' && <Badge>{m.role}</Badge>}
              </li>
            ))}
          </ul>
        </Card>
      </div>
    </div>
  );
}
