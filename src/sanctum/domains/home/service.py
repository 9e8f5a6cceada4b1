"""Home: one reader session, each part read through its domain's service (which takes the session).

Nothing here is cached: every part is what the caller may see now (memberships, friendships and
seats read fresh), and each read is bounded (at most `LIMIT` rows a part; the room list is the
sidebar's own query).
"""

from __future__ import annotations

from sanctum.db.database import Database
from sanctum.domains.accounts.service import Actor
from sanctum.domains.chat.messages import MessageService
from sanctum.domains.chat.service import RoomService
from sanctum.domains.friends.service import FriendService
from sanctum.domains.games.service import GameService
from sanctum.domains.home.schemas import Checklist, HomeRead
from sanctum.domains.notifications.service import NotificationService
from sanctum.domains.posts.feed import FeedService
from sanctum.domains.sanctums.service import SanctumService

LIMIT = 5


class HomeService:
    def __init__(
        self,
        db: Database,
        rooms: RoomService,
        messages: MessageService,
        friends: FriendService,
        games: GameService,
        feed: FeedService,
        notifications: NotificationService,
        sanctums: SanctumService,
    ) -> None:
        self._db, self._rooms, self._messages, self._friends, self._games = db, rooms, messages, friends, games
        self._feed, self._notifications, self._sanctums = feed, notifications, sanctums

    async def home(self, actor: Actor) -> HomeRead:
        me = actor.id
        async with self._db.reader() as db:
            in_sanctum = bool(await self._sanctums.sanctum_ids_of(db, me))
            checklist = Checklist(
                in_sanctum=in_sanctum,
                said_hello=await self._messages.has_written(db, me),
                has_friend=bool(await self._friends.friend_ids(db, me)),
                played_game=await self._games.has_played(db, me),
                done=False,
            )
            checklist.done = (
                checklist.in_sanctum and checklist.said_hello and checklist.has_friend and checklist.played_game
            )
            return HomeRead(
                checklist=checklist,
                first_sanctum=not in_sanctum and not await self._sanctums.any_sanctum(db),
                unread_rooms=await self._rooms.unread_rooms(db, me, LIMIT * 2),
                your_turn=await self._games.your_turn(db, me, LIMIT),
                friend_requests=(await self._friends.incoming(db, me))[:LIMIT],
                mentions=await self._notifications.unread_mentions(db, me, LIMIT),
                new_posts=await self._feed.from_my_sanctums(db, me, LIMIT) if in_sanctum else [],
            )
