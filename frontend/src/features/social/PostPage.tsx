import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNavigate, useParams } from 'react-router';

import { ApiError } from '../../api/errors';
import { Alert, Button, Card, Spinner } from '../../components/ui';
import { MentionTextarea } from '../people/MentionTextarea';
import { formatRelative } from '../../lib/format';
import { useViewedSubject } from '../notifications/api';
import { useTopic } from '../../lib/realtime';
import { useMe } from '../auth/useMe';
import { can } from '../moderation/api';
import { applyPostPatch, socialKeys, useCommentActions, useComments, useDeletePost, usePost, useSanctum, type Comment } from './api';
import { changesComments, postPatch } from './live';
import { PostLinkPreviews } from '../previews/LinkPreviews';
import { Author, LikeButton, PostBody } from './PostCard';
import { COMMENTS, plural } from '../../lib/plural';

/**
 * One post with its comments. It watches `post:{id}`: likes, comments and edits by anyone show up
 * at once (counts come with each event; the comment list is refetched when it changes). A moderator of
 * the post's sanctum (`post.delete`) gets Remove on others' posts and comments; the server decides.
 */
export function PostPage() {
  const { postId = '' } = useParams();
  const id = /^\d{1,18}$/.test(postId) ? Number(postId) : 0;
  const post = usePost(id);
  const comments = useComments(id, post.isSuccess);
  const queryClient = useQueryClient();
  const me = useMe();
  const remove = useDeletePost();
  const navigate = useNavigate();
  const sanctum = useSanctum(post.data?.sanctum?.slug ?? '', post.isSuccess);
  const moderates = can(sanctum.data?.my_permissions, 'post.delete');
  const [removed, setRemoved] = useState(false);
  useViewedSubject(post.isSuccess ? `post:${id}` : null);

  useTopic(post.isSuccess ? `post:${id}` : null, (event) => {
    const patch = postPatch(event, me.data?.id);
    if (patch) applyPostPatch(queryClient, id, patch);
    if (changesComments(event)) void queryClient.invalidateQueries({ queryKey: socialKeys.comments(id) });
    if (event.type === 'post.deleted') {
      if ((event.data as { removed_by_moderator?: boolean } | undefined)?.removed_by_moderator) setRemoved(true);
      void queryClient.invalidateQueries({ queryKey: socialKeys.post(id) });
    }
  });

  if (removed) return <Alert tone="info">This post was removed by a moderator.</Alert>;
  if (post.isPending) return <Spinner label="Loading post" />;
  if (post.isError) {
    const missing = post.error instanceof ApiError && post.error.status === 404;
    return <Alert tone="error">{missing ? 'This post does not exist, or you cannot see it.' : post.error.message}</Alert>;
  }
  const p = post.data;
  const mine = p.author && p.author.id === me.data?.id;
  return (
    <div className="stack">
      <article className="card post" data-testid="post" aria-label="Post">
        <header className="post__head">
          <Author author={p.author} />
          <span className="muted">{formatRelative(p.created_at)}</span>
        </header>
        <PostBody html={p.html} />
        <PostLinkPreviews postId={p.id} cards={p.link_previews} mine={Boolean(mine)} />
        <footer className="post__actions">
          <LikeButton post={p} />
          <span className="muted">
            <span data-testid="comment-count">{p.comment_count}</span> {plural(p.comment_count, COMMENTS)}
          </span>
          {(mine || moderates) && (
            <Button size="sm" variant="danger" onClick={() => remove.mutate(p.id, { onSuccess: () => void navigate('/feed') })}>
              {mine ? 'Delete' : 'Remove'}
            </Button>
          )}
        </footer>
      </article>
      <CommentForm postId={id} label="Write a comment" />
      <Card title="Comments">
        {comments.isPending ? (
          <Spinner label="Loading comments" />
        ) : (
          <ul className="stack" aria-label="Comments">
            {(comments.data?.items ?? []).map((c) => (
              <CommentItem key={c.id} comment={c} postId={id} moderates={moderates} />
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}

function CommentForm({ postId, parentId, label, onDone }: { postId: number; parentId?: number; label: string; onDone?: () => void }) {
  const [body, setBody] = useState('');
  const { create } = useCommentActions(postId);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!body.trim()) return;
    create.mutate({ body, parent_id: parentId }, { onSuccess: () => (setBody(''), onDone?.()) });
  };
  return (
    <form onSubmit={submit} className="stack">
      <MentionTextarea aria-label={label} placeholder={label} rows={2} maxLength={4000} value={body} onValueChange={setBody} />
      <div>
        <Button type="submit" size="sm" variant="primary" loading={create.isPending} disabled={!body.trim()}>
          {parentId ? 'Reply' : 'Comment'}
        </Button>
      </div>
    </form>
  );
}

function CommentItem({ comment, postId, moderates }: { comment: Comment; postId: number; moderates: boolean }) {
  const [replying, setReplying] = useState(false);
  const { like, remove } = useCommentActions(postId);
  const me = useMe();
  const mine = Boolean(comment.author && comment.author.id === me.data?.id);
  const gone = comment.removed_by_moderator;
  return (
    <li className="comment" data-testid={comment.parent_id === null ? 'comment' : 'reply'}>
      <div className="post__head">
        <Author author={comment.author} />
        <span className="muted">{formatRelative(comment.created_at)}</span>
      </div>
      {gone ? (
        <p className="muted" data-testid="comment-removed">
          <em>Removed by a moderator</em>
        </p>
      ) : (
        <PostBody html={comment.html} />
      )}
      <div className="post__actions">
        {!gone && (
          <Button
            size="sm"
            variant={comment.liked_by_me ? 'primary' : 'ghost'}
            aria-pressed={comment.liked_by_me}
            aria-label={comment.liked_by_me ? 'Unlike comment' : 'Like comment'}
            onClick={() => like.mutate({ id: comment.id, like: !comment.liked_by_me })}
          >
            ♥ {comment.like_count}
          </Button>
        )}
        {comment.parent_id === null && !gone && (
          <Button size="sm" variant="ghost" onClick={() => setReplying((r) => !r)}>
            Reply
          </Button>
        )}
        {(mine || moderates) && (
          <Button size="sm" variant="ghost" onClick={() => remove.mutate(comment.id)}>
            {mine || gone ? 'Delete' : 'Remove'}
          </Button>
        )}
      </div>
      {replying && <CommentForm postId={postId} parentId={comment.id} label="Write a reply" onDone={() => setReplying(false)} />}
      {(comment.replies ?? []).length > 0 && (
        <ul className="comment__replies stack">
          {(comment.replies ?? []).map((r) => (
            <CommentItem key={r.id} comment={r} postId={postId} moderates={moderates} />
          ))}
        </ul>
      )}
    </li>
  );
}
