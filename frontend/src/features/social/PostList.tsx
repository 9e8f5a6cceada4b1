import { useState, type FormEvent } from 'react';

import { ApiError } from '../../api/errors';
import { Alert, Button, Card, Spinner } from '../../components/ui';
import { AttachButton, dropAndPaste, UploadList } from '../files/UploadList';
import { useUploads } from '../files/useUploads';
import { MentionTextarea } from '../people/MentionTextarea';
import { useCreatePost, type PostPage } from './api';
import { PostCard } from './PostCard';

interface Pages {
  data?: { pages: PostPage[] };
  isPending: boolean;
  isError: boolean;
  error: Error | null;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => unknown;
}

/** A newest-first list of posts with "Load older" paging (keyset cursor, so pages never shift). */
export function PostList({ pages, empty }: { pages: Pages; empty: string }) {
  if (pages.isPending) return <Spinner label="Loading posts" />;
  if (pages.isError) return <Alert tone="error">{pages.error?.message}</Alert>;
  const posts = pages.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <div className="stack" aria-label="Posts">
      {posts.length === 0 && <p className="muted">{empty}</p>}
      {posts.map((post) => (
        <PostCard key={post.id} post={post} />
      ))}
      {pages.hasNextPage && (
        <Button onClick={() => void pages.fetchNextPage()} loading={pages.isFetchingNextPage}>
          Load older posts
        </Button>
      )}
    </div>
  );
}

/** Write a post, in a sanctum (`sanctumId`) or on your profile. */
export function PostComposer({ sanctumId, label }: { sanctumId?: string; label: string }) {
  const [body, setBody] = useState('');
  const create = useCreatePost();
  const uploads = useUploads();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!body.trim() || uploads.busy) return;
    const attachments = uploads.ready.map((f) => f.id);
    create.mutate(
      { body, sanctum_id: sanctumId ?? null, attachments },
      {
        onSuccess: () => {
          setBody('');
          uploads.clear();
        },
      },
    );
  };
  return (
    <Card>
      <form onSubmit={submit} className="stack" {...dropAndPaste(uploads)}>
        <MentionTextarea aria-label={label} placeholder={label} value={body} maxLength={10000} rows={3} onValueChange={setBody} />
        <UploadList uploads={uploads} />
        {create.error && <Alert tone="error">{create.error instanceof ApiError ? create.error.message : 'Could not post.'}</Alert>}
        <div className="post-composer__actions">
          <Button type="submit" variant="primary" loading={create.isPending} disabled={!body.trim() || uploads.busy}>
            Post
          </Button>
          <AttachButton uploads={uploads} className="icon-button" />
        </div>
      </form>
    </Card>
  );
}
