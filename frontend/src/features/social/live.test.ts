import { describe, expect, it } from 'vitest';

import { changesComments, postPatch } from './live';

describe('events on post:{id}', () => {
  it('carry the new like count, and my own like state only when the like was mine', () => {
    const like = { type: 'like.updated', data: { target: 'post', id: 7, like_count: 3, user_id: 'me', liked: true } };
    expect(postPatch(like, 'me')).toEqual({ like_count: 3, liked_by_me: true });
    expect(postPatch(like, 'someone-else')).toEqual({ like_count: 3 });
  });

  it('move the comment count on comments created and deleted, and refresh the comment list', () => {
    const created = { type: 'comment.created', data: { comment: { id: 1 }, comment_count: 2 } };
    const deleted = { type: 'comment.deleted', data: { id: 1, parent_id: null, comment_count: 1 } };
    expect(postPatch(created, 'me')).toEqual({ comment_count: 2 });
    expect(postPatch(deleted, 'me')).toEqual({ comment_count: 1 });
    expect(changesComments(created) && changesComments(deleted)).toBe(true);
  });

  it('leave the post alone for comment likes and replayed frames of removed comments', () => {
    const commentLike = { type: 'like.updated', data: { target: 'comment', id: 4, like_count: 1 } };
    const removed = { type: 'comment.created', data: { id: 5, deleted: true } };
    expect(postPatch(commentLike, 'me')).toBeNull();
    expect(changesComments(commentLike)).toBe(true);
    expect(postPatch(removed, 'me')).toBeNull();
  });

  it('replace the text on an edit', () => {
    const edit = { type: 'post.updated', data: { id: 7, body: 'new', html: '<p>new</p>', edited_at: '2026-01-01T00:00:00Z' } };
    expect(postPatch(edit, undefined)).toEqual({ body: 'new', html: '<p>new</p>', edited_at: '2026-01-01T00:00:00Z' });
    expect(changesComments(edit)).toBe(false);
  });
});
