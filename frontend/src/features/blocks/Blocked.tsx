import { useState, type ReactNode } from 'react';

import { Button, Icon } from '../../components/ui';
import { useBlockedIds, useSetBlocked } from './api';

/** Block or unblock someone from their profile; the blocked person is never told. */
export function BlockButton({ userId }: { userId: string }) {
  const blocked = useBlockedIds().has(userId);
  const change = useSetBlocked();
  return (
    <Button
      variant="ghost"
      icon={<Icon name="close" size={16} />}
      loading={change.isPending}
      aria-pressed={blocked}
      onClick={() => change.mutate({ userId, blocked: !blocked })}
    >
      {blocked ? 'Unblock' : 'Block'}
    </Button>
  );
}

/** What a blocked person wrote, collapsed until the reader asks to see it. */
export function Collapsed({ what, children }: { what: 'message' | 'post'; children: ReactNode }) {
  const [shown, setShown] = useState(false);
  if (shown) return <>{children}</>;
  return (
    <div className="blocked-item" data-testid="blocked-item">
      <span className="muted">{what === 'message' ? 'Message from a blocked user' : 'Post from a blocked user'}</span>
      <button type="button" className="link-button" onClick={() => setShown(true)}>
        Show
      </button>
    </div>
  );
}
