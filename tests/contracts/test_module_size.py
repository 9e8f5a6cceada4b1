"""No module in src/ grows past ~450 lines: a module that does, becomes a sub-package (ARCHITECTURE.md)."""

from __future__ import annotations

from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "sanctum"
MAX_LINES = 450


def test_no_module_in_src_is_longer_than_450_lines() -> None:
    too_long = {
        str(path.relative_to(SRC)): lines
        for path in SRC.rglob("*.py")
        if (lines := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert too_long == {}, f"split these into sub-packages: {too_long}"
