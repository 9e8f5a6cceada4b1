// The first screen: what needs you first (unread conversations, games on your turn, friend requests,
// mentions, new posts in your sanctums) and, until it is done, the first-run checklist.
import type { ReactNode } from 'react';
import { Link } from 'react-router';

import { Alert, Avatar, Badge, ButtonLink, Card, Icon, Name, Spinner, type IconName } from '../../components/ui';
import { counted, type Forms } from '../../lib/plural';
import { useMe } from '../auth/useMe';
import { notificationLink } from '../notifications/model';
import { useHome, type HomeData } from './api';

const UNREAD: Forms = { one: 'unread message', other: 'unread messages' };

const STEPS: { key: keyof Omit<HomeData['checklist'], 'done'>; icon: IconName; text: string; to: string; cta: string }[] = [
  { key: 'in_sanctum', icon: 'sanctums', text: 'Join or create a sanctum', to: '/sanctums', cta: 'Find a sanctum' },
  { key: 'said_hello', icon: 'chat', text: 'Say hello in a room', to: '/chat', cta: 'Open chat' },
  { key: 'has_friend', icon: 'friends', text: 'Add a friend', to: '/friends', cta: 'Find people' },
  { key: 'played_game', icon: 'games', text: 'Play a game', to: '/games', cta: 'Play' },
];

export function HomePage() {
  const me = useMe();
  const home = useHome();
  const name = me.data?.display_name || me.data?.username || '';
  const data = home.data;
  const nothing =
    data &&
    !data.unread_rooms.length &&
    !data.your_turn.length &&
    !data.friend_requests.length &&
    !data.mentions.length &&
    !data.new_posts.length;
  return (
    <div className="stack">
      <section className="hero">
        <Avatar name={name || '?'} src={me.data?.avatar_url} size="lg" />
        <div>
          <h1 className="hero__title">
            Welcome
            {name && (
              <>
                , <Name>{name}</Name>
              </>
            )}
          </h1>
          <p className="hero__text">What needs you first.</p>
        </div>
      </section>
      {home.isPending && <Spinner label="Loading your home" />}
      {home.isError && <Alert tone="error">Could not load your home. It will try again.</Alert>}
      {data?.first_sanctum && (
        <Card className="home-first">
          <h2 className="section-title">This Sanctum has no community yet</h2>
          <p>Be the first: create a sanctum, then invite people with a link.</p>
          <ButtonLink to="/sanctums" variant="primary">
            Create the first sanctum
          </ButtonLink>
        </Card>
      )}
      {data && !data.checklist.done && <Checklist checklist={data.checklist} />}
      {data && (
        <div className="home-grid">
          <Section id="home-unread" title="Unread" items={data.unread_rooms}>
            {(r) => (
              <li key={r.room.id}>
                <Link className="home-row" to={`/chat/${r.room.id}`}>
                  <Icon name={r.room.kind === 'dm' ? 'user' : 'hash'} size={16} />
                  <span className="home-row__text">
                    <Name>{r.room.kind === 'dm' ? r.room.dm_user?.display_name || r.room.name : r.room.name}</Name>
                  </span>
                  <Badge tone="accent">
                    {r.unread_count >= 100 ? '99+' : r.unread_count}
                    <span className="sr-only"> {counted(r.unread_count, UNREAD).replace(/^\d+ /, '')}</span>
                  </Badge>
                </Link>
              </li>
            )}
          </Section>
          <Section id="home-turn" title="Your turn" items={data.your_turn}>
            {(g) => (
              <li key={g.id}>
                <Link className="home-row" to={`/games/rooms/${g.id}`}>
                  <Icon name="games" size={16} />
                  <span className="home-row__text">
                    {g.title} with{' '}
                    <Name>{g.players.filter((p) => p.user_id !== me.data?.id).map((p) => p.name).join(', ') || 'nobody yet'}</Name>
                  </span>
                </Link>
              </li>
            )}
          </Section>
          <Section id="home-requests" title="Friend requests" items={data.friend_requests}>
            {(r) => (
              <li key={r.user.id}>
                <Link className="home-row" to="/friends">
                  <Avatar name={r.user.display_name || r.user.username} src={r.user.avatar_url} size="sm" />
                  <span className="home-row__text">
                    <Name>{r.user.display_name || r.user.username}</Name> wants to be friends
                  </span>
                </Link>
              </li>
            )}
          </Section>
          <Section id="home-mentions" title="Mentions" items={data.mentions}>
            {(n) => (
              <li key={n.id}>
                <Link className="home-row" to={notificationLink(n)}>
                  <Icon name="bell" size={16} />
                  <span className="home-row__text">{n.text}</span>
                </Link>
              </li>
            )}
          </Section>
          <Section id="home-posts" title="New in your sanctums" items={data.new_posts}>
            {(p) => (
              <li key={p.id}>
                <Link className="home-row" to={`/posts/${p.id}`}>
                  <Icon name="sanctums" size={16} />
                  <span className="home-row__text">
                    <Name>{p.author?.display_name || p.author?.username || 'A deleted user'}</Name>
                    {p.sanctum && (
                      <>
                        {' in '}
                        <Name>{p.sanctum.name}</Name>
                      </>
                    )}
                    : {p.body.length > 90 ? `${p.body.slice(0, 90)}…` : p.body}
                  </span>
                </Link>
              </li>
            )}
          </Section>
        </div>
      )}
      {nothing && data?.checklist.done && <p className="muted">You are all caught up.</p>}
    </div>
  );
}

function Checklist({ checklist }: { checklist: HomeData['checklist'] }) {
  const done = STEPS.filter((s) => checklist[s.key]).length;
  return (
    <Card className="checklist">
      <h2 className="section-title" id="home-checklist">
        Get started ({done} of {STEPS.length})
      </h2>
      <ul aria-labelledby="home-checklist" className="checklist__steps">
        {STEPS.map((step) => (
          <li key={step.key} className={checklist[step.key] ? 'checklist__step checklist__step--done' : 'checklist__step'}>
            <Icon name={checklist[step.key] ? 'check' : step.icon} size={18} />
            <span className="checklist__text">{step.text}</span>
            {checklist[step.key] ? (
              <span className="checklist__state">Done</span>
            ) : (
              <ButtonLink to={step.to} size="sm" variant="ghost">
                {step.cta}
              </ButtonLink>
            )}
          </li>
        ))}
      </ul>
    </Card>
  );
}

function Section<T>({ id, title, items, children }: { id: string; title: string; items: T[]; children: (item: T) => ReactNode }) {
  if (!items.length) return null;
  return (
    <section aria-labelledby={id} className="home-section">
      <h2 className="section-title" id={id}>
        {title}
      </h2>
      <ul className="home-list">{items.map(children)}</ul>
    </section>
  );
}
