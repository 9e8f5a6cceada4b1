// The cards of a message's or post's links (link previews): title, site, description and the image
// Sanctum re-encoded and serves itself, never the original host. They arrive after the message (in a
// `message.updated`) or post (`post.previews`). The author may remove them (none is made again); a user
// whose preference is off sees none.
import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api, unwrap } from '../../api/client';
import type { components } from '../../api/generated/schema';
import { Icon } from '../../components/ui';
import { usePreferences } from '../preferences/api';

type LinkPreview = components['schemas']['LinkPreview'];

interface LinkPreviewsProps {
  cards: LinkPreview[];
  /** Given to the author only: removes the cards. */
  onRemove?(): void;
  removing?: boolean;
}

export function LinkPreviews({ cards, onRemove, removing = false }: LinkPreviewsProps) {
  const wanted = usePreferences().data?.link_previews !== false;
  if (!wanted || cards.length === 0) return null;
  return (
    <div className="link-previews">
      {cards.map((card) => (
        <article key={card.url} className="link-preview" aria-label={`Link preview: ${card.title}`}>
          {card.image_url && (
            <img
              className="link-preview__image"
              src={card.image_url}
              alt=""
              width={card.image_width ?? undefined}
              height={card.image_height ?? undefined}
              loading="lazy"
            />
          )}
          <div className="link-preview__text">
            {card.site_name && <p className="link-preview__site">{card.site_name}</p>}
            <a className="link-preview__title" href={card.url} target="_blank" rel="noopener noreferrer nofollow ugc" dir="auto">
              {card.title}
            </a>
            {card.description && (
              <p className="link-preview__description" dir="auto">
                {card.description}
              </p>
            )}
          </div>
        </article>
      ))}
      {onRemove && (
        <button
          type="button"
          className="icon-button link-previews__remove"
          aria-label="Remove link previews"
          title="Remove link previews"
          disabled={removing}
          onClick={onRemove}
        >
          <Icon name="close" size={14} />
        </button>
      )}
    </div>
  );
}

/** A message's cards; its author may remove them (the room's `message.updated` then updates every tab). */
export function MessageLinkPreviews({ roomId, messageId, cards, mine }: { roomId: string; messageId: number; cards: LinkPreview[]; mine: boolean }) {
  const remove = useMutation({
    mutationFn: () =>
      unwrap(
        api.client.PUT('/api/rooms/{room_id}/messages/{message_id}/link-previews', {
          params: { path: { room_id: roomId, message_id: messageId } },
          body: { enabled: false },
        }),
      ),
  });
  return <LinkPreviews cards={cards} onRemove={mine ? () => remove.mutate() : undefined} removing={remove.isPending} />;
}

/** A post's cards; its author may remove them. */
export function PostLinkPreviews({ postId, cards, mine }: { postId: number; cards: LinkPreview[]; mine: boolean }) {
  const queryClient = useQueryClient();
  const remove = useMutation({
    mutationFn: () =>
      unwrap(api.client.PUT('/api/posts/{post_id}/link-previews', { params: { path: { post_id: postId } }, body: { enabled: false } })),
    onSuccess: () => queryClient.invalidateQueries(),
  });
  return <LinkPreviews cards={cards} onRemove={mine ? () => remove.mutate() : undefined} removing={remove.isPending} />;
}
