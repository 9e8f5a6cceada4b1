"""What `@name`, `@here`/`@room` and `#room` in a text resolve to, for chat, posts and comments.

The rule for `#room`: a link is rendered only to a room that everyone who can read the text can see, so
a link never tells a reader the name (or the existence) of a room they cannot open: public rooms
always, and the rooms of a sanctum (its main room and channels, which hold exactly its members) in a text
only that sanctum's members read (its rooms' messages, its posts and their comments). Private rooms,
DMs and groups are never linked; `#secret` stays plain text.

`@name` becomes a pill for any existing account (a profile is public to everyone signed in); who is
*notified* is the caller's rule (those who can see the text). `@here`/`@room` is a pill, and notifies
the room, only when the writer moderates the room (owner or moderator); from anyone else it stays plain
text and notifies nobody.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.core.markdown import Links, references
from sanctum.domains.accounts.schemas import PublicUser
from sanctum.domains.accounts.service import AccountService
from sanctum.domains.chat.channel_repository import ChannelRepository


@dataclass(frozen=True, slots=True)
class Resolved:
    links: Links
    # Accounts named with `@`, the writer left out, before any visibility check.
    people: list[PublicUser]
    # `@here`/`@room` from someone allowed to use it.
    everyone: bool


class TextLinks:
    def __init__(self, accounts: AccountService) -> None:
        self._accounts = accounts
        self._repo = ChannelRepository()

    async def resolve(
        self,
        db: AsyncSession,
        body: str,
        writer: uuid.UUID,
        *,
        sanctum_id: uuid.UUID | None,
        may_call_everyone: bool = False,
    ) -> Resolved:
        """In the caller's session: `sanctum_id` is the sanctum whose members alone read the text, if any."""
        refs = references(body)
        found = await self._accounts.public_users_by_username(db, refs.usernames) if refs.usernames else {}
        people = {u.username.lower(): u for u in found.values()}
        rooms: dict[str, str] = {}
        if refs.rooms:
            for room_id, name in await self._repo.rooms_named(db, refs.rooms, sanctum_id):
                rooms.setdefault(name.lower(), str(room_id))
        everyone = refs.everyone and may_call_everyone
        links = Links(people={k: u.username for k, u in people.items()}, rooms=rooms, everyone=everyone)
        named = [people[n] for n in refs.usernames if n in people and people[n].id != writer]
        return Resolved(links, named, everyone)
