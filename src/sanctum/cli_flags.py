"""`sanctum flags ...`: read and change feature flags from the console (docs/flags.md).

The console is trusted as the operator: no account is needed, and the audit log records the change
with no actor. Every instance follows a change within `RESILIENCE__FLAGS_POLL_SECONDS` (at once over
Redis when it is up).
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from pydantic import BaseModel

if TYPE_CHECKING:
    from sanctum.services import Services
    from sanctum.settings import Settings

Fail = Callable[..., NoReturn]


def _echo(read: BaseModel) -> None:
    typer.echo(json.dumps(read.model_dump(mode="json"), ensure_ascii=False))


def build(settings: Callable[[], Settings], preflight: Callable[[Settings], None], fail: Fail) -> typer.Typer:
    """The `flags` command group, on cli.py's helpers (settings from the environment, the schema check,
    the one-line failure)."""
    flags_app = typer.Typer(help="Feature flags: kill switches, rollouts and overrides.", no_args_is_help=True)

    def run(work: Callable[[Services], Awaitable[object]]) -> object:
        """`work(services)` on this configuration's services; an AppError ends the command with its message."""
        from sanctum.core.errors import AppError
        from sanctum.services import build_services

        config = settings()
        preflight(config)

        async def go() -> object:
            services = build_services(config)
            try:
                return await work(services)
            finally:
                await services.stop_working()

        try:
            return asyncio.run(go())
        except AppError as exc:
            fail(f"{exc.message} {exc.fields or ''}".strip(), 1)

    @flags_app.command("list")
    def list_flags() -> None:
        """Every declared flag, one JSON object a line: kill switch, rollout and overrides."""
        from sanctum.domains.flags.schemas import FlagRead

        async def work(services: Services) -> list[FlagRead]:
            return list((await services.flags.list(None)).items)

        items = run(work)
        assert isinstance(items, list)
        for item in items:
            _echo(item)

    @flags_app.command("set")
    def set_flag(
        name: str,
        on: Annotated[
            bool | None, typer.Option("--on/--off", help="The kill switch: --off stops it for everyone.")
        ] = None,
        percent: Annotated[int | None, typer.Option(min=0, max=100, help="Roll out to this share of users.")] = None,
    ) -> None:
        """Change a flag's kill switch and/or rollout percentage."""
        from sanctum.domains.flags.schemas import FlagChange

        change = FlagChange(enabled=on, rollout_percent=percent)

        async def work(services: Services) -> BaseModel:
            return await services.flags.change(None, name, change)

        done = run(work)
        assert isinstance(done, BaseModel)
        _echo(done)

    @flags_app.command("override")
    def override_flag(
        name: str,
        user: Annotated[str | None, typer.Option(help="A username.")] = None,
        sanctum: Annotated[str | None, typer.Option(help="A sanctum's id.")] = None,
        value: Annotated[str, typer.Option(help="on, off, or clear (remove the override).")] = "on",
    ) -> None:
        """Force a flag on or off for one user or one sanctum (the kill switch still wins)."""
        from sanctum.domains.flags.schemas import FlagOverrideChange

        if (user is None) == (sanctum is None):
            fail("give exactly one of --user or --sanctum")
        if value not in ("on", "off", "clear"):
            fail("--value is on, off or clear")
        forced = None if value == "clear" else value == "on"

        async def work(services: Services) -> BaseModel:
            if user is not None:
                change = FlagOverrideChange(
                    subject_type="user", subject_id=(await services.accounts.get_profile(user)).id, value=forced
                )
            else:
                try:
                    change = FlagOverrideChange(
                        subject_type="sanctum", subject_id=uuid.UUID(str(sanctum)), value=forced
                    )
                except ValueError:
                    fail("--sanctum takes the sanctum's id")
            return await services.flags.override(None, name, change)

        done = run(work)
        assert isinstance(done, BaseModel)
        _echo(done)

    return flags_app
