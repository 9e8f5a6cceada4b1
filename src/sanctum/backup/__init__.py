"""Backups: `sanctum backup` and `sanctum restore`, and the scheduled backup (docs/operations/backup.md).

- `archive.py`   the archive format: a gzip'd tar whose first member, `manifest.json`, checksums the rest
- `sqlite.py`    embedded mode: SQLite's online backup API, and installing a restored file atomically
- `postgres.py`  scaled mode: the real pg_dump / pg_restore / psql, found and driven safely
- `copy.py`      an embedded archive restored into PostgreSQL (the migration path off SQLite)
- `schema.py`    whether this code can restore an archive's schema (and migrate it forward)
- `create.py`, `restore.py`   the two operations; `scheduler.py` runs `create` on a timer

Infrastructure: imports `core`, `db`, `observability` and `settings`, never a domain. It copies the
database as a whole (every table, whichever domain owns it), so it needs to know no domain's tables.
"""

from sanctum.backup.archive import ArchiveError, Manifest
from sanctum.backup.create import BackupResult, create_backup
from sanctum.backup.errors import BackupError, RestoreRefused
from sanctum.backup.restore import RestoreResult, restore_backup
from sanctum.backup.scheduler import BackupScheduler

__all__ = [
    "ArchiveError",
    "BackupError",
    "BackupResult",
    "BackupScheduler",
    "Manifest",
    "RestoreRefused",
    "RestoreResult",
    "create_backup",
    "restore_backup",
]
