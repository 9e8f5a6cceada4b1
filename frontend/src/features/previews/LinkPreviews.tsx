// The cards of a message's links (link previews): title, site, description and the image Sanctum
// re-encoded and serves itself, never the original host. They arrive after the message, in a
// `message.updated`. The author may remove them (none is made again); a user whose preference is off
// sees none.
import { useMutation } from '@tanstack/react-query';

import { api, unwrap } from '../../api/client';
import type { components } from '../../api/generated/schema';
import { Icon } from '../../components/ui';
import { usePreferences } from '../preferences/api';

type LinkPreview = components['schemas']['LinkPreview'];

interface LinkPreviewsProps {
  roomId: string;
  messageId: number;
  cards: LinkPreview[];
  /** The author (who may remove the cards). */
  mine: boolean;
}

export function LinkPreviews({ roomId, messageId, cards, mine }: LinkPreviewsProps) {
  const wanted = usePreferences().data?.link_previews !== false;
  const remove = useMutation({
    mutationFn: () =>
      unwrap(
        api.client.PUT('/api/rooms/{room_id}/messages/{message_id}/link-previews', {
          params: { path: { room_id: roomId, message_id: messageId } },
          body: { enabled: false },
        }),
      ),
  });
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
      {mine && (
        <button
          type="button"
          className="icon-button link-previews__remove"
          aria-label="Remove link previews"
          title="Remove link previews"
          disabled={remove.isPending}
          onClick={() => remove.mutate()}
        >
          <Icon name="close" size={14} />
        </button>
      )}
    </div>
  );
}
