import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { Link } from 'react-router';

import { Avatar, Icon, Name, type IconName } from '../components/ui';
import { useAuth } from '../features/auth/AuthContext';
import { useMe } from '../features/auth/useMe';

interface Item {
  label: string;
  icon: IconName;
  to?: string;
  onSelect?: () => void;
}

/** The account button of the top bar: a menu button with arrow-key navigation (WAI-ARIA menu pattern). */
export function UserMenu() {
  const me = useMe();
  const { signOut } = useAuth();
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const menuId = useId();

  const name = me.data?.display_name || me.data?.username || '';
  const items: Item[] = [
    { label: 'Your profile', icon: 'user', to: me.data ? `/u/${me.data.username}` : '/' },
    { label: 'Edit profile', icon: 'edit', to: '/settings/profile' },
    { label: 'Security', icon: 'lock', to: '/settings/security' },
    { label: 'Sessions & devices', icon: 'devices', to: '/settings/sessions' },
    { label: 'Notification settings', icon: 'bell', to: '/settings/notifications' },
    { label: 'Your data', icon: 'down', to: '/settings/data' },
    { label: 'Log out', icon: 'logout', onSelect: () => void signOut() },
  ];

  useEffect(() => {
    if (!open) return;
    function onPointer(event: PointerEvent) {
      if (root.current && !root.current.contains(event.target as Node)) setOpen(false);
    }
    document.addEventListener('pointerdown', onPointer);
    // Move focus into the menu when it opens.
    root.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    return () => document.removeEventListener('pointerdown', onPointer);
  }, [open]);

  function close(refocus: boolean) {
    setOpen(false);
    if (refocus) button.current?.focus();
  }

  function onMenuKey(event: KeyboardEvent<HTMLDivElement>) {
    const entries = Array.from(root.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? []);
    const index = entries.indexOf(document.activeElement as HTMLElement);
    const move = (to: number) => entries[(to + entries.length) % entries.length]?.focus();
    if (event.key === 'Escape') {
      event.preventDefault();
      close(true);
    } else if (event.key === 'ArrowDown') {
      event.preventDefault();
      move(index + 1);
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      move(index - 1);
    } else if (event.key === 'Home') {
      event.preventDefault();
      move(0);
    } else if (event.key === 'End') {
      event.preventDefault();
      move(entries.length - 1);
    } else if (event.key === 'Tab') {
      setOpen(false);
    }
  }

  return (
    <div className="user-menu" ref={root}>
      <button
        ref={button}
        type="button"
        className="user-menu__button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        aria-label="Account menu"
        onClick={() => setOpen((o) => !o)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' && !open) {
            e.preventDefault();
            setOpen(true);
          }
        }}
      >
        <Avatar name={name || '?'} src={me.data?.avatar_url} size="sm" />
        <span className="user-menu__name">
          <Name>{name}</Name>
        </span>
        <Icon name="chevronDown" size={16} />
      </button>
      {open && (
        <div className="menu" role="menu" id={menuId} aria-label="Account" onKeyDown={onMenuKey}>
          {me.data && (
            <div className="menu__header" role="none">
              <strong>
                <Name>{me.data.display_name}</Name>
              </strong>
              <span>@{me.data.username}</span>
            </div>
          )}
          {items.map((item) =>
            item.to ? (
              <Link key={item.label} role="menuitem" className="menu__item" to={item.to} onClick={() => close(false)}>
                <Icon name={item.icon} size={18} />
                {item.label}
              </Link>
            ) : (
              <button
                key={item.label}
                type="button"
                role="menuitem"
                className="menu__item"
                onClick={() => {
                  close(false);
                  item.onSelect?.();
                }}
              >
                <Icon name={item.icon} size={18} />
                {item.label}
              </button>
            ),
          )}
        </div>
      )}
    </div>
  );
}
