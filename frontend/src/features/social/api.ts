// The social API (sanctums, posts, comments, likes, feeds, friends): query keys, calls and hooks.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';

import { api, unwrap } from '../../api/client';
import type { components } from '../../api/generated/schema';

export type Sanctum = components['schemas']['SanctumRead'];
export type SanctumCreate = components['schemas']['SanctumCreate'];
export type SanctumMember = components['schemas']['SanctumMemberRead'];
export type Post = components['schemas']['PostRead'];
export type PostPage = components['schemas']['PostPage'];
export type Comment = components['schemas']['CommentRead'];
export type LikeState = components['schemas']['LikeState'];
export type FriendState = components['schemas']['FriendState'];

export const socialKeys = {
  sanctums: ['sanctums'] as const,
  discover: (q: string) => ['sanctums', 'discover', q] as const,
  mine: ['sanctums', 'mine'] as const,
  sanctum: (slug: string) => ['sanctums', 'one', slug] as const,
  members: (slug: string) => ['sanctums', 'members', slug] as const,
  memberSearch: (slug: string, q: string, role: string) => ['sanctums', 'members', slug, q, role] as const,
  posts: ['posts'] as const,
  feed: ['posts', 'feed'] as const,
  sanctumPosts: (slug: string) => ['posts', 'sanctum', slug] as const,
  userPosts: (username: string) => ['posts', 'user', username.toLowerCase()] as const,
  post: (id: number) => ['post', id] as const,
  comments: (id: number) => ['post', id, 'comments'] as const,
  friends: ['friends'] as const,
  requests: ['friends', 'requests'] as const,
  friendState: (userId: string) => ['friends', 'state', userId] as const,
};

// ---- sanctums --------------------------------------------------------------------------------

export function useDiscover(q: string) {
  return useQuery({
    queryKey: socialKeys.discover(q),
    queryFn: () => unwrap(api.client.GET('/api/sanctums', { params: { query: { q: q || undefined, limit: 50 } } })),
  });
}

export function useMySanctums() {
  return useQuery({
    queryKey: socialKeys.mine,
    queryFn: () => unwrap(api.client.GET('/api/users/me/sanctums')).then((r) => r.items),
  });
}

export function useSanctum(slug: string, enabled = true) {
  return useQuery({
    queryKey: socialKeys.sanctum(slug),
    queryFn: () => unwrap(api.client.GET('/api/sanctums/{slug}', { params: { path: { slug } } })),
    retry: false,
    enabled: enabled && slug !== '',
  });
}

export type MemberRole = SanctumMember['role'];

/** The member directory, narrowed by the start of a name and a role (the server filters and orders). */
export function useMemberDirectory(slug: string, q: string, role: MemberRole | '', enabled: boolean) {
  const term = q.trim();
  return useQuery({
    queryKey: socialKeys.memberSearch(slug, term, role),
    queryFn: () =>
      unwrap(
        api.client.GET('/api/sanctums/{slug}/members', {
          params: { path: { slug }, query: { q: term || undefined, role: role || undefined } },
        }),
      ).then((r) => r.items),
    enabled,
    placeholderData: (previous) => previous,
  });
}

export function useCreateSanctum() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: SanctumCreate) => unwrap(api.client.POST('/api/sanctums', { body })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: socialKeys.sanctums }),
  });
}

export function useMembership(slug: string) {
  const queryClient = useQueryClient();
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: socialKeys.sanctums });
    void queryClient.invalidateQueries({ queryKey: socialKeys.posts });
  };
  const join = useMutation({
    mutationFn: () => unwrap(api.client.POST('/api/sanctums/{slug}/join', { params: { path: { slug } } })),
    onSuccess: refresh,
  });
  const leave = useMutation({
    mutationFn: () => unwrap(api.client.POST('/api/sanctums/{slug}/leave', { params: { path: { slug } } })),
    onSuccess: refresh,
  });
  return { join, leave };
}

/** The owner's controls over members: promote to moderator, demote to member, remove. */
export function useMemberActions(slug: string) {
  const queryClient = useQueryClient();
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: socialKeys.members(slug) });
    void queryClient.invalidateQueries({ queryKey: socialKeys.sanctum(slug) });
  };
  const setRole = useMutation({
    mutationFn: ({ userId, role }: { userId: string; role: string }) =>
      unwrap(
        api.client.PUT('/api/sanctums/{slug}/members/{user_id}/role', {
          params: { path: { slug, user_id: userId } },
          body: { role },
        }),
      ),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: (userId: string) =>
      unwrap(api.client.DELETE('/api/sanctums/{slug}/members/{user_id}', { params: { path: { slug, user_id: userId } } })),
    onSuccess: refresh,
  });
  const transfer = useMutation({
    mutationFn: (userId: string) =>
      unwrap(api.client.POST('/api/sanctums/{slug}/transfer', { params: { path: { slug } }, body: { user_id: userId } })),
    onSuccess: refresh,
  });
  return { setRole, remove, transfer };
}

// ---- posts and feeds ---------------------------------------------------------------------------

type PageFetcher = (before: number | undefined) => Promise<PostPage>;

function usePostPages(key: readonly unknown[], fetchPage: PageFetcher, enabled = true) {
  return useInfiniteQuery({
    queryKey: key,
    queryFn: ({ pageParam }) => fetchPage(pageParam),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (last: PostPage) => last.next_before ?? undefined,
    enabled,
  });
}

