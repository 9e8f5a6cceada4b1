"""Running the `sanctum` command as an operator would: a separate process with its own environment."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

SANCTUM = Path(sys.executable).with_name("sanctum")

# Only what a process needs to run; nothing of the test run's own configuration leaks in.
_INHERITED = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "PYTHONDONTWRITEBYTECODE", "VIRTUAL_ENV")


def _environment(env: dict[str, str]) -> dict[str, str]:
    environment = {name: os.environ[name] for name in _INHERITED if name in os.environ}
    environment.update(env)
    return environment


def run_sanctum(*args: str, cwd: Path, timeout: float = 60, **env: str) -> subprocess.CompletedProcess[str]:
    """Run `sanctum <args>` in `cwd` (where a `.env` would be read) with exactly `env` as its settings."""
    environment = _environment(env)
    return subprocess.run(
        [str(SANCTUM), *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


async def run_sanctum_async(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """`run_sanctum` without blocking the event loop, so the test's own app keeps serving meanwhile
    (killed after two minutes)."""
    process = await asyncio.create_subprocess_exec(
        str(SANCTUM),
        *args,
        cwd=cwd,
        env=_environment(env),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        async with asyncio.timeout(120):
            stdout, stderr = await process.communicate()
    except TimeoutError:
        process.kill()
        await process.wait()
        raise
    assert process.returncode is not None
    return subprocess.CompletedProcess([str(SANCTUM), *args], process.returncode, stdout.decode(), stderr.decode())


def stderr_lines(result: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


def start_sanctum(*args: str, cwd: Path, **env: str) -> subprocess.Popen[str]:
    """Start `sanctum <args>` in the background (a server or a worker); the caller stops it."""
    environment = _environment(env)
    return subprocess.Popen(
        [str(SANCTUM), *args],
        cwd=cwd,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
