import { memo, useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { Link, useNavigate } from 'react-router';

import { Attachments } from '../files/Attachments';
import { Avatar, Icon, Name } from '../../components/ui';
import { formatDateTime, formatRelative } from '../../lib/format';
import { MAX_MESSAGE_LENGTH } from './Composer';
import { EmojiGlyph, useCustomEmoji, withCustomEmoji } from '../emoji/custom';
import { EmojiPicker } from '../emoji/EmojiPicker';
import { MessageLinkPreviews } from '../previews/LinkPreviews';
import { timeLabel } from './items';
import type { ReceiptStatus } from './receipts';
import { sanitizeMessageHtml } from './sanitize';
import type { PendingMessage } from './timeline';
import type { Message } from './types';
import { counted, REPLIES } from '../../lib/plural';

export interface MessageActions {
  react(message: Message, emoji: string): void;
  /** Resolves once saved; rejects with a message to show. */
  edit(message: Message, body: string): Promise<void>;
  askDelete(message: Message): void;
  openThread?(message: Message): void;
  /** Given only to whoever may pin here (`message.pin`). */
  pin?(message: Message, pinned: boolean): void;
  pinned?: ReadonlySet<number>;
  /** Given only to whoever may mute here (`user.mute`): mutes the author for 10 minutes. */
  mute?(message: Message): void;
  /** Report someone else's message to the moderators. */
  report?(message: Message): void;
}

interface MessageItemProps {
  message: Message;
  continued: boolean;
  me: string;
  /** My username: messages that mention me are highlighted. */
  myUsername?: string;
  /** A member may react, reply, edit and delete; a visitor of a public room only reads. */
  interactive: boolean;
  canModerate: boolean;
  editing: boolean;
  setEditing(id: number | null): void;
  actions: MessageActions;
  receipt?: ReceiptStatus | null;
  /** Replies in a thread have no thread of their own. */
  inThread?: boolean;
}

/**
 * The sanitized HTML of a message, post or comment (memoized per string: sanitizing is not free).
 * `dir="auto"` isolates it: its direction comes from its own first strong letter, and a bidi override
 * inside it cannot reach the names and words around it (docs/text.md).
 */
export function MessageBody({ html, className = 'msg__body md' }: { html: string; className?: string }) {
  const custom = useCustomEmoji();
  // A sanctum's `:name:` becomes its image after the sanitizer ran (emoji/custom.tsx).
  const safe = useMemo(() => withCustomEmoji(sanitizeMessageHtml(html), custom), [html, custom]);
  const navigate = useNavigate();
  // Mention pills and `#room` links stay in the app (the sanitizer let only those relative links through).
  const onClick = (event: MouseEvent<HTMLDivElement>) => {
    const link = (event.target as Element).closest?.('a.mention, a.room-link');
    const href = link?.getAttribute('href');
    if (!href || event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    void navigate(href);
  };
  return <div className={className} dir="auto" onClick={onClick} dangerouslySetInnerHTML={{ __html: safe }} />;
}

function authorName(message: Message): string {
  return message.author?.display_name || message.author?.username || 'Deleted user';
}

export const MessageItem = memo(function MessageItem({
  message,
  continued,
  me,
  myUsername,
  interactive,
  canModerate,
  editing,
  setEditing,
  actions,
  receipt,
  inThread = false,
}: MessageItemProps) {
  const [picker, setPicker] = useState<'up' | 'down' | null>(null);
  const [active, setActive] = useState(false);
  const root = useRef<HTMLElement>(null);
  const mine = message.author?.id === me;
  const canEdit = interactive && mine && message.kind === 'user' && !message.deleted;
  const canDelete = interactive && !message.deleted && (mine || canModerate);
  const showActions = interactive && !message.deleted && !editing;
  const name = authorName(message);
  // A tap elsewhere hides the actions a tap on this message showed.
  useEffect(() => {
    if (!active) return undefined;
    const onPointer = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setActive(false);
    };
    document.addEventListener('pointerdown', onPointer);
    return () => document.removeEventListener('pointerdown', onPointer);
  }, [active]);
  const mentionsMe = !mine && !message.deleted && myUsername !== undefined && message.mentions.includes(myUsername);

  return (
    <article
      ref={root}
      className={`msg${continued ? ' msg--continued' : ''}${mine ? ' msg--mine' : ''}${mentionsMe ? ' msg--mention' : ''}${
        picker !== null || active ? ' msg--active' : ''
      }`}
      data-message-id={message.id}
      data-testid="message"
      aria-label={`${name}, ${timeLabel(message.created_at)}`}
      onClick={(event) => {
        // On touch screens there is no hover: a tap on the message shows its actions.
        if ((event.target as HTMLElement).closest('a, button, textarea, input')) return;
        if (window.matchMedia?.('(hover: none)').matches) setActive((a) => !a);
      }}
    >
      <div className="msg__gutter">
        {continued ? (
          <time className="msg__hover-time" dateTime={message.created_at} title={formatDateTime(message.created_at)}>
            {timeLabel(message.created_at)}
          </time>
        ) : (
          <Avatar name={name} src={message.author?.avatar_url} size="md" />
        )}
      </div>
      <div className="msg__main">
        {!continued && (
          <header className="msg__meta">
            {message.author ? (
              <Link to={`/u/${message.author.username}`} className="msg__author">
                <Name>{name}</Name>
              </Link>
            ) : (
              <span className="msg__author">
                <Name>{name}</Name>
              </span>
            )}
            <time className="msg__time" dateTime={message.created_at} title={formatDateTime(message.created_at)}>
              {timeLabel(message.created_at)}
            </time>
          </header>
        )}
        {message.deleted ? (
          <p className="msg__deleted">
            <Icon name="trash" size={14} /> {message.removed_by_moderator ? 'Removed by a moderator' : 'Message deleted'}
          </p>
        ) : editing ? (
          <EditBox message={message} onCancel={() => setEditing(null)} onSave={(body) => actions.edit(message, body)} />
        ) : (
          <div className="msg__content">
            <MessageBody html={message.html} />
            <Attachments files={message.attachments} />
            {message.edited_at && (
              <span className="msg__edited" title={`Edited ${formatDateTime(message.edited_at)}`}>
                (edited)
              </span>
            )}
          </div>
        )}
        {!message.deleted && message.link_previews.length > 0 && (
          <MessageLinkPreviews roomId={message.room_id} messageId={message.id} cards={message.link_previews} mine={mine && interactive} />
        )}
        {!message.deleted && message.reactions.length > 0 && (
          <div className="reactions" aria-label="Reactions">
            {message.reactions.map((r) => (
              <button
                key={r.emoji}
                type="button"
                className={`reaction${r.me ? ' reaction--mine' : ''}`}
                aria-pressed={Boolean(r.me)}
                aria-label={`${r.emoji} ${r.count}${r.me ? ', including you' : ''}`}
                title={r.me ? 'Remove your reaction' : `React with ${r.emoji}`}
                disabled={!interactive}
                onClick={() => actions.react(message, r.emoji)}
              >
                <span className="reaction__emoji">
                  <EmojiGlyph emoji={r.emoji} />
                </span>
                <span className="reaction__count">{r.count}</span>
              </button>
            ))}
          </div>
        )}
        {!inThread && message.reply_count > 0 && actions.openThread && (
          <button type="button" className="msg__thread" onClick={() => actions.openThread?.(message)}>
            <Icon name="thread" size={16} />
            <span className="msg__thread-count">
              {counted(message.reply_count, REPLIES)}
            </span>
            {message.last_reply_at && <span className="msg__thread-last">Last reply {formatRelative(message.last_reply_at)}</span>}
          </button>
        )}
        {receipt && (
          <p className={`msg__receipt msg__receipt--${receipt}`} data-testid="receipt">
            <Icon name={receipt === 'sent' ? 'check' : 'checks'} size={14} />
            {receipt === 'read' ? 'Read' : receipt === 'delivered' ? 'Delivered' : 'Sent'}
          </p>
        )}
      </div>
      {showActions && (
        <div className="msg__actions" role="toolbar" aria-label="Message actions">
          <div className="msg__action-wrap">
            <button
              type="button"
              className="msg__action"
              aria-label="Add reaction"
              data-picker-toggle=""
              title="Add reaction"
              aria-expanded={picker !== null}
              onClick={(event) => {
                if (picker) {
                  setPicker(null);
                  return;
                }
                // Open towards the roomier side of the message list.
                const list = event.currentTarget.closest('.messages')?.getBoundingClientRect();
                const at = event.currentTarget.getBoundingClientRect();
                const middle = list ? list.top + list.height / 2 : window.innerHeight / 2;
                setPicker(at.top > middle ? 'up' : 'down');
              }}
            >
              <Icon name="smile" size={18} />
            </button>
            {picker && <EmojiPicker placement={picker} onPick={(emoji) => actions.react(message, emoji)} onClose={() => setPicker(null)} />}
          </div>
          {!inThread && actions.openThread && message.kind === 'user' && (
            <button type="button" className="msg__action" aria-label="Reply in thread" title="Reply in thread" onClick={() => actions.openThread?.(message)}>
              <Icon name="thread" size={18} />
            </button>
          )}
          {canEdit && (
            <button type="button" className="msg__action" aria-label="Edit message" title="Edit" onClick={() => setEditing(message.id)}>
              <Icon name="edit" size={18} />
            </button>
          )}
          {actions.pin && !inThread && message.kind === 'user' && (
            <button
              type="button"
              className="msg__action"
              aria-label={actions.pinned?.has(message.id) ? 'Unpin message' : 'Pin message'}
              title={actions.pinned?.has(message.id) ? 'Unpin' : 'Pin'}
              onClick={() => actions.pin?.(message, !actions.pinned?.has(message.id))}
            >
              <Icon name="sparkles" size={18} />
            </button>
          )}
          {actions.mute && !mine && message.kind === 'user' && message.author && (
            <button
              type="button"
              className="msg__action"
              aria-label={`Mute ${message.author.display_name} for 10 minutes`}
              title="Mute for 10 minutes"
              onClick={() => actions.mute?.(message)}
            >
              <Icon name="lock" size={18} />
            </button>
          )}
          {!mine && message.kind === 'user' && actions.report && (
            <button type="button" className="msg__action" aria-label="Report message" title="Report" onClick={() => actions.report?.(message)}>
              <Icon name="alert" size={18} />
            </button>
          )}
          {canDelete && (
            <button
              type="button"
              className="msg__action msg__action--danger"
              aria-label="Delete message"
              title="Delete"
              onClick={() => actions.askDelete(message)}
            >
              <Icon name="trash" size={18} />
            </button>
          )}
        </div>
      )}
    </article>
  );
});

function EditBox({ message, onSave, onCancel }: { message: Message; onSave(body: string): Promise<void>; onCancel(): void }) {
  const [value, setValue] = useState(message.body);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ref = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.focus();
    el.setSelectionRange(el.value.length, el.value.length);
  }, []);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, 300)}px`;
  }, [value]);

  async function save() {
    const body = value.trim();
    if (!body || body.length > MAX_MESSAGE_LENGTH || saving) return;
    if (body === message.body) {
      onCancel();
      return;
    }
    setSaving(true);
    setError(null);
    try {
      await onSave(body);
    } catch (e) {
      setError(e instanceof Error ? e.message : 'Could not save the change.');
      setSaving(false);
    }
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Escape') {
      event.preventDefault();
      onCancel();
    } else if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void save();
    }
  }

  return (
    <div className="msg-edit">
      <textarea
        ref={ref}
        className="msg-edit__input"
        aria-label="Edit message"
        value={value}
        onChange={(e) => setValue(e.target.value)}
        onKeyDown={onKeyDown}
        rows={1}
      />
      {error && (
        <p className="field__error" role="alert">
          {error}
        </p>
      )}
      <div className="msg-edit__bar">
        <span className="msg-edit__hint">Escape to cancel · Enter to save</span>
        <button type="button" className="btn btn--ghost btn--sm" onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className="btn btn--primary btn--sm" onClick={() => void save()} disabled={saving || !value.trim()}>
          Save
        </button>
      </div>
    </div>
  );
}

export function SystemLine({ message }: { message: Message }) {
  return (
    <div className="msg-system" role="note" data-message-id={message.id} data-testid="system-message">
      <span className="msg-system__text">{message.body}</span>
      <time className="msg-system__time" dateTime={message.created_at} title={formatDateTime(message.created_at)}>
        {timeLabel(message.created_at)}
      </time>
    </div>
  );
}

export function PendingItem({
  pending,
  continued,
  me,
  onRetry,
  onDiscard,
}: {
  pending: PendingMessage;
  continued: boolean;
  me: { name: string; avatar: string | null };
  onRetry(): void;
  onDiscard(): void;
}) {
  const failed = pending.status === 'failed';
  return (
    <article className={`msg msg--mine msg--pending${continued ? ' msg--continued' : ''}${failed ? ' msg--failed' : ''}`} data-testid="pending-message">
      <div className="msg__gutter">{!continued && <Avatar name={me.name} src={me.avatar} size="md" />}</div>
      <div className="msg__main">
        {!continued && (
          <header className="msg__meta">
            <span className="msg__author">
              <Name>{me.name}</Name>
            </span>
          </header>
        )}
        <p className="msg__body msg__body--plain" dir="auto">
          {pending.body}
        </p>
        <p className="msg__status" role={failed ? 'alert' : undefined}>
          {failed ? (
            <>
              <Icon name="alert" size={14} /> Not sent.
              <button type="button" className="link-button" onClick={onRetry}>
                Retry
              </button>
              ·
              <button type="button" className="link-button" onClick={onDiscard}>
                Discard
              </button>
            </>
          ) : (
            'Sending…'
          )}
        </p>
      </div>
    </article>
  );
}
