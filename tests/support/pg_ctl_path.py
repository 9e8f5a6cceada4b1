"""Where the test suite's PostgreSQL programs are: the pg_ctl wrapper next to this file, and the
newest server's other binaries (SANCTUM_TEST_PG_CTL's directory when set)."""

from __future__ import annotations

import os
from pathlib import Path

PG_CTL = Path(__file__).parent / "pg_ctl"


def pg_binary(name: str) -> str:
    chosen = os.environ.get("SANCTUM_TEST_PG_CTL")
    if chosen:
        return str(Path(chosen).parent / name)
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=lambda p: int(p.parts[-3]))
    if not found:
        raise FileNotFoundError(f"{name} not found: run `make test-deps` or set SANCTUM_TEST_PG_CTL")
    return str(found[-1])
