"""The posts hub: topic `post:{id}` for whoever may see the post (live counters, comments, edits)."""

from __future__ import annotations

import uuid

from sanctum.domains.chat.sanctum_rooms import sanctum_scope
from sanctum.domains.posts import events as ev
from sanctum.domains.posts.service import PostService
from sanctum.realtime.hub import Hub


class PostsHub(Hub):
    name = "posts"
    events = ev.EVENTS
    prefixes = ("post:",)

    def __init__(self, posts: PostService) -> None:
        self._posts = posts

    async def authorize(self, user_id: uuid.UUID, topic: str) -> bool:
        post_id = ev.post_id_of(topic)
        return post_id is not None and await self._posts.can_watch(user_id, post_id)

    async def scopes(self, topic: str) -> frozenset[str]:
        """A post in a sanctum is readable only as long as the sanctum lets the reader in."""
        post_id = ev.post_id_of(topic)
        sanctum_id = await self._posts.sanctum_of(post_id) if post_id is not None else None
        return frozenset({topic, sanctum_scope(sanctum_id)} if sanctum_id is not None else {topic})
