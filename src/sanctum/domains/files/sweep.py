"""Files go when their container goes as a whole: a deleted room (a sanctum's channel) or account.

Problem: deleting one message or post drops its files in its own unit of work (service.py), but a room
or an account can hold thousands of files. Their rows went by cascade (an account's) or stayed behind,
unreachable (a room's: `files.room_id` has no foreign key), and their stored objects stayed on the disk
or in the bucket for good.

Mechanism: the deleting unit of work asks for the `files.sweep` job through the outbox
(jobs/outbox.py), so the job is queued once, and only if, the delete commits, even when the process
dies right after the commit.
- A room: the payload names the room. The job takes the room's file rows `BATCH` at a time, deletes
  their objects, then their rows, until none is left. Until it has run the rows are unreachable: a
  file in a room is readable by whoever may read the room, and the room is gone (404).
- An account: its rows go by cascade with the user, so the objects' keys are read in the deleting
  unit of work and the payloads carry them, `BATCH` keys per job.
Both are idempotent: deleting an object that is gone already is no error, and a rerun finds no rows.
A store that fails to delete an object fails the run, which the queue retries (docs/jobs.md).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sanctum.db.database import Database
from sanctum.db.unit_of_work import UnitOfWork
from sanctum.domains.files.repository import FileRepository
from sanctum.jobs import JobQueue, Payload, PermanentJobError
from sanctum.observability.logging import get_logger
from sanctum.storage import FileStore

log = get_logger("sanctum.files")

SWEEP_JOB = "files.sweep"
BATCH = 500


class FileSweep:
    def __init__(self, db: Database, store: FileStore, jobs: JobQueue) -> None:
        self._db, self._store, self._jobs, self._repo = db, store, jobs, FileRepository()
        jobs.register(SWEEP_JOB, self.run)

    def room_deleted(self, db: UnitOfWork, room_id: uuid.UUID) -> None:
        """In the unit of work that deletes the room: sweep its files once that commits."""
        self._jobs.enqueue_after_commit(db, SWEEP_JOB, {"room_id": str(room_id)})

    async def account_deleted(self, db: UnitOfWork, owner_id: uuid.UUID) -> None:
        """In the unit of work that deletes the account, before its rows cascade away: sweep its objects."""
        keys = await self._repo.keys_of_owner(db, owner_id)
        for start in range(0, len(keys), BATCH):
            self._jobs.enqueue_after_commit(db, SWEEP_JOB, {"keys": keys[start : start + BATCH]})

    async def run(self, payload: Payload) -> None:
        """The job (see the module's mechanism)."""
        try:
            room_id = uuid.UUID(str(payload["room_id"])) if "room_id" in payload else None
            keys = [str(key) for key in payload.get("keys", ())]
        except (ValueError, TypeError) as exc:
            raise PermanentJobError(f"bad files sweep payload: {exc!r}") from exc
        await self._delete_objects(keys)
        swept = len(keys)
        while room_id is not None:
            async with self._db.reader(fresh=True) as db:
                rows = await self._repo.of_room(db, room_id, BATCH)
            if not rows:
                break
            await self._delete_objects([k for row in rows for k in (row.storage_key, row.thumbnail_key) if k])
            async with self._db.writer() as db:
                await self._repo.delete(db, [row.id for row in rows])
            swept += len(rows)
        log.info("files_swept", room_id=str(room_id) if room_id else None, count=swept)

    async def _delete_objects(self, keys: Sequence[str]) -> None:
        for key in keys:
            await self._store.delete(key)
