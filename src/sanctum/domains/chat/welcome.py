"""The welcome bot: greets a user in a sanctum's main room on their first join, with a short tour.

Rule: the first time someone joins a sanctum (a row in `sanctum_welcomes` records it), a background
job (`chat.welcome`) posts a message from the welcome bot (a system account, `is_bot`) in the sanctum's
main room, named for them: mentions, threads, reactions and slash commands in four lines. Leaving
and joining again greets nobody twice; a job that runs twice posts once (the row is inserted first,
in the same transaction as the message). Queued through the join's outbox (jobs/outbox.py): once the
join commits, and still when its process dies right after the commit.
"""

from __future__ import annotations

import uuid
from functools import partial

from sanctum.core.clock import utcnow
from sanctum.db.database import Database
from sanctum.db.dialect import affected, insert_for
from sanctum.db.unit_of_work import UnitOfWork
from sanctum.domains.accounts.bots import ensure_bot
from sanctum.domains.accounts.schemas import PublicUser
from sanctum.domains.accounts.service import AccountService
from sanctum.domains.chat.access import ChatCaches
from sanctum.domains.chat.messages import MessageService
from sanctum.domains.chat.models import Room, SanctumWelcome
from sanctum.domains.chat.repository import ChatRepository
from sanctum.jobs import JobQueue, Payload, PermanentJobError

WELCOME_JOB = "chat.welcome"
BOT_NAME = "welcome_bot"
BOT_DISPLAY_NAME = "Welcome Bot"


def tour(user: PublicUser, room: Room) -> str:
    """The greeting: personal (their name, the sanctum's name and description) and short."""
    about = f"\n\n_{room.description}_" if room.description else ""
    return (
        f"👋 Welcome to **{room.name}**, {user.display_name}!{about}\n\n"
        "A quick tour:\n"
        "- **Mentions**: type `@` and a name to call someone in.\n"
        "- **Threads**: reply in a thread to keep a side conversation tidy.\n"
        "- **Reactions**: add an emoji to any message.\n"
        "- **Slash commands**: type `/` in the composer: `/me`, `/shrug`, `/invite @user` and more."
    )


class WelcomeBot:
    def __init__(
        self, db: Database, accounts: AccountService, messages: MessageService, caches: ChatCaches, jobs: JobQueue
    ) -> None:
        self._db, self._accounts, self._messages, self._caches, self._jobs = db, accounts, messages, caches, jobs
        self._repo = ChatRepository()

    def joined(self, db: UnitOfWork, sanctum_id: uuid.UUID, user_id: uuid.UUID) -> None:
        """In the unit of work of a join of a sanctum: queue the greeting once it commits."""
        self._jobs.enqueue_after_commit(db, WELCOME_JOB, {"sanctum_id": str(sanctum_id), "user_id": str(user_id)})

    async def greet(self, payload: Payload) -> None:
        """The job: greet once, if they are still a member."""
        try:
            sanctum_id, user_id = uuid.UUID(str(payload["sanctum_id"])), uuid.UUID(str(payload["user_id"]))
        except (KeyError, ValueError) as exc:
            raise PermanentJobError(f"bad welcome payload: {exc!r}") from exc
        async with self._db.writer() as db:
            first = await db.execute(
                insert_for(db, SanctumWelcome)
                .values(sanctum_id=sanctum_id, user_id=user_id, created_at=utcnow())
                .on_conflict_do_nothing()
            )
            if not affected(first):
                return  # greeted before: a repeated job, or a second join
            room = await self._repo.sanctum_room_for_update(db, sanctum_id)
            user = (await self._accounts.public_users(db, [user_id])).get(user_id)
            if room is None or user is None or await self._repo.member(db, room.id, user_id) is None:
                return
            bot = await ensure_bot(db, BOT_NAME, BOT_DISPLAY_NAME)
            await self._messages.lines.post(db, room, bot, tour(user, room), kind="user")
            members = await self._repo.member_ids(db, room.id)
            db.after_commit(partial(self._caches.forget_room_lists, members))
