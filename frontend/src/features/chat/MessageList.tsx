import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';

import { Icon, Spinner } from '../../components/ui';
import { buildItems } from './items';
import { useBlockedIds } from '../blocks/api';
import { Collapsed } from '../blocks/Blocked';
import { MessageItem, PendingItem, SystemLine, type MessageActions } from './MessageItem';
import type { ReceiptStatus } from './receipts';
import {
  bottomScrollTop,
  distanceFromBottom,
  isNearBottom,
  scrollTopAfterPrepend,
  scrollTopForDivider,
  shouldLoadOlder,
  type ScrollMetrics,
} from './scroll';
import { newestId, type Timeline } from './timeline';
import { plural } from '../../lib/plural';

interface MessageListProps {
  timeline: Timeline;
  unreadId: number | null;
  me: { id: string; name: string; avatar: string | null; username?: string };
  interactive: boolean;
  canModerate: boolean;
  actions: MessageActions;
  editingId: number | null;
  setEditingId(id: number | null): void;
  loadOlder?(beforeApply: () => void): Promise<void>;
  loadingOlder?: boolean;
  onRetry(clientId: string): void;
  onDiscard(clientId: string): void;
  /** The newest message scrolled into view (to move the read mark). */
  onVisibleNewest?(messageId: number): void;
  receipt?: { messageId: number; status: ReceiptStatus } | null;
  /** Shown above the oldest message once the whole history is loaded. */
  intro?: ReactNode;
  inThread?: boolean;
  label: string;
  /** Open scrolled to this message, marked (a search result), instead of at the divider or the bottom. */
  focusId?: number | null;
}

const metrics = (el: HTMLElement): ScrollMetrics => ({ scrollTop: el.scrollTop, scrollHeight: el.scrollHeight, clientHeight: el.clientHeight });

/**
 * The scrolling message list: opens at the unread divider (or the bottom), stays pinned to the
 * bottom while the reader is there, loads older pages near the top and keeps what is on screen in
 * place when they arrive, and offers a jump back down when the reader scrolled away.
 */
