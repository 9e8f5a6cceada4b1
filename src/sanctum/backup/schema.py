"""Whether this code can restore an archive's schema: the same migrations, at most as far as its own.

An archive's manifest carries the Alembic revision of the data and the checksum recorded for each
migration applied to it. Restoring is safe when that revision is one of this code's migrations (then
the restore migrates it forward to this code's head) and every recorded checksum matches this code's
migration file; a revision this code does not have means the archive is newer (or from another
branch), and a checksum that differs means the schema was built by other migration code, which the
start-up guard (`verify_schema`) would refuse anyway.
"""

from __future__ import annotations

from dataclasses import dataclass

from sanctum.backup.archive import Manifest
from sanctum.backup.errors import RestoreRefused
from sanctum.db.migrate import file_checksum, revisions

# Alembic's own table, the migration checksums and the rows a migration seeds (the flags' version counter,
# migration 0024): present in a migrated database that holds no data.
BOOKKEEPING_TABLES = frozenset({"alembic_version", "sanctum_migration_checksums", "feature_flag_version"})
# SQLite's full-text tables (FTS5, migration 0026) and their shadow tables index rows of other tables:
# they are not data (never copied to PostgreSQL, which indexes those rows itself; never "holding data").
VIRTUAL_TABLES_SQL = "SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL%'"


def index_tables_among(tables: list[str], virtual: list[str]) -> set[str]:
    return {t for t in tables for v in virtual if t == v or t.startswith(f"{v}_")}


@dataclass(frozen=True)
class SchemaPlan:
    archive_revision: str
    head: str

    @property
    def migrates_forward(self) -> bool:
        return self.archive_revision != self.head


def plan(manifest: Manifest, database_url: str) -> SchemaPlan:
    """How the archive's schema becomes this code's, or RestoreRefused saying why it cannot."""
    known = revisions(database_url)
    head = known[-1].revision
    by_revision = {rev.revision: rev for rev in known}
    newer = sorted({manifest.revision, *manifest.migrations} - by_revision.keys())
    if newer:
        raise RestoreRefused(
            f"the archive's schema has migration {', '.join(newer)}, which this code does not have "
            f"(its newest is {head}): it is newer than this code; restore it with Sanctum "
            f"{manifest.sanctum_version} or later"
        )
    for revision, checksum in sorted(manifest.migrations.items()):
        mine = by_revision[revision]
        if checksum != file_checksum(mine.path):
            raise RestoreRefused(
                f"migration {revision} in the archive differs from this code's {mine.path.name}: "
                "the archive was made by another build of Sanctum"
            )
    return SchemaPlan(manifest.revision, head)
