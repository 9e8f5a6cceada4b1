import { Link } from 'react-router';

import { Avatar, Button, Icon, Name } from '../../components/ui';
import { formatRelative } from '../../lib/format';
import { useBlockedIds } from '../blocks/api';
import { Collapsed } from '../blocks/Blocked';
import { ReportButton } from '../moderation/reports/ReportButton';
import { useMe } from '../auth/useMe';
import { MessageBody } from '../chat/MessageItem';
import { PostLinkPreviews } from '../previews/LinkPreviews';
import { useLikePost, type Post } from './api';
import { COMMENTS, plural } from '../../lib/plural';

/** Post HTML: rendered and sanitized by the server, sanitized again and isolated here, as a chat message is. */
export function PostBody({ html }: { html: string }) {
  return <MessageBody html={html} className="post__body markdown" />;
}

export function Author({ author }: { author: Post['author'] }) {
  if (!author) return <span className="muted">deleted user</span>;
  return (
    <Link to={`/u/${author.username}`} className="post__author">
      <Avatar name={author.display_name || author.username} src={author.avatar_url} size="sm" />
      <Name>{author.display_name}</Name>
    </Link>
  );
}

export function LikeButton({ post }: { post: Post }) {
  const like = useLikePost();
  return (
    <Button
      size="sm"
      variant={post.liked_by_me ? 'primary' : 'ghost'}
      aria-pressed={post.liked_by_me}
      aria-label={post.liked_by_me ? 'Unlike' : 'Like'}
      loading={like.isPending}
      onClick={() => like.mutate({ id: post.id, like: !post.liked_by_me })}
    >
      ♥ <span data-testid="like-count">{post.like_count}</span>
    </Button>
  );
}

export function PostCard({ post }: { post: Post }) {
  const blocked = useBlockedIds();
  if (post.author && blocked.has(post.author.id)) {
    return (
      <Collapsed what="post">
        <PostCardBody post={post} />
      </Collapsed>
    );
  }
  return <PostCardBody post={post} />;
}

function PostCardBody({ post }: { post: Post }) {
  const me = useMe().data;
  return (
    <article className="card post" data-testid="post" aria-label={`Post ${post.id}`}>
      <header className="post__head">
        <Author author={post.author} />
        {post.sanctum && (
          <Link to={`/sanctums/${post.sanctum.slug}`} className="post__sanctum">
            in <Name>{post.sanctum.name}</Name>
          </Link>
        )}
        <Link to={`/posts/${post.id}`} className="post__time muted">
          {formatRelative(post.created_at)}
          {post.edited_at ? ' (edited)' : ''}
        </Link>
      </header>
      <PostBody html={post.html} />
      <PostLinkPreviews postId={post.id} cards={post.link_previews} mine={Boolean(me && post.author?.id === me.id)} />
      <footer className="post__actions">
        <LikeButton post={post} />
        <ReportButton targetType="post" targetId={String(post.id)} size="sm" />
        <Link to={`/posts/${post.id}`} className="btn btn--ghost btn--sm">
          <Icon name="chat" size={16} /> <span data-testid="comment-count">{post.comment_count}</span> {plural(post.comment_count, COMMENTS)}
        </Link>
      </footer>
    </article>
  );
}