export function MessageList({
  timeline,
  unreadId,
  me,
  interactive,
  canModerate,
  actions,
  editingId,
  setEditingId,
  loadOlder,
  loadingOlder = false,
  onRetry,
  onDiscard,
  onVisibleNewest,
  receipt,
  intro,
  inThread = false,
  label,
  focusId = null,
}: MessageListProps) {
  const blocked = useBlockedIds();
  const scroller = useRef<HTMLDivElement>(null);
  const content = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const positioned = useRef(false);
  const prepend = useRef<Pick<ScrollMetrics, 'scrollTop' | 'scrollHeight'> | null>(null);
  const seen = useRef<{ newest: number | null; pending: number }>({ newest: null, pending: 0 });
  const frame = useRef<number | null>(null);
  const [away, setAway] = useState(false);
  const [unseen, setUnseen] = useState(0);

  const items = useMemo(
    () => buildItems({ messages: timeline.messages, pending: timeline.pending, unreadId, me: me.id, leadingDay: !inThread }),
    [timeline.messages, timeline.pending, unreadId, me.id, inThread],
  );

  const reportVisible = useCallback(() => {
    const el = scroller.current;
    if (!el || !onVisibleNewest) return;
    const bottom = el.getBoundingClientRect().bottom;
    const nodes = el.querySelectorAll<HTMLElement>('[data-message-id]');
    for (let i = nodes.length - 1; i >= 0; i -= 1) {
      const node = nodes[i] as HTMLElement;
      if (node.getBoundingClientRect().top < bottom - 4) {
        onVisibleNewest(Number(node.dataset.messageId));
        return;
      }
    }
  }, [onVisibleNewest]);

  const requestOlder = useCallback(() => {
    const el = scroller.current;
    if (!el || !loadOlder || !timeline.hasMore || loadingOlder) return;
    void loadOlder(() => {
      // Right before the older page renders: remember where we are, to stay there.
      const now = scroller.current;
      if (now) prepend.current = { scrollTop: now.scrollTop, scrollHeight: now.scrollHeight };
    });
  }, [loadOlder, loadingOlder, timeline.hasMore]);

  // Position after every change, before the browser paints.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el || !timeline.loaded) return;
    const newest = newestId(timeline.messages);
    const pending = timeline.pending.length;
    const grew = newest !== seen.current.newest || pending > seen.current.pending;
    const sentByMe = pending > seen.current.pending;
    seen.current = { newest, pending };
    if (!positioned.current) {
      positioned.current = true;
      const found = focusId ? el.querySelector<HTMLElement>(`[data-message-id="${focusId}"]`) : null;
      if (found) {
        // Not a React prop: the mark stays for this screen, which a new search result replaces.
        found.dataset.found = '';
        el.scrollTop = scrollTopForDivider(found.offsetTop, metrics(el), el.clientHeight / 3);
        stick.current = isNearBottom(metrics(el));
        return;
      }
      const divider = el.querySelector<HTMLElement>('[data-unread-divider]');
      el.scrollTop = divider ? scrollTopForDivider(divider.offsetTop, metrics(el)) : bottomScrollTop(metrics(el));
      stick.current = isNearBottom(metrics(el));
      return;
    }
    if (prepend.current) {
      el.scrollTop = scrollTopAfterPrepend(prepend.current, el.scrollHeight);
      prepend.current = null;
      return;
    }
    if (stick.current || sentByMe) {
      el.scrollTop = bottomScrollTop(metrics(el));
      stick.current = true;
      setUnseen(0);
    } else if (grew) {
      setUnseen((n) => n + 1);
    }
  }, [items, timeline.loaded, timeline.messages, timeline.pending.length]);

  // After layout: report what is visible, and fetch more if the view is not full yet.
  useEffect(() => {
    const el = scroller.current;
    if (!el || !timeline.loaded) return;
    reportVisible();
    if (timeline.hasMore && el.scrollHeight <= el.clientHeight + 40) requestOlder();
  }, [items, timeline.loaded, timeline.hasMore, reportVisible, requestOlder]);

  // Content that changes height on its own (a reaction row, a window resize) keeps a pinned list pinned.
  useEffect(() => {
    const el = scroller.current;
    const inner = content.current;
    if (!el || !inner || typeof ResizeObserver === 'undefined') return undefined;
    const observer = new ResizeObserver(() => {
      if (stick.current && positioned.current && !prepend.current) el.scrollTop = bottomScrollTop(metrics(el));
    });
    observer.observe(inner);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    const onVisible = () => {
      if (document.visibilityState === 'visible') reportVisible();
    };
    document.addEventListener('visibilitychange', onVisible);
    window.addEventListener('focus', onVisible);
    return () => {
      document.removeEventListener('visibilitychange', onVisible);
      window.removeEventListener('focus', onVisible);
    };
  }, [reportVisible]);

  useEffect(
    () => () => {
      if (frame.current !== null) cancelAnimationFrame(frame.current);
    },
    [],
  );

  function onScroll() {
    const el = scroller.current;
    if (!el) return;
    const m = metrics(el);
    stick.current = isNearBottom(m);
    const isAway = distanceFromBottom(m) > 240;
    setAway(isAway);
    if (!isAway) setUnseen(0);
    if (positioned.current && shouldLoadOlder(m)) requestOlder();
    if (frame.current === null) {
      frame.current = requestAnimationFrame(() => {
        frame.current = null;
        reportVisible();
      });
    }
  }

  function jumpToLatest() {
    const el = scroller.current;
    if (!el) return;
    el.scrollTo({ top: bottomScrollTop(metrics(el)), behavior: 'smooth' });
    stick.current = true;
    setUnseen(0);
  }

  return (
    <div className="messages-wrap">
      <div ref={scroller} className="messages" onScroll={onScroll} role="log" aria-label={label} tabIndex={0}>
        <div ref={content} className="messages__content">
          {!timeline.loaded ? (
            <div className="messages__loading">
              <Spinner label="Loading messages" />
            </div>
          ) : (
            <>
              {timeline.hasMore ? (
                <div className="messages__older">{loadingOlder && <Spinner size="sm" label="Loading older messages" />}</div>
              ) : (
                intro
              )}
              {items.map((item) => {
                switch (item.kind) {
                  case 'day':
                    return (
                      <div key={item.key} className="day-divider" role="separator">
                        <span>{item.label}</span>
                      </div>
                    );
                  case 'unread':
                    return (
                      <div key={item.key} className="unread-divider" data-unread-divider="" role="separator" aria-label="New messages">
                        <span>New messages</span>
                      </div>
                    );
                  case 'system':
                    return <SystemLine key={item.key} message={item.message} />;
                  case 'message': {
                    const element = (
                      <MessageItem
                        key={item.key}
                        message={item.message}
                        continued={item.continued}
                        me={me.id}
                        myUsername={me.username}
                        interactive={interactive}
                        canModerate={canModerate}
                        editing={editingId === item.message.id}
                        setEditing={setEditingId}
                        actions={actions}
                        inThread={inThread}
                        receipt={receipt && receipt.messageId === item.message.id ? receipt.status : null}
                      />
                    );
                    const author = item.message.author?.id;
                    return author && blocked.has(author) ? (
                      <Collapsed key={item.key} what="message">
                        {element}
                      </Collapsed>
                    ) : (
                      element
                    );
                  }
                  case 'pending':
                    return (
                      <PendingItem
                        key={item.key}
                        pending={item.pending}
                        continued={item.continued}
                        me={{ name: me.name, avatar: me.avatar }}
                        onRetry={() => onRetry(item.pending.clientId)}
                        onDiscard={() => onDiscard(item.pending.clientId)}
                      />
                    );
                }
              })}
            </>
          )}
        </div>
      </div>
      {away && (
        <button type="button" className={`jump-latest${unseen ? ' jump-latest--new' : ''}`} onClick={jumpToLatest}>
          <Icon name="down" size={16} />
          {unseen ? `${unseen} new ${plural(unseen, { one: 'message', other: 'messages' })}` : 'Jump to latest'}
        </button>
      )}
    </div>
  );
}
