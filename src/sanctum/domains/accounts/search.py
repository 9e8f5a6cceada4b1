"""People search: find someone by the start of their username or display name.

Problem: nobody could be found; a profile was reached only by clicking a name already on screen, so a
new user could not start a conversation or send a friend request to anyone they knew by name.

Mechanism: one prebuilt statement (accounts/repository.py) matches a prefix of the username, of the
display name or of a word in it, ranks the exact username first, then username prefixes, then display
names, and pages by (rank, username) with a cursor. Only `PublicUser` fields leave this module (never
the email); a deleted account has no row, so it cannot be found. LIKE wildcards in the query match
themselves. A control or format character, or a query that is blank, is a 422: such a query is a probe,
never a name. Someone who blocked the caller is left out of the caller's results (the page may then
hold fewer than `limit`; the cursor still moves past them). Each caller has a per-user rate
(`rate_limits.user_search_per_user`, declared on the route).

Price: a prefix scan over the users table per keystroke (the UI waits for a pause in typing); the rate
keeps one account from walking the whole directory.
"""

from __future__ import annotations

import unicodedata

from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.core.errors import ValidationFailed
from sanctum.core.pagination import RankCursor, decode_cursor, encode_cursor
from sanctum.db.database import Database
from sanctum.domains.accounts.blocks import BlockService
from sanctum.domains.accounts.repository import AccountRepository
from sanctum.domains.accounts.schemas import PublicUser, UserSearchPage
from sanctum.domains.accounts.service import Actor, to_public

MAX_QUERY = 64


def normalize_query(q: str) -> str:
    """The query as it is matched: NFC, trimmed, lowercased, one leading `@` dropped; 422 when unusable."""
    text = unicodedata.normalize("NFC", q).strip().lower().removeprefix("@")
    if not text:
        raise ValidationFailed(fields={"q": "must not be blank"})
    bad = next((c for c in text if unicodedata.category(c)[0] == "C"), None)
    if bad is not None:
        raise ValidationFailed(fields={"q": f"must not contain U+{ord(bad):04X}"})
    return text


def matches(user: PublicUser, text: str) -> bool:
    """The same rule as the search statement, for a list already in hand (`text` from `normalize_query`)."""
    name = user.display_name.lower()
    return user.username.startswith(text) or name.startswith(text) or f" {text}" in f" {name}"


class PeopleSearch:
    def __init__(self, db: Database, blocks: BlockService) -> None:
        self._db = db
        self._blocks = blocks
        self._repo = AccountRepository()

    async def search(self, actor: Actor, q: str, cursor: str | None, limit: int) -> UserSearchPage:
        async with self._db.reader() as db:
            return await self.find(db, actor, normalize_query(q), cursor, limit)

    async def find(self, db: AsyncSession, actor: Actor, text: str, cursor: str | None, limit: int) -> UserSearchPage:
        """The same search in the caller's session (`text` from `normalize_query`), for site search."""
        after = decode_cursor(cursor, RankCursor) if cursor else None
        rows = await self._repo.search(db, text, (after.r, after.n) if after else None, limit + 1)
        hidden = await self._blocks.blocked_by(db, actor.id)
        more = len(rows) > limit
        rows = rows[:limit]
        last = rows[-1] if more else None
        next_cursor = encode_cursor(RankCursor(r=last[1], n=last[0].username)) if last is not None else None
        items = [to_public(user) for user, _ in rows if user.id not in hidden]
        return UserSearchPage(items=items, next_cursor=next_cursor)
