"""The composition root of the HTTP app: `create_app(settings)` builds the services and mounts the domains.

What an instance runs is built by `sanctum.services.build_services` (shared with `sanctum worker`);
this module adds only the web layer: the FastAPI app, its middleware, error handlers and routers.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.routing import APIRoute
from redis.asyncio import Redis

from sanctum.api.csp_reports import csp_report_router
from sanctum.api.errors import install_error_handlers
from sanctum.api.health import Check, health_router
from sanctum.api.middleware import RequestContextMiddleware
from sanctum.api.security_headers import SecurityHeadersMiddleware
from sanctum.api.shutdown import Draining
from sanctum.domains.accounts import routes as accounts_routes
from sanctum.domains.calls import routes as calls_routes
from sanctum.domains.chat import routes as chat_routes
from sanctum.domains.emoji import routes as emoji_routes
from sanctum.domains.export import routes as export_routes
from sanctum.domains.files import routes as files_routes
from sanctum.domains.flags import routes as flags_routes
from sanctum.domains.friends import routes as friends_routes
from sanctum.domains.games import routes as games_routes
from sanctum.domains.home import routes as home_routes
from sanctum.domains.invites import routes as invites_routes
from sanctum.domains.moderation import routes as moderation_routes
from sanctum.domains.notifications import routes as notifications_routes
from sanctum.domains.posts import routes as posts_routes
from sanctum.domains.preferences import routes as preferences_routes
from sanctum.domains.previews import routes as previews_routes
from sanctum.domains.push import routes as push_routes
from sanctum.domains.reports import routes as reports_routes
from sanctum.domains.sanctums import routes as sanctums_routes
from sanctum.domains.search import routes as search_routes
from sanctum.domains.security import routes as security_routes
from sanctum.observability.logging import get_logger
from sanctum.observability.tracing import configure_tracing, flush_tracing, instrument_app
from sanctum.realtime.gateway import GatewayMiddleware
from sanctum.services import Services, build_services
from sanctum.settings import Settings
from sanctum.web.static import mount_web

log = get_logger("sanctum.app")


def operation_id(route: APIRoute) -> str:
    """`<tag>-<route name>`, so the generated client reads `auth-login`, `users-get_me`."""
    tag = str(route.tags[0]) if route.tags else "default"
    return f"{tag}-{route.name}"


def create_app(settings: Settings) -> FastAPI:
    # Before anything opens an engine: the engines get their statement spans when they are made.
    configure_tracing(settings)
    services = build_services(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await services.start_serving()
        log.info("started", mode=settings.mode, database=services.db.dialect, env=settings.app_env)
        try:
            yield
        finally:
            await services.stop_serving()
            await asyncio.to_thread(flush_tracing)

    app = FastAPI(
        title="Sanctum",
        version="0.1.0",
        description=(
            "Self-hostable realtime social platform. Names and bodies follow one Unicode policy: "
            "what each field refuses, and why, is in docs/text.md."
        ),
        lifespan=lifespan,
        generate_unique_id_function=operation_id,
        docs_url="/docs" if settings.app_env != "production" else None,
        redoc_url=None,
    )
    app.state.services = services
    install_error_handlers(app, development=settings.is_development)
    app.add_middleware(
        RequestContextMiddleware,
        max_body_bytes=settings.max_body_bytes,
        development=settings.is_development,
        own_limit_prefixes=(*files_routes.OWN_BODY_LIMITS, *emoji_routes.OWN_BODY_LIMITS),
    )
    app.add_middleware(GatewayMiddleware, gateway=services.gateway)
    # Outermost, so the WebSocket upgrade gets the headers too.
    app.add_middleware(SecurityHeadersMiddleware, settings=settings.security)

    # Readiness turns 503 the moment the instance is told to stop (api/shutdown.py).
    draining = Draining()
    app.state.draining = draining
    checks: dict[str, Check] = {"accepting": draining.check, "database": services.db.ping}
    if services.redis is not None:
        checks["redis"] = _redis_ping(services.redis)
    app.include_router(health_router(checks, settings.health_timeout_seconds, services.breakers.states))
    app.include_router(csp_report_router())
    app.include_router(accounts_routes.auth)
    app.include_router(accounts_routes.users)
    app.include_router(accounts_routes.realtime)
    app.include_router(security_routes.security)
    app.include_router(chat_routes.me)
    app.include_router(chat_routes.rooms)
    app.include_router(chat_routes.messages)
    app.include_router(chat_routes.dms)
    app.include_router(notifications_routes.notifications)
    app.include_router(sanctums_routes.sanctums)
    app.include_router(sanctums_routes.me)
    app.include_router(invites_routes.sanctum_invites)
    app.include_router(invites_routes.room_invites)
    app.include_router(invites_routes.invites)
    app.include_router(posts_routes.posts)
    app.include_router(posts_routes.comments)
    app.include_router(posts_routes.feeds)
    app.include_router(friends_routes.friends)
    app.include_router(home_routes.home)
    app.include_router(games_routes.games)
    app.include_router(calls_routes.calls)
    app.include_router(preferences_routes.preferences)
    app.include_router(push_routes.push)
    app.include_router(export_routes.exports)
    app.include_router(files_routes.files)
    app.include_router(emoji_routes.emoji)
    app.include_router(moderation_routes.sanctum_roles)
    app.include_router(moderation_routes.roles)
    app.include_router(moderation_routes.admin)
    app.include_router(moderation_routes.audit)
    app.include_router(moderation_routes.room_moderation)
    app.include_router(moderation_routes.sanctum_moderation)
    app.include_router(reports_routes.reports)
    app.include_router(flags_routes.flags)
    app.include_router(flags_routes.admin_flags)
    app.include_router(previews_routes.previews)
    app.include_router(search_routes.search)
    mount_web(app, settings.web_dist)
    instrument_app(app)
    return app


def _redis_ping(redis: Redis) -> Check:
    async def ping() -> None:
        await redis.ping()

    return ping


def create_worker(settings: Settings) -> Services:
    """`sanctum worker`'s services: the same as the app's, of which it starts only the job queue
    (`Services.start_working`). Events the jobs emit go out on the broker; the app instances holding
    the topics deliver them."""
    configure_tracing(settings, role="worker")
    return build_services(settings)
