import { useNavigate, useParams } from 'react-router';

import { ApiError } from '../../api/errors';
import { Alert, Avatar, Badge, Button, ButtonLink, Card, Icon, Name, Spinner } from '../../components/ui';
import { formatDate } from '../../lib/format';
import { usePresence, type PresenceView } from '../../lib/realtime';
import { useMe } from '../auth/useMe';
import { BlockButton } from '../blocks/Blocked';
import { ReportButton } from '../moderation/reports/ReportButton';
import { useOpenDm } from '../chat/api';
import { useUserPosts } from '../social/api';
import { FriendButton } from '../social/FriendsPage';
import { PostList } from '../social/PostList';
import { useUser } from './api';

const USERNAME = /^[A-Za-z0-9_]{3,32}$/;

export function ProfilePage() {
  const { username = '' } = useParams();
  const valid = USERNAME.test(username);
  if (!valid) return <NotFoundCard username={username} />;
  return <Profile username={username} />;
}

function NotFoundCard({ username }: { username: string }) {
  return (
    <Card className="empty">
      <Icon name="user" size={32} />
      <h1 className="empty__title">No one here</h1>
      <p className="empty__text">There is no user called @{username}.</p>
      <ButtonLink to="/" variant="secondary">
        Back home
      </ButtonLink>
    </Card>
  );
}

function Profile({ username }: { username: string }) {
  const user = useUser(username);
  const me = useMe();
  const presence = usePresence(user.data?.id);

  if (user.isPending) {
    return (
      <div className="center-pad">
        <Spinner label="Loading profile" />
      </div>
    );
  }
  if (user.isError) {
    if (user.error instanceof ApiError && user.error.status === 404) return <NotFoundCard username={username} />;
    return <Alert tone="error">{user.error.message}</Alert>;
  }

  const profile = user.data;
  const isMe = me.data?.id === profile.id;
  return (
    <article className="profile">
      <div className="profile__banner" aria-hidden="true" />
      <div className="profile__head">
        <span className="profile__avatar">
          <Avatar name={profile.display_name || profile.username} src={profile.avatar_url} size="xl" />
          {presence !== 'unknown' && <span className={`presence presence--${presence}`}><span className="presence__dot" aria-hidden="true" /></span>}
        </span>
        {isMe ? (
          <ButtonLink to="/settings/profile" variant="secondary" icon={<Icon name="edit" size={16} />} className="profile__edit">
            Edit profile
          </ButtonLink>
        ) : (
          <div className="profile__edit profile__buttons">
            <FriendButton userId={profile.id} />
            <MessageButton userId={profile.id} />
            <BlockButton userId={profile.id} />
            <ReportButton targetType="user" targetId={profile.id} />
          </div>
        )}
      </div>
      <div className="profile__names">
        <h1 className="profile__display-name">
          <Name>{profile.display_name}</Name>
        </h1>
        <p className="profile__username">
          @{profile.username} {isMe && <Badge tone="accent">You</Badge>} {profile.is_bot && <Badge tone="accent">Bot</Badge>}{' '}
          <Presence status={presence} />
        </p>
      </div>
      <Card title="About">
        {profile.bio ? (
          <p className="profile__bio" data-testid="profile-bio" dir="auto">
            {profile.bio}
          </p>
        ) : (
          <p className="muted">{isMe ? 'You have not written a bio yet.' : 'No bio yet.'}</p>
        )}
        <p className="profile__meta">
          <Icon name="calendar" size={16} /> Joined {formatDate(profile.created_at)}
        </p>
      </Card>
      <ProfilePosts username={profile.username} />
    </article>
  );
}

function ProfilePosts({ username }: { username: string }) {
  const posts = useUserPosts(username);
  return (
    <section aria-label="Profile posts" className="stack">
      <h2 className="section-title">Posts</h2>
      <PostList pages={posts} empty="No posts on this profile yet." />
    </section>
  );
}

/** Opens (or creates) the direct message with this person. */
function MessageButton({ userId }: { userId: string }) {
  const openDm = useOpenDm();
  const navigate = useNavigate();
  return (
    <div className="profile__edit profile__message">
      <Button
        variant="primary"
        icon={<Icon name="chat" size={16} />}
        loading={openDm.isPending}
        onClick={() => openDm.mutate(userId, { onSuccess: (room) => navigate(`/chat/${room.id}`) })}
      >
        Message
      </Button>
      {openDm.isError && (
        <p className="field__error" role="alert">
          {openDm.error.message}
        </p>
      )}
    </div>
  );
}

/** Online or offline, live from `presence:{user_id}`; nothing while it is not known. */
function Presence({ status }: { status: PresenceView }) {
  if (status === 'unknown') return null;
  return (
    <span className={`presence presence--${status}`} data-testid="presence" data-status={status}>
      <span className="presence__dot" aria-hidden="true" />
      {status === 'online' ? 'Online' : 'Offline'}
    </span>
  );
}