export function useFeed() {
  return usePostPages(socialKeys.feed, (before) => unwrap(api.client.GET('/api/feed', { params: { query: { before } } })));
}

export function useSanctumPosts(slug: string, enabled: boolean) {
  return usePostPages(
    socialKeys.sanctumPosts(slug),
    (before) => unwrap(api.client.GET('/api/sanctums/{slug}/posts', { params: { path: { slug }, query: { before } } })),
    enabled,
  );
}

export function useUserPosts(username: string) {
  return usePostPages(socialKeys.userPosts(username), (before) =>
    unwrap(api.client.GET('/api/users/{username}/posts', { params: { path: { username }, query: { before } } })),
  );
}

export function usePost(id: number) {
  return useQuery({
    queryKey: socialKeys.post(id),
    queryFn: () => unwrap(api.client.GET('/api/posts/{post_id}', { params: { path: { post_id: id } } })),
    retry: false,
  });
}

export function useCreatePost() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { body: string; sanctum_id?: string | null }) => unwrap(api.client.POST('/api/posts', { body })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: socialKeys.posts }),
  });
}

export function useDeletePost() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => unwrap(api.client.DELETE('/api/posts/{post_id}', { params: { path: { post_id: id } } })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: socialKeys.posts }),
  });
}

/** Puts a post's new like state into every cached copy of it (lists and the post itself). */
export function applyPostPatch(queryClient: QueryClient, id: number, patch: Partial<Post>) {
  queryClient.setQueryData<Post>(socialKeys.post(id), (old) => (old ? { ...old, ...patch } : old));
  queryClient.setQueriesData<{ pages: PostPage[]; pageParams: unknown[] }>({ queryKey: socialKeys.posts }, (old) =>
    old
      ? { ...old, pages: old.pages.map((p) => ({ ...p, items: p.items.map((item) => (item.id === id ? { ...item, ...patch } : item)) })) }
      : old,
  );
}

export function useLikePost() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, like }: { id: number; like: boolean }) =>
      like
        ? unwrap(api.client.POST('/api/posts/{post_id}/like', { params: { path: { post_id: id } } }))
        : unwrap(api.client.DELETE('/api/posts/{post_id}/like', { params: { path: { post_id: id } } })),
    onSuccess: (state: LikeState) => applyPostPatch(queryClient, state.id, { like_count: state.like_count, liked_by_me: state.liked_by_me }),
  });
}

// ---- comments ----------------------------------------------------------------------------------

export function useComments(postId: number, enabled: boolean) {
  return useQuery({
    queryKey: socialKeys.comments(postId),
    queryFn: () => unwrap(api.client.GET('/api/posts/{post_id}/comments', { params: { path: { post_id: postId }, query: { limit: 100 } } })),
    enabled,
  });
}

export function useCommentActions(postId: number) {
  const queryClient = useQueryClient();
  const refresh = () => void queryClient.invalidateQueries({ queryKey: socialKeys.comments(postId) });
  const create = useMutation({
    mutationFn: (body: { body: string; parent_id?: number }) =>
      unwrap(api.client.POST('/api/posts/{post_id}/comments', { params: { path: { post_id: postId } }, body })),
    onSuccess: refresh,
  });
  const like = useMutation({
    mutationFn: ({ id, like }: { id: number; like: boolean }) =>
      like
        ? unwrap(api.client.POST('/api/comments/{comment_id}/like', { params: { path: { comment_id: id } } }))
        : unwrap(api.client.DELETE('/api/comments/{comment_id}/like', { params: { path: { comment_id: id } } })),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: (id: number) => unwrap(api.client.DELETE('/api/comments/{comment_id}', { params: { path: { comment_id: id } } })),
    onSuccess: refresh,
  });
  return { create, like, remove };
}

// ---- friends -----------------------------------------------------------------------------------

export function useFriends() {
  return useQuery({ queryKey: socialKeys.friends, queryFn: () => unwrap(api.client.GET('/api/friends')).then((r) => r.items) });
}

export function useFriendRequests() {
  return useQuery({ queryKey: socialKeys.requests, queryFn: () => unwrap(api.client.GET('/api/friends/requests')) });
}

export function useFriendState(userId: string | undefined) {
  return useQuery({
    queryKey: socialKeys.friendState(userId ?? ''),
    queryFn: () => unwrap(api.client.GET('/api/friends/{user_id}', { params: { path: { user_id: userId ?? '' } } })),
    enabled: Boolean(userId),
  });
}

export type FriendAction = 'send' | 'accept' | 'decline' | 'cancel' | 'remove';

export function useFriendAction() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ action, userId }: { action: FriendAction; userId: string }) => {
      const path = { params: { path: { user_id: userId } } };
      switch (action) {
        case 'send':
          return unwrap(api.client.POST('/api/friends/requests', { body: { user_id: userId } }));
        case 'accept':
          return unwrap(api.client.POST('/api/friends/requests/{user_id}/accept', path));
        case 'decline':
          return unwrap(api.client.POST('/api/friends/requests/{user_id}/decline', path));
        case 'cancel':
          return unwrap(api.client.DELETE('/api/friends/requests/{user_id}', path));
        case 'remove':
          return unwrap(api.client.DELETE('/api/friends/{user_id}', path));
      }
    },
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: socialKeys.friends });
      void queryClient.invalidateQueries({ queryKey: socialKeys.feed });
    },
  });
}
