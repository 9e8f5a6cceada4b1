"""Site search: messages, posts, comments, sanctums, rooms and people for one query, in one reader.

Who may find what is decided here, from the other domains' services, before the index is asked:
- messages: only in the rooms and DMs the caller is a member of now (chat's `readable`), so a room
  they left or were removed from is not searched; public rooms they have not joined are not either
  (join one to search it, as in Slack). Deleted messages and system lines are not in the index.
- posts and comments: profile posts, and posts in the sanctums the caller belongs to.
- sanctums and rooms: public ones and the caller's own, by name (names.py); a sanctum that banned
  the caller is left out. People: the people search of accounts (blocks respected).
Filters narrow messages, posts and comments (`in:` messages alone); a filtered query lists no
sanctums, rooms or people. `kind` asks for one group and `cursor` pages it; each group's cursor
is its own (`ScoreCursor` for text, `NameCursor` for names, the people search's own cursor).
"""

from __future__ import annotations

import uuid
from typing import Annotated

from pydantic import AwareDatetime, Field
from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.core.clock import utcnow
from sanctum.core.errors import NotFound
from sanctum.core.pagination import Cursor, NameCursor, decode_cursor, encode_cursor
from sanctum.db.database import Database
from sanctum.domains.accounts.search import PeopleSearch
from sanctum.domains.accounts.service import AccountService, Actor
from sanctum.domains.chat.access import ReadableRoom, RoomAccess
from sanctum.domains.sanctums.service import SanctumService
from sanctum.domains.search import names
from sanctum.domains.search.index import SearchIndex, TextHit, TextKind, TextSearch
from sanctum.domains.search.query import Query, parse, plain, segments
from sanctum.domains.search.schemas import (
    CommentHit,
    CommentResults,
    MessageHit,
    MessageResults,
    PostHit,
    PostResults,
    RoomHit,
    RoomResults,
    SanctumHit,
    SanctumResults,
    SearchKind,
    SearchResults,
    UserResults,
)

ALL_KINDS: tuple[SearchKind, ...] = ("messages", "posts", "comments", "sanctums", "rooms", "users")


class ScoreCursor(Cursor):
    """After the hit of score `s` and id `i`, ranked as of `t` (text results: best score first)."""

    s: float
    i: Annotated[int, Field(gt=0, lt=2**62)]
    t: AwareDatetime


