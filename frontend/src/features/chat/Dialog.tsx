import { useEffect, useId, useRef, type ReactNode } from 'react';

import { Icon } from '../../components/ui';

interface DialogProps {
  title: ReactNode;
  description?: ReactNode;
  onClose(): void;
  children: ReactNode;
  size?: 'sm' | 'md';
}

/** A modal dialog on the native <dialog> (focus trap, Escape and top layer come with it). */
export function Dialog({ title, description, onClose, children, size = 'md' }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return undefined;
    const opener = document.activeElement as HTMLElement | null;
    if (typeof dialog.showModal === 'function') {
      if (!dialog.open) dialog.showModal();
    } else {
      dialog.setAttribute('open', '');
    }
    const onCancel = (event: Event) => {
      event.preventDefault();
      onCloseRef.current();
    };
    dialog.addEventListener('cancel', onCancel);
    return () => {
      dialog.removeEventListener('cancel', onCancel);
      if (typeof dialog.close === 'function' && dialog.open) dialog.close();
      opener?.focus?.();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      className={`dialog dialog--${size}`}
      aria-labelledby={titleId}
      onClick={(event) => {
        // A click on the backdrop (the dialog element itself, outside its panel) closes it.
        if (event.target === ref.current) onCloseRef.current();
      }}
    >
      <div className="dialog__panel">
        <header className="dialog__header">
          <div>
            <h2 className="dialog__title" id={titleId}>
              {title}
            </h2>
            {description && <p className="dialog__description">{description}</p>}
          </div>
          <button type="button" className="icon-button" aria-label="Close" title="Close" onClick={() => onCloseRef.current()}>
            <Icon name="close" />
          </button>
        </header>
        {children}
      </div>
    </dialog>
  );
}

interface ConfirmProps {
  title: ReactNode;
  body: ReactNode;
  confirmLabel: string;
  busy?: boolean;
  error?: string | null;
  onConfirm(): void;
  onClose(): void;
}

export function ConfirmDialog({ title, body, confirmLabel, busy = false, error, onConfirm, onClose }: ConfirmProps) {
  return (
    <Dialog title={title} onClose={onClose} size="sm">
      <div className="dialog__body">
        <div className="muted">{body}</div>
        {error && (
          <p className="field__error" role="alert">
            {error}
          </p>
        )}
      </div>
      <footer className="dialog__footer">
        <button type="button" className="btn btn--secondary btn--md" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="btn btn--danger-solid btn--md" onClick={onConfirm} disabled={busy} aria-busy={busy || undefined} autoFocus>
          {confirmLabel}
        </button>
      </footer>
    </Dialog>
  );
}
