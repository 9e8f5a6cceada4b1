import { useCallback, useMemo, useRef, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';

import { ApiError } from '../../api/errors';
import { Avatar, Button, ButtonLink, Card, Icon, Line, Name, Spinner } from '../../components/ui';
import { deleteMessage, editMessage, useJoinRoom, useLeaveRoom, useRoom, useUpdateRoom } from './api';
import { useChat } from './ChatContext';
import { SLOW_MODE_CHOICES, slowModeLabel } from './limits';
import { useBlockedIds, useSetBlocked } from '../blocks/api';
import { ReportDialog } from '../moderation/reports/ReportDialog';
import { Composer } from './Composer';
import { runCommand } from './commands';
import { ConfirmDialog } from './Dialog';
import { useViewedSubject } from '../notifications/api';
import { toggleMyReaction, useMarkRead, useRoomTimeline, useTypingSender, useTypists } from './hooks';
import { MembersPanel } from './MembersPanel';
import type { MessageActions } from './MessageItem';
import { MessageList } from './MessageList';
import { receiptStatus } from './receipts';
import { kindLabel, RoomAvatar } from './RoomAvatar';
import { ThreadPanel } from './ThreadPanel';
import { can, muteInRoom, usePinActions } from '../moderation/api';
import { MuteBanner, PinnedBar, useMuted, usePinEvents } from '../moderation/RoomModeration';
import { asDeleted, myLastMessageId } from './timeline';
import { typingLine } from './typing';
import type { Message, Room } from './types';
import { CallButton } from '../calls/CallBar';
import { CustomEmojiProvider } from '../emoji/custom';

export function RoomView() {
  const { roomId = '' } = useParams();
  const [params] = useSearchParams();
  const at = Number(params.get('message')) || null;
  // A new room is a new screen: fresh timeline, divider and scroll position. So is opening a room at
  // a message (`?message=`, a search result); the parameter going away later (a thread opens) is not.
  const focus = useRef({ roomId, at });
  if (focus.current.roomId !== roomId || (at !== null && at !== focus.current.at)) focus.current = { roomId, at };
  const focusId = focus.current.at;
  return <RoomScreen key={`${roomId}:${focusId ?? ''}`} roomId={roomId} focusId={focusId} />;
}

function displayName(room: Room): string {
  return room.kind === 'dm' ? room.dm_user?.display_name || room.name : room.name;
}

function RoomScreen({ roomId, focusId }: { roomId: string; focusId: number | null }) {
  const { me } = useChat();
  const navigate = useNavigate();
  const room = useRoom(roomId);
  const data = room.data;
  const member = Boolean(data?.my_role);
  const blocked = useBlockedIds();
  const live = member;
  const timeline = useRoomTimeline(roomId, me.id, live, focusId);
  const typists = useTypists(roomId, me.id, live);
  const typing = useTypingSender(roomId);
  const markVisible = useMarkRead(roomId, member, data?.last_read_message_id);
  useViewedSubject(member ? `room:${roomId}` : null);
  const [searchParams, setSearchParams] = useSearchParams();
  const threadId = Number(searchParams.get('thread')) || null;
  const [membersOpen, setMembersOpen] = useState(false);
  const [editingId, setEditingId] = useState<number | null>(null);
  const [deleting, setDeleting] = useState<{ message: Message; done: () => void } | null>(null);
  const [deleteError, setDeleteError] = useState<string | null>(null);
  const [deleteBusy, setDeleteBusy] = useState(false);
  const [leaving, setLeaving] = useState(false);
  const join = useJoinRoom();
  const leave = useLeaveRoom();
  const { dispatch } = timeline;

  const openThread = useCallback(
    (message: Message) => {
      setMembersOpen(false);
      setSearchParams({ thread: String(message.id) });
    },
    [setSearchParams],
  );
  const closeThread = useCallback(() => setSearchParams({}), [setSearchParams]);

  const [reporting, setReporting] = useState<number | null>(null);
  const askDelete = useCallback((message: Message, done: () => void) => {
    setDeleteError(null);
    setDeleting({ message, done });
  }, []);

  const actions: MessageActions = useMemo(
    () => ({
      react: (message, emoji) => toggleMyReaction(roomId, message, emoji, (id, patch) => dispatch({ type: 'patch', id, patch })),
      edit: async (message, body) => {
        const fresh = await editMessage(roomId, message.id, body);
        dispatch({ type: 'merge', messages: [fresh] });
        setEditingId(null);
      },
      askDelete: (message) => askDelete(message, () => dispatch({ type: 'patch', id: message.id, patch: (m: Message) => asDeleted(m, m.author?.id !== me.id) })),
      openThread,
      report: (message) => setReporting(message.id),
    }),
    [roomId, dispatch, askDelete, openThread, me.id],
  );

  const meView = useMemo(
    () => ({ id: me.id, name: me.display_name || me.username, avatar: me.avatar_url ?? null, username: me.username }),
    [me.id, me.display_name, me.username, me.avatar_url],
  );

  const perms0 = data?.kind === 'dm' ? [] : data?.my_permissions;
  const canPin = can(perms0, 'message.pin');
  const canMute = can(perms0, 'user.mute');
  const pinned = data?.pinned_message_ids;
  const pins = usePinActions(roomId);
  const muted = useMuted(data?.my_muted_until);
  usePinEvents(roomId, live);
  const moderation: MessageActions = useMemo(
    () => ({
      ...actions,
      pin: canPin ? (message, pin) => pins.mutate({ messageId: message.id, pinned: pin }) : undefined,
      pinned: new Set(pinned ?? []),
      mute: canMute
        ? (message) => {
            if (message.author) void muteInRoom(roomId, message.author.id, 600);
          }
        : undefined,
    }),
    [actions, canPin, canMute, pinned, pins, roomId],
  );

  const receipt = useMemo(() => {
    if (data?.kind !== 'dm') return null;
    const mine = myLastMessageId(timeline.timeline.messages, me.id);
    return mine === null ? null : { messageId: mine, status: receiptStatus(mine, data.receipts ?? [], me.id) };
  }, [data?.kind, data?.receipts, timeline.timeline.messages, me.id]);

  if (room.isError || (timeline.error instanceof ApiError && timeline.error.status === 404)) {
    const missing = (room.error ?? timeline.error) instanceof ApiError && ((room.error ?? timeline.error) as ApiError).status === 404;
    return (
      <div className="chat-empty">
        <Card className="empty">
          <Icon name="compass" size={32} />
          <h1 className="empty__title">{missing ? 'Room not found' : 'Could not open the room'}</h1>
          <p className="empty__text">
            {missing ? 'It does not exist, or it is private and you are not in it.' : 'Check your connection and try again.'}
          </p>
          <ButtonLink to="/chat" variant="secondary">
            Back to chats
          </ButtonLink>
        </Card>
      </div>
    );
  }

  if (!data) {
    return (
      <section className="room" aria-busy="true">
        <header className="room-header">
          <Link to="/chat" className="icon-button room-header__back" aria-label="Back to chats" title="Back to chats">
            <Icon name="back" />
          </Link>
          <span className="skeleton skeleton--avatar" />
          <span className="skeleton skeleton--title" />
        </header>
        <div className="center-pad">
          <Spinner label="Loading room" />
        </div>
      </section>
    );
  }

  const name = displayName(data);
  const perms = data.kind === 'dm' ? [] : data.my_permissions;
  const moderator = can(perms, 'room.manage');
  const canDeleteOthers = can(perms, 'message.delete');
  const line = typingLine(typists);
  const composerLabel = data.kind === 'dm' ? `Message ${name}` : `Message #${name}`;

  async function confirmDelete() {
    if (!deleting) return;
    setDeleteBusy(true);
    try {
      await deleteMessage(roomId, deleting.message.id);
      deleting.done();
      setDeleting(null);
    } catch (e) {
      setDeleteError(e instanceof Error ? e.message : 'Could not delete the message.');
    } finally {
      setDeleteBusy(false);
    }
  }

  async function confirmLeave() {
    try {
      await leave.mutateAsync(roomId);
      navigate('/chat');
    } catch {
      // The error shows in the dialog.
    }
  }

  const intro =
    data.kind === 'dm' ? (
      <div className="room-intro">
        <Avatar name={name} src={data.dm_user?.avatar_url} size="lg" />
        <h2 className="room-intro__title">
          <Name>{name}</Name>
        </h2>
        <p className="room-intro__text">
          This is the beginning of your conversation with{' '}
          {data.dm_user ? <Link to={`/u/${data.dm_user.username}`}>@{data.dm_user.username}</Link> : <Name>{name}</Name>}.
        </p>
      </div>
    ) : (
      <div className="room-intro">
        <RoomAvatar room={data} />
        <h2 className="room-intro__title">
          Welcome to {data.kind === 'group' ? '' : '#'}
          <Name>{name}</Name>
        </h2>
        <p className="room-intro__text" dir="auto">
          {data.topic || `This is the start of the ${kindLabel(data.kind).toLowerCase()}.`}
        </p>
        {!timeline.timeline.messages.some((m) => m.kind === 'user') && (
          <div className="room-intro__empty" data-testid="room-empty">
            <p className="room-intro__hello">Be the first to say hello!</p>
            {data.description && (
              <p className="room-intro__text" dir="auto">
                {data.description}
              </p>
            )}
            {data.kind === 'private' && !data.sanctum_id && !data.channel_of && member && (
              <Button
                variant="secondary"
                icon={<Icon name="users" size={16} />}
                onClick={() => {
                  closeThread();
                  setMembersOpen(true);
                }}
              >
                Invite friends
              </Button>
            )}
          </div>
        )}
      </div>
    );

  return (
    <section className={`room${threadId || membersOpen ? ' room--panel' : ''}`} aria-label={name}>
      <header className="room-header">
        <Link to="/chat" className="icon-button room-header__back" aria-label="Back to chats" title="Back to chats">
          <Icon name="back" />
        </Link>
        <RoomAvatar room={data} />
        <div className="room-header__text">
          <h1 className="room-header__name">
            {data.kind === 'dm' || data.kind === 'group' ? '' : '#'}
            <Name>{name}</Name>
          </h1>
          {data.kind === 'dm' && data.dm_user ? (
            <p className="room-header__topic">
              <Link to={`/u/${data.dm_user.username}`}>@{data.dm_user.username}</Link>
            </p>
          ) : (
            data.topic && (
              <p className="room-header__topic" title={data.topic} data-testid="room-topic" dir="auto">
                {data.topic}
              </p>
            )
          )}
        </div>
        <div className="room-header__actions">
          {member && <CallButton roomId={roomId} dm={data.kind === 'dm'} sanctumId={data.sanctum_id} />}
          {moderator && <SlowModeSetting roomId={roomId} seconds={data.slow_mode_seconds ?? 0} />}
          {data.kind !== 'dm' && (
            <button
              type="button"
              className="room-header__members"
              aria-pressed={membersOpen}
              aria-label={`Members (${data.member_count})`}
              title="Members"
              onClick={() => {
                if (!membersOpen) closeThread();
                setMembersOpen((o) => !o);
              }}
            >
              <Icon name="users" size={18} />
              <span data-testid="member-count">{data.member_count}</span>
            </button>
          )}
          {member && data.kind !== 'dm' && (
            <button type="button" className="icon-button" aria-label="Leave room" title="Leave room" onClick={() => setLeaving(true)}>
              <Icon name="leave" />
            </button>
          )}
        </div>
      </header>
      <CustomEmojiProvider sanctumId={data.sanctum_id ?? data.channel_of ?? null} liveRoomId={live ? roomId : null}>
        <div className="room__body">
          <div className="room__timeline">
            {timeline.error && !(timeline.error instanceof ApiError && timeline.error.status === 404) ? (
              <div className="side-panel__pad">
                <p className="text-danger" role="alert">
                  Messages could not be loaded. <button type="button" className="link-button" onClick={() => window.location.reload()}>Reload</button>
                </p>
              </div>
            ) : null}
            <PinnedBar
              roomId={roomId}
              pinnedIds={data.pinned_message_ids ?? []}
              canPin={can(perms, 'message.pin')}
              error={pins.error?.message}
            />
            <MessageList
              label={`Messages in ${name}`}
              focusId={focusId}
              timeline={timeline.timeline}
              unreadId={timeline.unreadId}
              me={meView}
              interactive={member}
              canModerate={canDeleteOthers}
              actions={moderation}
              editingId={editingId}
              setEditingId={setEditingId}
              loadOlder={timeline.loadOlder}
              loadingOlder={timeline.loadingOlder}
              onRetry={timeline.retry}
              onDiscard={timeline.discard}
              onVisibleNewest={markVisible}
              receipt={receipt}
              intro={intro}
            />
            <div className="typing-line" aria-live="polite" data-testid="typing-line">
              {line && (
                <>
                  <span className="typing-dots" aria-hidden="true">
                    <span />
                    <span />
                    <span />
                  </span>
                  <Line parts={line} />
                </>
              )}
            </div>
            {member && data.kind === 'dm' && data.dm_user && blocked.has(data.dm_user.id) ? (
              <BlockedBar userId={data.dm_user.id} />
            ) : member && muted ? (
              <MuteBanner until={data.my_muted_until as string} />
            ) : member ? (
              <Composer
                key={roomId}
                roomId={roomId}
                label={composerLabel}
                placeholder={data.kind === 'dm' ? `Message ${name}` : `Message #${name}`}
                onSend={async (body, attachments) => {
                  const refusal = await timeline.send(body, attachments);
                  if (refusal?.limit === 'muted') void room.refetch();
                  return refusal;
                }}
                myName={me.display_name || me.username}
                onCommand={(command) => runCommand(roomId, command, timeline.timeline.messages)}
                slowModeSeconds={moderator ? 0 : (data.slow_mode_seconds ?? 0)}
                typing={typing}
                autoFocus={!window.matchMedia?.('(hover: none)').matches}
                onEditLast={() => {
                  const id = myLastMessageId(timeline.timeline.messages, me.id);
                  if (id !== null) setEditingId(id);
                  return id !== null;
                }}
              />
            ) : (
              <div className="join-bar">
                <p>
                  You are previewing{' '}
                  <strong>
                    #<Name>{name}</Name>
                  </strong>
                  . Join to take part.
                </p>
                <Button variant="primary" loading={join.isPending} onClick={() => join.mutate(roomId)}>
                  Join room
                </Button>
                {join.isError && <p className="field__error">{join.error.message}</p>}
              </div>
            )}
          </div>
          {threadId !== null && (
            <ThreadPanel
              key={threadId}
              roomId={roomId}
              roomName={data.kind === 'dm' ? name : `#${name}`}
              parentId={threadId}
              me={meView}
              live={live}
              interactive={member}
              canModerate={canDeleteOthers}
              typing={typing}
              onClose={closeThread}
              askDelete={askDelete}
            />
          )}
          {membersOpen && threadId === null && <MembersPanel room={data} me={me.id} onClose={() => setMembersOpen(false)} />}
        </div>
      </CustomEmojiProvider>
      {reporting !== null && <ReportDialog targetType="message" targetId={String(reporting)} onClose={() => setReporting(null)} />}
      {deleting && (
        <ConfirmDialog
          title="Delete message?"
          body="It will show as “message deleted” for everyone. This cannot be undone."
          confirmLabel="Delete"
          busy={deleteBusy}
          error={deleteError}
          onConfirm={() => void confirmDelete()}
          onClose={() => setDeleting(null)}
        />
      )}
      {leaving && (
        <ConfirmDialog
          title={
            <>
              Leave {data.kind === 'group' ? '' : '#'}
              <Name>{name}</Name>?
            </>
          }
          body={data.kind === 'public' ? 'You can join again from the directory.' : 'You will need an invitation to come back.'}
          confirmLabel="Leave"
          busy={leave.isPending}
          error={leave.isError ? leave.error.message : null}
          onConfirm={() => void confirmLeave()}
          onClose={() => setLeaving(false)}
        />
      )}
    </section>
  );
}

/** The room's slow mode, for its owner and moderators: members then send one message per interval. */
function SlowModeSetting({ roomId, seconds }: { roomId: string; seconds: number }) {
  const update = useUpdateRoom(roomId);
  const choices = SLOW_MODE_CHOICES.includes(seconds) ? SLOW_MODE_CHOICES : [...SLOW_MODE_CHOICES, seconds].sort((a, b) => a - b);
  return (
    <label className="room-header__slow-mode" title="Members send one message per interval; moderators are exempt">
      <Icon name="clock" size={16} />
      <span>Slow mode</span>
      <select
        aria-label="Slow mode"
        value={seconds}
        disabled={update.isPending}
        onChange={(event) => update.mutate({ slow_mode_seconds: Number(event.target.value) })}
      >
        {choices.map((value) => (
          <option key={value} value={value}>
            {slowModeLabel(value)}
          </option>
        ))}
      </select>
    </label>
  );
}

/** In place of the composer of a DM with someone I blocked: no sending until I unblock them. */
function BlockedBar({ userId }: { userId: string }) {
  const unblock = useSetBlocked();
  return (
    <div className="join-bar" data-testid="blocked-composer">
      <textarea className="composer__input" aria-label="Message" disabled rows={1} placeholder="You blocked this user." />
      <Button variant="secondary" loading={unblock.isPending} onClick={() => unblock.mutate({ userId, blocked: false })}>
        Unblock
      </Button>
    </div>
  );
}
