"""The `sanctum` command: serve, migrate, create-admin, openapi."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from fastapi import FastAPI

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
    from sanctum.main import create_app

    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=None,
        # Frames between max_frame_bytes and this get an error envelope; beyond it uvicorn closes (1009).
        ws_max_size=max(1_048_576, 4 * settings.realtime.max_frame_bytes),
        # Compressing would cost CPU per recipient and defeat encoding each event once.
        ws_per_message_deflate=False,
    )


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
    from sanctum.main import create_app

    settings = _settings()
    _preflight(settings)
    try:
        data = RegisterRequest(username=username, email=email, password=password)
    except ValidationError as exc:
        _fail("; ".join(f"{'.'.join(map(str, e['loc'])) or 'input'}: {e['msg']}" for e in exc.errors()))

    async def run() -> str:
        web = create_app(settings)
        try:
            user = await web.state.accounts.register(data, ClientInfo(ip="cli", user_agent="cli"), is_admin=True)
            return str(user.username)
        finally:
            await web.state.db.dispose()

    try:
        name = asyncio.run(run())
    except AppError as exc:
        _fail(f"{exc.message} {exc.fields or ''}".strip(), 1)
    typer.echo(f"administrator {name} created")


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


def main() -> None:  # pragma: no cover - console entry
    sys.exit(app())
