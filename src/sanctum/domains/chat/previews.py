"""Link preview cards on messages: queued when a message with links is sent or its links are edited,
made by a background job (`chat.link_previews`), and turned off or on again by the author.

Rules: the job reads the message, asks the previews service whether its author wants cards (their
preference; the one decision point, `PreviewService.enabled_for`), fetches the cards of its first three
links with no transaction open, then, in one unit of work, stores them on the message and emits
`message.updated` with the whole message (the log's earlier frames rewritten to it), unless the message
was deleted, its links edited or its previews turned off meanwhile. It is idempotent: run twice, it
writes the same cards. Queued through the sending unit of work's outbox (jobs/outbox.py): once, and only
if, the send commits, and still when its process dies right after the commit.
"""

from __future__ import annotations

import uuid

from sanctum.core.errors import ErrorCode, Forbidden, NotFound
from sanctum.db.database import Database
from sanctum.db.unit_of_work import UnitOfWork
from sanctum.domains.accounts.service import Actor
from sanctum.domains.chat import events as ev
from sanctum.domains.chat.access import RoomAccess
from sanctum.domains.chat.messages import MessageService
from sanctum.domains.chat.models import Message
from sanctum.domains.chat.repository import ChatRepository
from sanctum.domains.chat.schemas import MessageRead
from sanctum.domains.previews.links import first_links
from sanctum.domains.previews.schemas import LinkPreview
from sanctum.domains.previews.service import PreviewService
from sanctum.jobs import JobQueue, Payload, PermanentJobError

PREVIEWS_JOB = "chat.link_previews"


def _dump(cards: list[LinkPreview]) -> str | None:
    return "[" + ",".join(card.model_dump_json() for card in cards) + "]" if cards else None


class MessagePreviews:
    def __init__(
        self, db: Database, access: RoomAccess, messages: MessageService, previews: PreviewService, jobs: JobQueue
    ) -> None:
        self._db, self._access, self._messages, self._previews, self._jobs = db, access, messages, previews, jobs
        self._repo = ChatRepository()

    def requested(self, db: UnitOfWork, room_id: uuid.UUID, message_id: int, body: str) -> None:
        """In a send's or edit's unit of work: queue the cards' job once it commits, if it has links."""
        if first_links(body):
            self._jobs.enqueue_after_commit(db, PREVIEWS_JOB, {"room_id": str(room_id), "message_id": message_id})

    async def build(self, payload: Payload) -> None:
        """The job (see the module's rules)."""
        try:
            room_id, message_id = uuid.UUID(str(payload["room_id"])), int(payload["message_id"])
        except (KeyError, ValueError, TypeError) as exc:
            raise PermanentJobError(f"bad link previews payload: {exc!r}") from exc
        async with self._db.reader() as db:
            message = await self._repo.message(db, room_id, message_id)
            if message is None or not self._wants_cards(message):
                return
            body = message.body
            if not await self._previews.enabled_for(db, message.author_id):
                return
        cards = await self._previews.cards(first_links(body))
        async with self._db.writer() as db:
            message = await self._repo.message(db, room_id, message_id)
            if message is None or not self._wants_cards(message) or message.body != body:
                return  # deleted, turned off or edited meanwhile (an edit queued its own job)
            stored = _dump(cards)
            if stored != message.link_previews:
                message.link_previews = stored
                await self._publish(db, message)

    @staticmethod
    def _wants_cards(message: Message) -> bool:
        return message.kind == "user" and message.deleted_at is None and not message.previews_off

    async def set_enabled(self, actor: Actor, room_id: uuid.UUID, message_id: int, enabled: bool) -> MessageRead:
        """The author turns a message's cards off (they go at once, and none is made again) or on again."""
        async with self._db.writer() as db:
            await self._access.as_member(db, actor.id, room_id)
            message = await self._repo.message(db, room_id, message_id)
            if message is None or message.deleted_at is not None:
                raise NotFound("No such message.", code=ErrorCode.MESSAGE_NOT_FOUND)
            if message.author_id != actor.id or message.kind != "user":
                raise Forbidden("Only the author can change a message's link previews.", code=ErrorCode.NOT_AUTHOR)
            if message.previews_off == (not enabled):
                return (await self._messages.serialize(db, [message], actor.id))[0]
            message.previews_off = not enabled
            if not enabled:
                message.link_previews = None
            else:
                self.requested(db, room_id, message_id, message.body)
            return await self._publish(db, message, actor.id)

    async def _publish(self, db: UnitOfWork, message: Message, viewer: uuid.UUID | None = None) -> MessageRead:
        """The message as it now reads, to the room: its log frames rewritten, `message.updated` emitted."""
        await db.flush()
        read = (await self._messages.serialize(db, [message], None))[0]
        topic = ev.room_topic(message.room_id)
        await db.rewrite(topic, ev.message_ref(message.id), read)
        await db.emit(topic, ev.MESSAGE_UPDATED, read, ref=ev.message_ref(message.id))
        await self._messages.after_message_change(db, message.room_id, lists_too=False)
        if viewer is None:
            return read
        return (await self._messages.serialize(db, [message], viewer))[0]
