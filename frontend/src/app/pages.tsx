import { Avatar, ButtonLink, Card, Icon, Name, type IconName } from '../components/ui';
import { useMe } from '../features/auth/useMe';
import { NAV } from './nav';

const BLURBS: Record<string, string> = {
  '/chat': 'Rooms and direct messages, live.',
  '/sanctums': 'Communities with their own rooms and members.',
  '/games': 'Multiplayer games with friends, starting with Connect Four.',
  '/friends': 'Friends, requests and who is online.',
};

export function HomePage() {
  const me = useMe();
  const name = me.data?.display_name || me.data?.username || '';
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
          <p className="hero__text">This is your Sanctum. Here is what you can do today, and what is coming next.</p>
        </div>
      </section>
      <section aria-labelledby="home-account">
        <h2 className="section-title" id="home-account">
          Your account
        </h2>
        <div className="tiles">
          <Tile icon="user" title="Your profile" text="See yourself as others do." to={me.data ? `/u/${me.data.username}` : '/'} cta="View profile" />
          <Tile icon="edit" title="Edit profile" text="Display name, bio and avatar." to="/settings/profile" cta="Edit" />
          <Tile icon="devices" title="Sessions & devices" text="Where you are logged in." to="/settings/sessions" cta="Review" />
        </div>
      </section>
      <section aria-labelledby="home-soon">
        <h2 className="section-title" id="home-soon">
          Coming soon
        </h2>
        <ul className="upcoming">
          {NAV.filter((n) => !n.ready).map((n) => (
            <li key={n.to} className="upcoming__item">
              <Icon name={n.icon} />
              <div>
                <p className="upcoming__title">{n.label}</p>
                <p className="upcoming__text">{BLURBS[n.to]}</p>
              </div>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}

function Tile({ icon, title, text, to, cta }: { icon: IconName; title: string; text: string; to: string; cta: string }) {
  return (
    <Card className="tile">
      <span className="tile__icon" aria-hidden="true">
        <Icon name={icon} size={22} />
      </span>
      <h3 className="tile__title">{title}</h3>
      <p className="tile__text">{text}</p>
      <ButtonLink to={to} size="sm" variant="ghost" className="tile__cta">
        {cta} →
      </ButtonLink>
    </Card>
  );
}

export function ComingSoonPage({ area }: { area: string }) {
  const entry = NAV.find((n) => n.label === area);
  return (
    <Card className="empty">
      <Icon name={entry?.icon ?? 'sparkles'} size={32} />
      <h1 className="empty__title">{area} is coming soon</h1>
      <p className="empty__text">{entry ? BLURBS[entry.to] : ''} It is being built right now.</p>
      <ButtonLink to="/" variant="secondary">
        Back home
      </ButtonLink>
    </Card>
  );
}

export function NotFoundPage() {
  return (
    <Card className="empty">
      <Icon name="globe" size={32} />
      <h1 className="empty__title">Page not found</h1>
      <p className="empty__text">The page you are looking for does not exist or has moved.</p>
      <ButtonLink to="/" variant="secondary">
        Back home
      </ButtonLink>
    </Card>
  );
}
