import { useEffect, useId, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';

import { Icon } from '../../components/ui';
import { combineCompletions } from '../../lib/useCompletion';
import { EmojiPicker } from '../emoji/EmojiPicker';
import { useShortcodes } from '../emoji/useShortcodes';
import { useMentions } from '../people/useMentions';
import { waitMessage, type SendRefusal } from './limits';
import { renderPreview } from './markdown';
import { sanitizeMessageHtml } from './sanitize';
import { parseSlash, suggestCommands, type SlashResult } from './slash';
import type { TypingSender } from './typing';

export const MAX_MESSAGE_LENGTH = 4000;

interface ComposerProps {
  /** The accessible name of the text box, e.g. "Message #general". */
  label: string;
  placeholder: string;
  /** A refusal (a rate limit or slow mode) puts the text back and counts the wait down. */
  onSend(body: string): void | Promise<SendRefusal | null>;
  /** The room's slow mode for this sender (0 when off or exempt): after each send, wait this long. */
  slowModeSeconds?: number;
  typing?: TypingSender;
  autoFocus?: boolean;
  /** Arrow up in an empty composer: edit my last message. Returns whether there was one. */
  onEditLast?(): boolean;
  variant?: 'room' | 'thread';
  /** Its members are offered first by the `@` autocomplete. */
  roomId?: string;
  /** Slash commands: my display name (for /me), and what runs an action; it answers with a notice. */
  myName?: string;
  onCommand?(command: Exclude<SlashResult, { kind: 'text' | 'send' | 'hint' }>): Promise<string | null>;
}

/** The message box: Enter sends, Shift+Enter starts a new line, with a markdown preview. */
export function Composer({
  label,
  placeholder,
  onSend,
  slowModeSeconds = 0,
  typing,
  autoFocus = false,
  onEditLast,
  variant = 'room',
  roomId,
  myName = '',
  onCommand,
}: ComposerProps) {
  const [draft, setDraft] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const [picked, setPicked] = useState(0);
  const suggestions = onCommand ? suggestCommands(draft) : [];
  const wait = useWait();
  const [preview, setPreview] = useState(false);
  const area = useRef<HTMLTextAreaElement>(null);
  const counterId = useId();
  const previewId = useId();
  const trimmed = draft.trim();
  const tooLong = draft.length > MAX_MESSAGE_LENGTH;
  const canSend = trimmed.length > 0 && !tooLong && wait.seconds === 0;
  const completion = combineCompletions(
    useMentions({ value: draft, setValue: setDraft, area, roomId }),
    useShortcodes({ value: draft, setValue: setDraft, area }),
  );
  const [picker, setPicker] = useState(false);
  const previewHtml = useMemo(() => (preview ? sanitizeMessageHtml(renderPreview(draft)) : ''), [preview, draft]);

  // Grows with its content up to a limit, then scrolls.
  useLayoutEffect(() => {
    const el = area.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, 240)}px`;
  }, [draft, preview]);

  function submit() {
    if (!canSend) return;
    let body = trimmed;
    setNotice(null);
    if (onCommand) {
      const parsed = parseSlash(body, myName);
      if (parsed.kind === 'hint') {
        setNotice(parsed.message);
        return;
      }
      if (parsed.kind === 'send') body = parsed.body;
      else if (parsed.kind !== 'text') {
        void onCommand(parsed).then(setNotice, (e: unknown) => setNotice(e instanceof Error ? e.message : 'That did not work.'));
        setDraft('');
        return;
      } else if (body.startsWith('//')) body = body.slice(1);
    }
    void Promise.resolve(onSend(body)).then((refusal) => {
      if (refusal) {
        // Keep what was typed: in front of anything written since.
        setDraft((current) => (current.trim() ? `${body}\n${current}` : body));
        wait.start(refusal.limit, refusal.seconds);
      } else if (slowModeSeconds > 0) {
        wait.start('slow_mode', slowModeSeconds);
      }
    });
    typing?.stopped();
    setDraft('');
    setPreview(false);
    area.current?.focus();
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (completion.onKeyDown(event)) return;
    if (suggestions.length > 0 && (event.key === 'ArrowDown' || event.key === 'ArrowUp')) {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setPicked((p) => (p + step + suggestions.length) % suggestions.length);
      return;
    }
    if (suggestions.length > 0 && (event.key === 'Tab' || (event.key === 'Enter' && !event.shiftKey))) {
      event.preventDefault();
      const chosen = suggestions[Math.min(picked, suggestions.length - 1)];
      if (chosen) setDraft(`/${chosen.name} `);
      setPicked(0);
      return;
    }
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      submit();
    } else if (event.key === 'ArrowUp' && draft === '' && onEditLast) {
      if (onEditLast()) event.preventDefault();
    }
  }

  const remaining = MAX_MESSAGE_LENGTH - draft.length;

  /** The picked emoji goes where the caret was, with a space after it. */
  function insertAtCaret(emoji: string) {
    const el = area.current;
    const start = el?.selectionStart ?? draft.length;
    const end = el?.selectionEnd ?? draft.length;
    const next = `${draft.slice(0, start)}${emoji}${draft.slice(end)}`;
    setDraft(next);
    window.requestAnimationFrame(() => {
      area.current?.focus();
      area.current?.setSelectionRange(start + emoji.length, start + emoji.length);
    });
  }

  return (
    <form
      className={`composer composer--${variant}`}
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      {preview && (
        <div className="composer__preview" id={previewId} aria-live="polite">
          <span className="composer__preview-label">Preview</span>
          {trimmed ? (
            <div className="md" dir="auto" dangerouslySetInnerHTML={{ __html: previewHtml }} />
          ) : (
            <p className="muted">Nothing to preview yet.</p>
          )}
        </div>
      )}
      {suggestions.length > 0 && (
        <ul className="composer__hints" role="listbox" aria-label="Commands">
          {suggestions.map((c, i) => (
            <li
              key={c.name}
              role="option"
              aria-selected={i === Math.min(picked, suggestions.length - 1)}
              className="composer__hint"
              onMouseDown={(event) => {
                event.preventDefault();
                setDraft(`/${c.name} `);
                area.current?.focus();
              }}
            >
              <strong>/{c.name}</strong>
              <span className="composer__hint-usage">{c.usage}</span>
              <span className="muted">{c.description}</span>
            </li>
          ))}
        </ul>
      )}
      {notice && (
        <p className="composer__notice" role="status" data-testid="composer-notice">
          {notice}
        </p>
      )}
      {wait.seconds > 0 && (
        <p className="composer__wait" role="status">
          {waitMessage(wait.limit, wait.seconds)}
        </p>
      )}
      <div className="composer__box mention-anchor">
        {completion.list}
        <textarea
          ref={area}
          className="composer__input"
          rows={1}
          aria-label={label}
          aria-describedby={remaining < 500 ? counterId : undefined}
          aria-invalid={tooLong || undefined}
          placeholder={placeholder}
          value={draft}
          autoFocus={autoFocus}
          onChange={(event) => {
            setDraft(event.target.value);
            if (event.target.value.trim()) typing?.typed();
            else typing?.stopped();
          }}
          {...completion.inputProps}
          onKeyDown={onKeyDown}
          onBlur={() => {
            completion.inputProps.onBlur();
            typing?.stopped();
          }}
        />
        <div className="composer__actions">
          {remaining < 500 && (
            <span id={counterId} className={`composer__counter${tooLong ? ' composer__counter--over' : ''}`}>
              {remaining}
            </span>
          )}
          <button
            type="button"
            className="icon-button composer__tool"
            aria-pressed={preview}
            aria-controls={preview ? previewId : undefined}
            aria-label={preview ? 'Hide preview' : 'Preview markdown'}
            title="Preview (markdown: **bold**, _italic_, `code`, ```blocks```, [links](https://…), lists, > quotes)"
            onClick={() => setPreview((p) => !p)}
          >
            <Icon name="eye" size={18} />
            <span className="composer__tool-label">{preview ? 'Hide preview' : 'Preview'}</span>
          </button>
          <div className="msg__action-wrap">
            <button
              type="button"
              className="icon-button composer__tool"
              aria-label="Insert emoji"
              title="Emoji (or type : and a name)"
              aria-expanded={picker}
              data-picker-toggle=""
              onClick={() => setPicker((p) => !p)}
            >
              <Icon name="smile" size={18} />
            </button>
            {picker && (
              <EmojiPicker placement="up" label="Insert an emoji" verb="Insert" onPick={insertAtCaret} onClose={() => setPicker(false)} />
            )}
          </div>
          <button type="submit" className="composer__send" aria-label="Send" disabled={!canSend}>
            <Icon name="send" size={18} />
          </button>
        </div>
      </div>
    </form>
  );
}

/** A countdown in whole seconds, for the wait a refusal or slow mode asks for. */
function useWait() {
  const [state, setState] = useState<{ limit: string; until: number } | null>(null);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!state) return;
    const timer = window.setInterval(() => {
      const time = Date.now();
      setNow(time);
      if (time >= state.until) setState(null);
    }, 250);
    return () => window.clearInterval(timer);
  }, [state]);
  const seconds = state ? Math.max(0, Math.ceil((state.until - now) / 1000)) : 0;
  return {
    limit: state?.limit ?? '',
    seconds,
    start(limit: string, wait: number) {
      const time = Date.now();
      setNow(time);
      setState({ limit, until: time + wait * 1000 });
    },
  };
}
