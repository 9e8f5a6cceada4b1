"""Database infrastructure: engines, `reader()`/`writer()` sessions, Base and migrations.

Imports `sanctum.core`, `sanctum.settings` and `sanctum.observability`; never a domain.
"""

from sanctum.db.base import Base
from sanctum.db.database import Database

__all__ = ["Base", "Database"]
