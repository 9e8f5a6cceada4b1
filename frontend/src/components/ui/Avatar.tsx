import { useState, type CSSProperties } from 'react';

interface AvatarProps {
  name: string;
  src?: string | null;
  size?: 'sm' | 'md' | 'lg' | 'xl';
}

function initials(name: string): string {
  const words = name.trim().split(/[\s_.-]+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0]?.[0], words[1]?.[0]] : [words[0]?.[0]];
  return letters.filter(Boolean).join('').toUpperCase() || '?';
}

/** A stable hue per name, so a person keeps their colour everywhere. */
function hue(name: string): number {
  let h = 0;
  for (const ch of name) h = (h * 31 + ch.charCodeAt(0)) % 360;
  return h;
}

export function Avatar({ name, src, size = 'md' }: AvatarProps) {
  const [failed, setFailed] = useState<string | null>(null);
  const showImage = Boolean(src) && failed !== src;
  return (
    <span className={`avatar avatar--${size}`} style={{ '--avatar-hue': hue(name) } as CSSProperties} aria-hidden="true">
      {showImage ? (
        <img src={src ?? undefined} alt="" referrerPolicy="no-referrer" onError={() => setFailed(src ?? null)} />
      ) : (
        initials(name)
      )}
    </span>
  );
}
