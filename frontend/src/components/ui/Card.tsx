import type { HTMLAttributes, ReactNode } from 'react';

interface CardProps extends Omit<HTMLAttributes<HTMLElement>, 'title'> {
  title?: ReactNode;
  description?: ReactNode;
  actions?: ReactNode;
  tone?: 'default' | 'danger';
}

export function Card({ title, description, actions, tone = 'default', className, children, ...rest }: CardProps) {
  return (
    <section className={['card', tone === 'danger' ? 'card--danger' : '', className ?? ''].filter(Boolean).join(' ')} {...rest}>
      {(title || actions) && (
        <header className="card__header">
          <div>
            {title && <h2 className="card__title">{title}</h2>}
            {description && <p className="card__description">{description}</p>}
          </div>
          {actions && <div className="card__actions">{actions}</div>}
        </header>
      )}
      {children}
    </section>
  );
}
