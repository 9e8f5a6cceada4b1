import { ButtonLink, Card, Icon } from '../components/ui';
import { NAV } from './nav';

const BLURBS: Record<string, string> = {
  '/chat': 'Rooms and direct messages, live.',
  '/sanctums': 'Communities with their own rooms and members.',
  '/games': 'Multiplayer games with friends, starting with Connect Four.',
  '/friends': 'Friends, requests and who is online.',
};

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
