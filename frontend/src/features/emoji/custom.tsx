// A sanctum's custom emoji in the web app (docs/files.md, "Custom emoji"): listed once per sanctum, each
// image fetched with the token through the checked download and shown from a blob: URL. A room of the
// sanctum provides them to its picker, its `:shortcode:` autocomplete, its messages and its reactions.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';

import { api, unwrap } from '../../api/client';
import type { components } from '../../api/generated/schema';
import { roomTopic, useTopic } from '../../lib/realtime';
import { fetchFile } from '../files/api';
import type { Emoji } from './data';

export type CustomEmojiRead = components['schemas']['CustomEmojiRead'];

export interface CustomEmoji {
  name: string;
  fileId: string;
  /** The image's blob: URL, once fetched. */
  url: string | null;
}

/** A custom emoji's name, as the server holds it: 2 to 32 of a-z, 0-9 and _. */
export const EMOJI_NAME = /^[a-z0-9_]{2,32}$/;

export const emojiKeys = { of: (sanctumId: string) => ['emoji', sanctumId] as const };

export function useCustomEmojiList(sanctumId: string | null) {
  return useQuery({
    queryKey: emojiKeys.of(sanctumId ?? ''),
    queryFn: () =>
      unwrap(api.client.GET('/api/emoji/{sanctum_id}', { params: { path: { sanctum_id: sanctumId ?? '' } } })).then((r) => r.items),
    enabled: sanctumId !== null,
    staleTime: 60_000,
  });
}

// File id -> blob: URL, for the life of the tab: an emoji's image never changes (a new one is a new file).
const images = new Map<string, Promise<string>>();

function imageOf(fileId: string): Promise<string> {
  let found = images.get(fileId);
  if (!found) {
    found = fetchFile(fileId).then((blob) => URL.createObjectURL(blob));
    found.catch(() => images.delete(fileId));
    images.set(fileId, found);
  }
  return found;
}

/** The listed emoji with their images' URLs as they arrive. */
export function useEmojiImages(items: readonly CustomEmojiRead[] | undefined): CustomEmoji[] {
  const [urls, setUrls] = useState<Record<string, string>>({});
  useEffect(() => {
    let alive = true;
    for (const item of items ?? []) {
      imageOf(item.file_id).then(
        (url) => {
          if (alive) setUrls((known) => (known[item.file_id] === url ? known : { ...known, [item.file_id]: url }));
        },
        () => undefined,
      );
    }
    return () => {
      alive = false;
    };
  }, [items]);
  return useMemo(() => (items ?? []).map((e) => ({ name: e.name, fileId: e.file_id, url: urls[e.file_id] ?? null })), [items, urls]);
}

const CustomEmojiContext = createContext<CustomEmoji[]>([]);

/**
 * The custom emoji of `sanctumId` (none outside a sanctum) for everything inside. `liveRoomId`, a room
 * of the sanctum the person is a member of, keeps them live: `emoji.changed` on its topic (an emoji
 * added or deleted) reloads the list, so the picker follows without a reload.
 */
export function CustomEmojiProvider({
  sanctumId,
  liveRoomId = null,
  children,
}: {
  sanctumId: string | null;
  liveRoomId?: string | null;
  children: ReactNode;
}) {
  const queryClient = useQueryClient();
  const list = useCustomEmojiList(sanctumId);
  useTopic(sanctumId && liveRoomId ? roomTopic(liveRoomId) : null, (event) => {
    if (event.type === 'emoji.changed' && sanctumId) void queryClient.invalidateQueries({ queryKey: emojiKeys.of(sanctumId) });
  });
  const emoji = useEmojiImages(list.data);
  return <CustomEmojiContext.Provider value={emoji}>{children}</CustomEmojiContext.Provider>;
}

export function useCustomEmoji(): CustomEmoji[] {
  return useContext(CustomEmojiContext);
}

/** The custom emoji a `:name:` stands for, if it is one of these. */
export function customOf(emoji: readonly CustomEmoji[], code: string): CustomEmoji | undefined {
  const name = /^:([a-z0-9_]{2,32}):$/.exec(code)?.[1];
  return name === undefined ? undefined : emoji.find((e) => e.name === name);
}

/** A custom emoji as the picker's and the autocomplete's choice: inserted as its `:name:`. */
export function asEmoji(custom: CustomEmoji): Emoji {
  return { unicode: `:${custom.name}:`, label: 'This sanctum', group: -1, tags: [], shortcodes: [custom.name], tones: [], image: custom.url };
}

/** An emoji as text, or a custom emoji's image (its `:name:` until the image is here). */
export function EmojiGlyph({ emoji }: { emoji: string }) {
  const custom = customOf(useCustomEmoji(), emoji);
  if (!custom?.url) return <>{emoji}</>;
  return <img className="custom-emoji" src={custom.url} alt={emoji} title={emoji} />;
}

const CODE = /:([a-z0-9_]{2,32}):/g;

/**
 * Sanitized message HTML with each `:name:` of a loaded custom emoji (outside code and links) made an
 * image. Runs after the sanitizer: the only markup it adds is an `<img>` whose `src` is a blob: URL
 * this tab made and whose `alt` is the `:name:` (a-z, 0-9 and _ only).
 */
export function withCustomEmoji(html: string, emoji: readonly CustomEmoji[]): string {
  const urls = new Map(emoji.flatMap((e) => (e.url ? [[e.name, e.url] as const] : [])));
  if (urls.size === 0 || !html.includes(':')) return html;
  const template = document.createElement('template');
  template.innerHTML = html;
  const walker = document.createTreeWalker(template.content, NodeFilter.SHOW_TEXT);
  const texts: Text[] = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) texts.push(node as Text);
  let changed = false;
  for (const text of texts) {
    if (text.parentElement?.closest('code, pre, a')) continue;
    const parts: Node[] = [];
    let last = 0;
    for (const match of text.data.matchAll(CODE)) {
      const url = urls.get(match[1] ?? '');
      if (!url) continue;
      parts.push(document.createTextNode(text.data.slice(last, match.index)));
      const img = document.createElement('img');
      img.className = 'custom-emoji';
      img.src = url;
      img.alt = match[0];
      img.title = match[0];
      parts.push(img);
      last = match.index + match[0].length;
    }
    if (parts.length === 0) continue;
    parts.push(document.createTextNode(text.data.slice(last)));
    text.replaceWith(...parts);
    changed = true;
  }
  return changed ? template.innerHTML : html;
}
