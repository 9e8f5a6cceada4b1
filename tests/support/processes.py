"""Running the `sanctum` command as an operator would: a separate process with its own environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SANCTUM = Path(sys.executable).with_name("sanctum")

# Only what a process needs to run; nothing of the test run's own configuration leaks in.
_INHERITED = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "PYTHONDONTWRITEBYTECODE", "VIRTUAL_ENV")


def run_sanctum(*args: str, cwd: Path, timeout: float = 60, **env: str) -> subprocess.CompletedProcess[str]:
    """Run `sanctum <args>` in `cwd` (where a `.env` would be read) with exactly `env` as its settings."""
    environment = {name: os.environ[name] for name in _INHERITED if name in os.environ}
    environment.update(env)
    return subprocess.run(
        [str(SANCTUM), *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def stderr_lines(result: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


def start_sanctum(*args: str, cwd: Path, **env: str) -> subprocess.Popen[str]:
    """Start `sanctum <args>` in the background (a server or a worker); the caller stops it."""
    environment = {name: os.environ[name] for name in _INHERITED if name in os.environ}
    environment.update(env)
    return subprocess.Popen(
        [str(SANCTUM), *args],
        cwd=cwd,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
