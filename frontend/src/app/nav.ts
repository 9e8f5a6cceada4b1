import type { IconName } from '../components/ui';

export interface NavEntry {
  to: string;
  label: string;
  icon: IconName;
  /** Areas not built yet are listed, marked "Soon", and not clickable. */
  ready: boolean;
}

export const NAV: readonly NavEntry[] = [
  { to: '/', label: 'Home', icon: 'home', ready: true },
  { to: '/feed', label: 'Feed', icon: 'sparkles', ready: true },
  { to: '/chat', label: 'Chat', icon: 'chat', ready: true },
  { to: '/sanctums', label: 'Sanctums', icon: 'sanctums', ready: true },
  { to: '/games', label: 'Games', icon: 'games', ready: true },
  { to: '/friends', label: 'Friends', icon: 'friends', ready: true },
];
