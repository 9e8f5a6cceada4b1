import { PageHeader } from '../../components/ui';
import { useFeed } from './api';
import { PostComposer, PostList } from './PostList';

export function FeedPage() {
  const feed = useFeed();
  return (
    <div className="stack">
      <PageHeader title="Feed" description="Posts from your sanctums and your friends, newest first." />
      <PostComposer label="Share something on your profile" />
      <PostList pages={feed} empty="Your feed is empty. Join a sanctum (Sanctums, in the menu) or add friends, and their posts show up here; or write the first post above." />
    </div>
  );
}
