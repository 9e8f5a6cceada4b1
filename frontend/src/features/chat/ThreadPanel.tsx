import { useEffect, useMemo, useRef, useState } from 'react';

import { Alert, Icon, Name, Spinner } from '../../components/ui';
import { ApiError } from '../../api/errors';
import { editMessage } from './api';
import { Composer } from './Composer';
import { toggleMyReaction, useThread } from './hooks';
import { MessageItem, type MessageActions } from './MessageItem';
import { MessageList } from './MessageList';
import { asDeleted } from './timeline';
import type { TypingSender } from './typing';
import type { Message } from './types';

interface ThreadPanelProps {
  roomId: string;
  roomName: string;
  parentId: number;
  me: { id: string; name: string; avatar: string | null; username?: string };
  live: boolean;
  interactive: boolean;
  canModerate: boolean;
  typing: TypingSender;
  onClose(): void;
  askDelete(message: Message, done: () => void): void;
}

/** A thread in a side panel: its parent, the replies (oldest first, live) and a reply box. */
export function ThreadPanel({ roomId, roomName, parentId, me, live, interactive, canModerate, typing, onClose, askDelete }: ThreadPanelProps) {
  const thread = useThread(roomId, parentId, me.id, live);
  const [editingId, setEditingId] = useState<number | null>(null);
  const { dispatch, setParent } = thread;
  const closeRef = useRef(onClose);
  closeRef.current = onClose;

  // Escape closes the thread, from anywhere in the room, unless something nearer used it (an edit being
  // cancelled, the emoji picker, the @ autocomplete, a dialog); the room's composer gets the focus back.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || event.defaultPrevented || document.querySelector('dialog[open]')) return;
      closeRef.current();
      window.requestAnimationFrame(() => document.querySelector<HTMLTextAreaElement>('.composer--room textarea')?.focus());
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  const replyActions: MessageActions = useMemo(
    () => ({
      react: (message, emoji) => toggleMyReaction(roomId, message, emoji, (id, patch) => dispatch({ type: 'patch', id, patch })),
      edit: async (message, body) => {
        const fresh = await editMessage(roomId, message.id, body);
        dispatch({ type: 'merge', messages: [fresh] });
        setEditingId(null);
      },
      askDelete: (message) => askDelete(message, () => dispatch({ type: 'patch', id: message.id, patch: asDeleted })),
    }),
    [roomId, dispatch, askDelete],
  );
  const parentActions: MessageActions = useMemo(
    () => ({
      react: (message, emoji) => toggleMyReaction(roomId, message, emoji, (_, patch) => setParent(patch)),
      edit: async (message, body) => {
        const fresh = await editMessage(roomId, message.id, body);
        setParent(() => fresh);
        setEditingId(null);
      },
      askDelete: (message) => askDelete(message, () => setParent(asDeleted)),
    }),
    [roomId, askDelete, setParent],
  );

  const notFound = thread.error instanceof ApiError && thread.error.status === 404;
  const parent = thread.parent;
  const count = Math.max(parent?.reply_count ?? 0, thread.timeline.messages.length);

  return (
    <aside className="side-panel thread-panel" aria-label="Thread">
      <header className="side-panel__header">
        <div>
          <h2 className="side-panel__title">Thread</h2>
          <p className="side-panel__subtitle">
            <Name>{roomName}</Name>
          </p>
        </div>
        <button type="button" className="icon-button" aria-label="Close thread" title="Close thread (Escape)" onClick={onClose}>
          <Icon name="close" />
        </button>
      </header>
      {thread.error ? (
        <div className="side-panel__pad">
          <Alert tone="error">{notFound ? 'This thread no longer exists.' : 'The thread could not be loaded.'}</Alert>
        </div>
      ) : !parent ? (
        <div className="center-pad">
          <Spinner label="Loading thread" />
        </div>
      ) : (
        <>
          <MessageList
            label="Thread replies"
            timeline={thread.timeline}
            unreadId={null}
            me={me}
            interactive={interactive}
            canModerate={canModerate}
            actions={replyActions}
            editingId={editingId}
            setEditingId={setEditingId}
            onRetry={thread.retry}
            onDiscard={thread.discard}
            inThread
            intro={
              <div className="thread-parent">
                <MessageItem
                  message={parent}
                  continued={false}
                  me={me.id}
                  myUsername={me.username}
                  interactive={interactive}
                  canModerate={canModerate}
                  editing={editingId === parent.id}
                  setEditing={setEditingId}
                  actions={parentActions}
                  inThread
                />
                <div className="thread-parent__count" role="separator">
                  <span>{count === 0 ? 'No replies yet' : `${count} ${count === 1 ? 'reply' : 'replies'}`}</span>
                </div>
              </div>
            }
          />
          {interactive && !parent.deleted && (
            <Composer roomId={roomId} label="Reply in thread" placeholder="Reply…" onSend={thread.send} typing={typing} variant="thread" autoFocus />
          )}
        </>
      )}
    </aside>
  );
}
