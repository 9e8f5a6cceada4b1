"""System accounts ("bots"): accounts the app itself speaks as, such as the welcome bot.

A bot has `is_bot` set (public profiles show it), a fixed id derived from its name, no email of a
person and no usable password (the hash is not an argon2 hash, so every login fails as a wrong
password). It is made on first use, inside the caller's unit of work; a lost race is harmless (the
other writer's row has the same id).
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.core.clock import utcnow
from sanctum.db.dialect import insert_for
from sanctum.domains.accounts.models import User
from sanctum.domains.accounts.schemas import PublicUser
from sanctum.domains.accounts.service import to_public

_NAMESPACE = uuid.UUID("5a9c7c1e-0b0e-4c35-9a57-3f6f3f0c2b10")
NO_PASSWORD = "!bot"


def bot_id(name: str) -> uuid.UUID:
    return uuid.uuid5(_NAMESPACE, name)


async def ensure_bot(db: AsyncSession, name: str, display_name: str) -> PublicUser:
    """The bot account `name` (a username), made now if it does not exist yet."""
    user_id = bot_id(name)
    user = await db.get(User, user_id)
    if user is None:
        now = utcnow()
        # Should a person already hold the name, the bot takes a suffixed one.
        taken = await db.scalar(select(User.id).where(User.username == name))
        username = f"{name}_{user_id.hex[:6]}" if taken is not None else name
        await db.execute(
            insert_for(db, User)
            .values(
                id=user_id,
                username=username,
                email=f"{username}@bots.invalid",
                password_hash=NO_PASSWORD,
                display_name=display_name,
                bio="I am a bot: I greet newcomers.",
                avatar_url=None,
                is_bot=True,
                created_at=now,
                updated_at=now,
            )
            .on_conflict_do_nothing()
        )
        user = await db.get(User, user_id)
        assert user is not None
    return to_public(user)
