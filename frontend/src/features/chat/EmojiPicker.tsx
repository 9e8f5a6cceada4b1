import { useEffect, useRef, type KeyboardEvent as ReactKeyboardEvent } from 'react';

/** A small, fixed set: the reactions people reach for most. */
export const EMOJIS = ['👍', '❤️', '😂', '🎉', '😮', '😢', '🙏', '🔥', '👀', '✅', '👏', '🚀', '💯', '🤔', '😍', '👎'];

interface EmojiPickerProps {
  onPick(emoji: string): void;
  onClose(): void;
  /** Which way the popover opens from its anchor (towards the roomier side). */
  placement?: 'up' | 'down';
}

export function EmojiPicker({ onPick, onClose, placement = 'down' }: EmojiPickerProps) {
  const ref = useRef<HTMLDivElement>(null);
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;

  useEffect(() => {
    const root = ref.current;
    root?.querySelector<HTMLButtonElement>('button')?.focus();
    const onPointer = (event: PointerEvent) => {
      const target = event.target as Element;
      // Its own toggle button closes it on click; do not close (and reopen) it here.
      if (root && !root.contains(target) && !target.closest?.('[data-picker-toggle]')) onCloseRef.current();
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        event.stopPropagation();
        onCloseRef.current();
      }
    };
    document.addEventListener('pointerdown', onPointer);
    document.addEventListener('keydown', onKey, true);
    return () => {
      document.removeEventListener('pointerdown', onPointer);
      document.removeEventListener('keydown', onKey, true);
    };
  }, []);

  function onGridKey(event: ReactKeyboardEvent<HTMLDivElement>) {
    const buttons = Array.from(ref.current?.querySelectorAll<HTMLButtonElement>('button') ?? []);
    const index = buttons.indexOf(document.activeElement as HTMLButtonElement);
    const columns = 8;
    const moves: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: columns, ArrowUp: -columns };
    const move = moves[event.key];
    if (move === undefined || index < 0) return;
    event.preventDefault();
    buttons[Math.min(buttons.length - 1, Math.max(0, index + move))]?.focus();
  }

  return (
    <div ref={ref} className={`emoji-picker emoji-picker--${placement}`} role="dialog" aria-label="Pick a reaction">
      <div className="emoji-picker__grid" onKeyDown={onGridKey}>
        {EMOJIS.map((emoji) => (
          <button
            key={emoji}
            type="button"
            className="emoji-picker__emoji"
            aria-label={`React with ${emoji}`}
            onClick={() => {
              onPick(emoji);
              onCloseRef.current();
            }}
          >
            {emoji}
          </button>
        ))}
      </div>
    </div>
  );
}
