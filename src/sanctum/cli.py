"""The `sanctum` command: serve, worker, migrate, backup, restore, create-admin, jobs, flags, openapi."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from fastapi import FastAPI

from sanctum import cli_flags
from sanctum.settings import ConfigError, Settings, load_settings

app = typer.Typer(help="Sanctum: a self-hostable realtime social platform.", no_args_is_help=True)


def _fail(message: str, code: int = 2) -> NoReturn:
    typer.echo(f"sanctum: {message}", err=True)
    raise typer.Exit(code)


def _settings(**overrides: object) -> Settings:
    try:
        return load_settings(**{k: v for k, v in overrides.items() if v is not None})
    except ConfigError as exc:
        _fail(f"invalid configuration: {exc}")


def _preflight(settings: Settings) -> None:
    from sanctum.db.database import Database
    from sanctum.db.migrate import MigrationError, verify_schema

    async def check() -> None:
        db = Database(settings)
        try:
            await verify_schema(db.writer_engine, settings.database_url)
        finally:
            await db.dispose()

    try:
        asyncio.run(check())
    except MigrationError as exc:
        _fail(f"refusing to start: {exc}", 1)
    except OSError as exc:
        _fail(f"refusing to start: cannot reach the database ({exc})", 1)


def app_factory() -> FastAPI:
    """Factory for `uvicorn --factory` / reload mode: settings from the environment."""
    from sanctum.main import create_app
    from sanctum.observability.logging import configure_logging

    settings = _settings()
    configure_logging(settings)
    return create_app(settings)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    reload: Annotated[bool, typer.Option(help="Restart on code changes (development).")] = False,
) -> None:
    """Start the HTTP and WebSocket server."""
    import uvicorn

    from sanctum.observability.logging import configure_logging

    settings = _settings(host=host, port=port)
    configure_logging(settings)
    _preflight(settings)
    if reload:
        import os

        os.environ["HOST"], os.environ["PORT"] = settings.host, str(settings.port)
        uvicorn.run(
            "sanctum.cli:app_factory",
            factory=True,
            host=settings.host,
            port=settings.port,
            reload=True,
            reload_dirs=[str(Path(__file__).parent)],
            log_config=None,
        )
        return
    from sanctum.api.shutdown import GracefulServer
    from sanctum.main import create_app

    config = uvicorn.Config(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=None,
        # Frames between max_frame_bytes and this get an error envelope; beyond it uvicorn closes (1009).
        ws_max_size=max(1_048_576, 4 * settings.realtime.max_frame_bytes),
        # Compressing would cost CPU per recipient and defeat encoding each event once.
        ws_per_message_deflate=False,
        timeout_graceful_shutdown=settings.shutdown_grace_seconds,
    )
    server = GracefulServer(config, drain_seconds=settings.shutdown_drain_seconds)
    server.run()
    if not server.started:  # the app failed to start: exit non-zero, as uvicorn.run does
        raise typer.Exit(3)


@app.command()
def migrate() -> None:
    """Apply every pending database migration and record their checksums."""
    from sanctum.db.database import Database
    from sanctum.db.migrate import MigrationError, record_checksums, upgrade, verify_schema

    settings = _settings()
    if path := settings.sqlite_path():
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        upgrade(settings.database_url)
    except OSError as exc:
        _fail(f"cannot reach the database ({exc})", 1)

    async def record() -> list[str]:
        db = Database(settings)
        try:
            recorded = await record_checksums(db.writer_engine, settings.database_url)
            await verify_schema(db.writer_engine, settings.database_url)
            return recorded
        finally:
            await db.dispose()

    try:
        recorded = asyncio.run(record())
    except MigrationError as exc:
        _fail(str(exc), 1)
    typer.echo(f"database is up to date ({len(recorded)} migration(s) newly recorded)")


@app.command()
def backup(
    output: Annotated[
        Path | None,
        typer.Option(help="The archive to write (default: BACKUP__DIRECTORY/sanctum-backup-<UTC time>.tar.gz)."),
    ] = None,
) -> None:
    """Write a consistent backup of the database into one archive; safe while Sanctum is running."""
    from sanctum.backup import BackupError, create_backup

    settings = _settings()
    try:
        result = asyncio.run(create_backup(settings, output))
    except (BackupError, OSError) as exc:
        _fail(f"backup failed: {_one_line(exc)}", 1)
    m = result.manifest
    typer.echo(f"wrote {result.path} ({_size(result.size)}, {m.dialect} at migration {m.revision})")


@app.command()
def restore(
    archive: Annotated[Path, typer.Argument(help="An archive written by `sanctum backup`.")],
    force: Annotated[bool, typer.Option(help="Replace the data of a database that is not empty.")] = False,
) -> None:
    """Restore a backup into the configured database (stop every Sanctum process using it first).

    Checks every member's checksum and the schema before writing anything; migrates an older archive
    forward; refuses a damaged or newer archive, and a database that holds data unless --force."""
    from sqlalchemy.exc import SQLAlchemyError

    from sanctum.backup import BackupError, RestoreRefused, restore_backup

    settings = _settings()
    try:
        result = asyncio.run(restore_backup(settings, archive, force=force))
    except RestoreRefused as exc:
        _fail(f"refusing to restore: {_one_line(exc)}", 1)
    except (BackupError, OSError, SQLAlchemyError) as exc:
        _fail(f"restore failed: {_one_line(exc)}", 1)
    m, schema = result.manifest, result.schema
    migrated = f", migrated from {schema.archive_revision} to {schema.head}" if schema.migrates_forward else ""
    typer.echo(
        f"restored {archive} (made {m.created_at:%Y-%m-%d %H:%M:%S} UTC by Sanctum {m.sanctum_version}) "
        f"into {result.target} ({result.how}{migrated})"
    )


def _one_line(exc: BaseException) -> str:
    from sqlalchemy.exc import DBAPIError

    if isinstance(exc, DBAPIError) and exc.orig is not None:
        exc = exc.orig  # not the SQL statement and parameters SQLAlchemy adds
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def _size(count: int) -> str:
    if count < 1024:
        return f"{count} bytes"
    size = count / 1024
    for unit in ("KiB", "MiB"):
        if size < 1024:
            return f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GiB"


@app.command("create-admin")
def create_admin(
    username: Annotated[str, typer.Option(prompt=True)],
    email: Annotated[str, typer.Option(prompt=True)],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
) -> None:
    """Create an administrator account."""
    from pydantic import ValidationError

    from sanctum.core.errors import AppError
    from sanctum.domains.accounts.schemas import RegisterRequest
    from sanctum.domains.accounts.service import ClientInfo
    from sanctum.services import build_services

    settings = _settings()
    _preflight(settings)
    try:
        data = RegisterRequest(username=username, email=email, password=password)
    except ValidationError as exc:
        _fail("; ".join(f"{'.'.join(map(str, e['loc'])) or 'input'}: {e['msg']}" for e in exc.errors()))

    async def run() -> str:
        services = build_services(settings)
        try:
            user = await services.accounts.register(data, ClientInfo(ip="cli", user_agent="cli"), is_admin=True)
            return str(user.username)
        finally:
            await services.stop_working()

    try:
        name = asyncio.run(run())
    except AppError as exc:
        _fail(f"{exc.message} {exc.fields or ''}".strip(), 1)
    typer.echo(f"administrator {name} created")


@app.command("vapid-keys")
def vapid_keys() -> None:
    """Make the Web Push (VAPID) key pair if there is none yet, and print its public key."""
    from sanctum.services import build_services

    settings = _settings()
    _preflight(settings)

    async def run() -> str:
        services = build_services(settings)
        try:
            return (await services.push.public_key()).public_key
        finally:
            await services.stop_working()

    typer.echo(f"VAPID public key: {asyncio.run(run())}")


@app.command()
def worker(
    metrics_port: Annotated[
        int | None, typer.Option(help="Serve Prometheus metrics on this port (127.0.0.1 unless --metrics-host).")
    ] = None,
    metrics_host: Annotated[str, typer.Option(help="Interface for the metrics port.")] = "127.0.0.1",
) -> None:
    """Work background jobs from Redis, and the backup schedule (scaled mode). SIGTERM stops one cleanly."""
    import signal

    from sanctum.main import create_worker
    from sanctum.observability.logging import configure_logging, get_logger

    settings = _settings()
    configure_logging(settings)
    if settings.mode != "scaled":
        _fail("the worker is for scaled mode (set REDIS_URL); embedded mode runs jobs inside `sanctum serve`")
    _preflight(settings)
    log = get_logger("sanctum.worker")
    if metrics_port is not None:
        from prometheus_client import start_http_server

        start_http_server(metrics_port, addr=metrics_host)

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        built = create_worker(settings)
        await built.start_working()
        log.info("worker_started", queue=settings.jobs.queue_name, concurrency=settings.jobs.concurrency)
        try:
            await stop.wait()
        finally:
            log.info("worker_stopping")
            await built.stop_working()

    asyncio.run(run())


jobs_app = typer.Typer(help="Background jobs: inspect and retry the dead-letter queue.", no_args_is_help=True)
dead_letter_app = typer.Typer(help="Jobs that used up their retries.", no_args_is_help=True)
jobs_app.add_typer(dead_letter_app, name="dead-letter")
app.add_typer(jobs_app, name="jobs")


app.add_typer(cli_flags.build(_settings, _preflight, _fail), name="flags")


@dead_letter_app.command("list")
def dead_letter_list(
    all_: Annotated[bool, typer.Option("--all", help="Include jobs already retried.")] = False,
    limit: Annotated[int, typer.Option(min=1, max=10_000)] = 100,
) -> None:
    """List dead-lettered jobs: id, job, attempts, when it failed, the error and the payload."""
    from sanctum.main import create_worker

    settings = _settings()
    _preflight(settings)

    async def run() -> list[dict[str, object]]:
        built = create_worker(settings)
        try:
            rows = await built.jobs.dead_letters(limit, include_retried=all_)
        finally:
            await built.stop_working()
        return [
            {
                "id": r.id,
                "job": r.job,
                "attempts": r.attempts,
                "failed_at": r.failed_at.isoformat(),
                "retried_at": r.retried_at.isoformat() if r.retried_at else None,
                "error": r.error,
                "payload": json.loads(r.payload),
            }
            for r in rows
        ]

    rows = asyncio.run(run())
    for row in rows:
        typer.echo(json.dumps(row, ensure_ascii=False))
    if not rows:
        typer.echo("the dead-letter queue is empty", err=True)


@dead_letter_app.command("retry")
def dead_letter_retry(dead_letter_id: Annotated[int, typer.Argument(min=1, help="The id from `list`.")]) -> None:
    """Queue a dead-lettered job again with fresh attempts (embedded mode: run it here, now)."""
    from sanctum.main import create_worker

    settings = _settings()
    _preflight(settings)

    async def run() -> str | None:
        built = create_worker(settings)
        await built.start_working(work=False)
        try:
            row = await built.jobs.retry_dead_letter(dead_letter_id)
            await built.jobs.drain()
        finally:
            await built.stop_working()
        return row.job if row is not None else None

    job = asyncio.run(run())
    if job is None:
        _fail(f"no dead-lettered job {dead_letter_id} is waiting (see `sanctum jobs dead-letter list`)", 1)
    where = "queued for the workers" if settings.mode == "scaled" else "ran in this process"
    typer.echo(f"job {dead_letter_id} ({job}) {where}")


def build_openapi() -> dict[str, object]:
    from sanctum.main import create_app

    return create_app(Settings(app_env="test")).openapi()


def render_openapi() -> str:
    return json.dumps(build_openapi(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


@app.command()
def openapi(
    output: Annotated[Path, typer.Option(help="Where to write the spec.")] = Path("openapi.json"),
    check: Annotated[bool, typer.Option(help="Fail if the file differs from the code.")] = False,
) -> None:
    """Write the OpenAPI document for the current code."""
    text = render_openapi()
    if check:
        if not output.exists() or output.read_text() != text:
            _fail(f"{output} is out of date: run `sanctum openapi`", 1)
        typer.echo(f"{output} is up to date")
        return
    output.write_text(text)
    typer.echo(f"wrote {output}")


def render_contracts(root: Path = Path()) -> dict[Path, str]:
    """docs/realtime.schema.json and docs/asyncapi.yaml (under `root`) as the code describes them."""
    from importlib.metadata import version

    import yaml

    from sanctum.realtime.contract import asyncapi, realtime_schema
    from sanctum.services import build_services

    hubs = build_services(Settings(app_env="test")).gateway.hubs
    schema = realtime_schema(hubs)
    document = asyncapi(schema, version("sanctum"))
    header = "# Generated from the code by `sanctum contracts` (src/sanctum/realtime/contract.py): do not edit.\n"
    return {
        root / "docs" / "realtime.schema.json": json.dumps(schema, indent=2, ensure_ascii=False) + "\n",
        root / "docs" / "asyncapi.yaml": header
        + yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100),
    }


@app.command()
def contracts(
    check: Annotated[bool, typer.Option(help="Fail if a file differs from the code.")] = False,
) -> None:
    """Write the realtime contract (JSON Schema and AsyncAPI) for the current code."""
    for path, text in render_contracts().items():
        if check:
            if not path.exists() or path.read_text() != text:
                _fail(f"{path} is out of date: run `sanctum contracts`", 1)
            typer.echo(f"{path} is up to date")
        else:
            path.write_text(text)
            typer.echo(f"wrote {path}")


def main() -> None:  # pragma: no cover - console entry
    sys.exit(app())