class SearchService:
    def __init__(
        self,
        db: Database,
        index: SearchIndex,
        rooms: RoomAccess,
        sanctums: SanctumService,
        accounts: AccountService,
        people: PeopleSearch,
    ) -> None:
        self._db, self._index, self._rooms = db, index, rooms
        self._sanctums, self._accounts, self._people = sanctums, accounts, people

    async def search(
        self, actor: Actor, q: str, kind: SearchKind | None, cursor: str | None, limit: int
    ) -> SearchResults:
        query = parse(q)
        kinds: tuple[SearchKind, ...] = (kind,) if kind else ALL_KINDS
        cursor = cursor if kind else None
        out = SearchResults()
        async with self._db.reader() as db:
            rooms = await self._rooms.readable(db, actor.id)
            sanctum_ids = await self._sanctums.sanctum_ids_of(db, actor.id)
            authors = await self._authors(db, query)
            for wanted in kinds:
                if wanted in ("messages", "posts", "comments"):
                    await self._text(db, actor, query, wanted, rooms, sanctum_ids, authors, cursor, limit, out)
                elif not query.filtered:
                    await self._named(db, actor, query, wanted, rooms, sanctum_ids, cursor, limit, out)
        return out

    async def _authors(self, db: AsyncSession, query: Query) -> list[uuid.UUID] | None:
        if not query.authors:
            return None
        found = await self._accounts.public_users_by_username(db, query.authors)
        return [user.id for user in found.values()]

    async def _text(
        self,
        db: AsyncSession,
        actor: Actor,
        query: Query,
        kind: TextKind,
        rooms: list[ReadableRoom],
        sanctum_ids: list[uuid.UUID],
        authors: list[uuid.UUID] | None,
        cursor: str | None,
        limit: int,
        out: SearchResults,
    ) -> None:
        if kind == "messages":
            chosen = [r for r in rooms if not query.rooms or r.name.lower() in query.rooms]
            scope = [r.id for r in chosen]
        elif query.rooms:
            return  # `in:#room` asks for messages alone
        else:
            scope = sanctum_ids
        after = decode_cursor(cursor, ScoreCursor) if cursor else None
        now = after.t if after else utcnow()
        search = TextSearch(
            terms=query.terms,
            scope=scope,
            now=now,
            limit=limit + 1,
            authors=authors,
            before=query.before,
            after=query.after,
            has_link=query.has_link,
            has_file=query.has_file,
            after_score=after.s if after else None,
            after_id=after.i if after else None,
        )
        found = await self._index.search(db, kind, search)
        page = found[:limit]
        last = page[-1] if len(found) > limit else None
        next_cursor = encode_cursor(ScoreCursor(s=last.score, i=last.id, t=now)) if last else None
        people = await self._accounts.public_users(db, {h.author_id for h in page if h.author_id is not None})
        if kind == "messages":
            by_id = {r.id: r for r in rooms}
            dm_people = {u for r in by_id.values() if r.kind == "dm" for u in r.dm_user_ids}
            people |= await self._accounts.public_users(db, dm_people - people.keys())
            items = [self._message(h, by_id, people, actor.id) for h in page if h.container in by_id]
            out.messages = MessageResults(items=items, next_cursor=next_cursor)
        elif kind == "posts":
            refs = await self._sanctums.refs(db, [h.container for h in page if isinstance(h.container, uuid.UUID)])
            out.posts = PostResults(
                items=[
                    PostHit(
                        id=h.id,
                        sanctum=refs.get(h.container) if isinstance(h.container, uuid.UUID) else None,
                        author=people.get(h.author_id) if h.author_id else None,
                        created_at=h.created_at,
                        snippet=segments(h.snippet),
                    )
                    for h in page
                ],
                next_cursor=next_cursor,
            )
        else:
            out.comments = CommentResults(
                items=[
                    CommentHit(
                        id=h.id,
                        post_id=int(h.container or 0),
                        author=people.get(h.author_id) if h.author_id else None,
                        created_at=h.created_at,
                        snippet=segments(h.snippet),
                    )
                    for h in page
                ],
                next_cursor=next_cursor,
            )

    @staticmethod
    def _message(hit: TextHit, rooms: dict[uuid.UUID, ReadableRoom], people: dict, me: uuid.UUID) -> MessageHit:  # type: ignore[type-arg]
        assert isinstance(hit.container, uuid.UUID)
        room = rooms[hit.container]
        name = room.name
        if room.kind == "dm":
            other = next((u for u in room.dm_user_ids if u != me), me)
            name = people[other].display_name if other in people else "Direct message"
        return MessageHit(
            id=hit.id,
            room_id=room.id,
            room_name=name,
            room_kind=room.kind,
            parent_id=hit.parent_id,
            author=people.get(hit.author_id) if hit.author_id else None,
            created_at=hit.created_at,
            edited_at=hit.edited_at,
            snippet=segments(hit.snippet),
        )

    async def _named(
        self,
        db: AsyncSession,
        actor: Actor,
        query: Query,
        kind: SearchKind,
        rooms: list[ReadableRoom],
        sanctum_ids: list[uuid.UUID],
        cursor: str | None,
        limit: int,
        out: SearchResults,
    ) -> None:
        if kind == "users":
            found = await self._people.find(db, actor, query.text, cursor, limit)
            out.users = UserResults(items=found.items, next_cursor=found.next_cursor)
            return
        after = decode_cursor(cursor, NameCursor) if cursor else None
        mine = sanctum_ids if kind == "sanctums" else [r.id for r in rooms]
        rows = await names.find(db, kind, query.terms, mine, (after.n, after.i) if after else None, limit + 1)
        page = rows[:limit]
        last = page[-1] if len(rows) > limit else None
        next_cursor = encode_cursor(NameCursor(n=last.name, i=last.id)) if last else None
        if kind == "rooms":
            items = [RoomHit(id=r.id, name=r.name, kind=r.kind, topic=plain(r.topic)) for r in page]
            out.rooms = RoomResults(items=items, next_cursor=next_cursor)
            return
        visible = []
        for row in page:
            try:
                await self._sanctums.access_by_id(db, actor.id, row.id)  # a ban hides a public sanctum
            except NotFound:
                continue
            visible.append(SanctumHit(id=row.id, slug=row.slug, name=row.name, description=plain(row.description)))
        out.sanctums = SanctumResults(items=visible, next_cursor=next_cursor)
