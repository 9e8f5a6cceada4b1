import { PageHeader } from '../../components/ui';
import { useFeed } from './api';
import { PostComposer, PostList } from './PostList';

export function FeedPage() {
  const feed = useFeed();
  return (
    <div className="stack">
      <PageHeader title="Feed" description="Posts from your sanctums and your friends, newest first." />
      <PostComposer label="Share something on your profile" />
      <PostList pages={feed} empty="Nothing here yet: join a sanctum or add friends." />
    </div>
  );
}
