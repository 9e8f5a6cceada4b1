import type { ReactNode } from 'react';

import { Icon } from '../../components/ui';

/** The frame of the signed-out screens: the brand, a card, and a line below it. */
export function AuthShell({ title, subtitle, children, footer }: { title: string; subtitle: string; children: ReactNode; footer: ReactNode }) {
  return (
    <div className="auth">
      <main className="auth__main">
        <div className="auth__brand">
          <span className="brand-mark" aria-hidden="true">
            <Icon name="shield" size={22} />
          </span>
          <span className="brand-name">Sanctum</span>
        </div>
        <div className="auth__card">
          <h1 className="auth__title">{title}</h1>
          <p className="auth__subtitle">{subtitle}</p>
          {children}
        </div>
        <p className="auth__footer">{footer}</p>
      </main>
    </div>
  );
}
