// What an event on `post:{id}` changes: the post's counters and text, and whether the comment list is stale.
import type { Post } from './api';

interface PostEvent {
  type: string;
  data?: unknown;
}

/** The fields of the post an event changes, or null when it changes none of them. */
export function postPatch(event: PostEvent, myId: string | undefined): Partial<Post> | null {
  const data = (event.data ?? {}) as Record<string, unknown>;
  if (event.type === 'like.updated' && data.target === 'post' && typeof data.like_count === 'number') {
    const patch: Partial<Post> = { like_count: data.like_count };
    // My own like from another tab: the button follows too.
    if (myId !== undefined && data.user_id === myId && typeof data.liked === 'boolean') patch.liked_by_me = data.liked;
    return patch;
  }
  if ((event.type === 'comment.created' || event.type === 'comment.deleted') && typeof data.comment_count === 'number') {
    return { comment_count: data.comment_count };
  }
  if (event.type === 'post.previews' && Array.isArray(data.link_previews)) {
    return { link_previews: data.link_previews as Post['link_previews'], link_previews_enabled: data.link_previews_enabled !== false };
  }
  if (event.type === 'post.updated' && typeof data.body === 'string' && typeof data.html === 'string') {
    return { body: data.body, html: data.html, edited_at: typeof data.edited_at === 'string' ? data.edited_at : null };
  }
  return null;
}

/** Whether the event changes the comments shown (a comment, or a like on one). */
export function changesComments(event: PostEvent): boolean {
  const data = (event.data ?? {}) as Record<string, unknown>;
  return event.type.startsWith('comment.') || (event.type === 'like.updated' && data.target === 'comment');
}
