"""The only composition root: `create_app(settings)` builds infrastructure and mounts the domains."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import timedelta

from fastapi import FastAPI
from fastapi.routing import APIRoute
from redis.asyncio import Redis

from sanctum.api.csp_reports import csp_report_router
from sanctum.api.errors import install_error_handlers
from sanctum.api.health import health_router
from sanctum.api.middleware import RequestContextMiddleware
from sanctum.api.security_headers import SecurityHeadersMiddleware
from sanctum.broker import Broker, InProcessBroker, RedisBroker
from sanctum.cache import Cache, MemoryCache, RedisCache
from sanctum.core.security import AccessTokens, PasswordHashing
from sanctum.db.database import Database
from sanctum.db.migrate import verify_schema
from sanctum.domains.accounts import routes as accounts_routes
from sanctum.domains.accounts.service import AccountService
from sanctum.domains.announcements.hub import SystemHub
from sanctum.domains.chat import routes as chat_routes
from sanctum.domains.chat.access import ChatCaches, RoomAccess
from sanctum.domains.chat.hub import ChatHub
from sanctum.domains.chat.messages import MessageService
from sanctum.domains.chat.sanctum_rooms import SanctumRooms
from sanctum.domains.chat.service import RoomService
from sanctum.domains.friends import routes as friends_routes
from sanctum.domains.friends.service import FriendService
from sanctum.domains.games import routes as games_routes
from sanctum.domains.games.hub import GamesHub
from sanctum.domains.games.registry import GameRegistry
from sanctum.domains.games.runner import GameEngine
from sanctum.domains.games.service import GameService
from sanctum.domains.notifications import routes as notifications_routes
from sanctum.domains.notifications.hub import NotificationsHub
from sanctum.domains.notifications.jobs import register_jobs as register_notification_jobs
from sanctum.domains.notifications.notify import Notifier
from sanctum.domains.notifications.service import NotificationService
from sanctum.domains.posts import routes as posts_routes
from sanctum.domains.posts.caches import PostCaches
from sanctum.domains.posts.comments import CommentService
from sanctum.domains.posts.feed import FeedService
from sanctum.domains.posts.hub import PostsHub
from sanctum.domains.posts.service import PostService
from sanctum.domains.sanctums import routes as sanctums_routes
from sanctum.domains.sanctums.service import SanctumService
from sanctum.jobs.queue import TaskiqJobQueue, build_job_queue
from sanctum.observability.logging import get_logger
from sanctum.ratelimit import RateLimiter
from sanctum.realtime.gateway import Gateway, GatewayMiddleware
from sanctum.realtime.hub import HubRegistry
from sanctum.realtime.presence import ConnectionRegistry, MemoryConnectionRegistry, RedisConnectionRegistry
from sanctum.realtime.protocol import Event
from sanctum.realtime.tickets import MemoryTicketStore, RedisTicketStore, TicketStore
from sanctum.settings import Settings
from sanctum.web.static import mount_web

log = get_logger("sanctum.app")


def operation_id(route: APIRoute) -> str:
    """`<tag>-<route name>`, so the generated client reads `auth-login`, `users-get_me`."""
    tag = str(route.tags[0]) if route.tags else "default"
    return f"{tag}-{route.name}"


def _account_service(
    settings: Settings, db: Database, limiter: RateLimiter, tickets: TicketStore, cache: Cache
) -> AccountService:
    passwords = PasswordHashing(
        settings.auth.argon2_time_cost, settings.auth.argon2_memory_kib, settings.auth.argon2_parallelism
    )
    tokens = AccessTokens(
        settings.secret_key.get_secret_value(), timedelta(seconds=settings.auth.access_token_ttl_seconds)
    )
    return AccountService(
        db,
        passwords,
        tokens,
        limiter,
        settings.rate_limits,
        timedelta(days=settings.auth.refresh_token_ttl_days),
        tickets,
        cache,
    )


def create_app(settings: Settings) -> FastAPI:
    db = Database(settings)
    redis: Redis | None = (
        Redis.from_url(settings.redis_url, socket_connect_timeout=1.0, socket_timeout=2.0)
        if settings.redis_url
        else None
    )
    limiter = RateLimiter(settings.redis_url)

    rt = settings.realtime
    tickets: TicketStore
    registry: ConnectionRegistry
    broker: Broker
    if redis is not None and settings.redis_url:
        tickets = RedisTicketStore(redis, rt.ticket_ttl_seconds)
        registry = RedisConnectionRegistry(redis, rt.lease_seconds)
        broker = RedisBroker(settings.redis_url)
    else:
        tickets, registry, broker = (
            MemoryTicketStore(rt.ticket_ttl_seconds),
            MemoryConnectionRegistry(),
            InProcessBroker(),
        )
    cache: Cache = RedisCache(redis) if redis is not None else MemoryCache()
    accounts = _account_service(settings, db, limiter, tickets, cache)
    hubs = HubRegistry()
    gateway = Gateway(rt, db, broker, tickets, registry, hubs)
    jobs = build_job_queue(settings, db)
    notifier = Notifier(jobs)
    notifications = NotificationService(db, accounts, gateway.publish)
    register_notification_jobs(jobs, notifications)
    chat_caches = ChatCaches(cache)
    room_access = RoomAccess(db, chat_caches)
    messages = MessageService(db, room_access, chat_caches, accounts, gateway, notifier)
    rooms = RoomService(db, room_access, chat_caches, accounts, messages, gateway)
    hubs.register(NotificationsHub())
    hubs.register(SystemHub(accounts.is_admin))
    hubs.register(ChatHub(room_access, messages, accounts))
    sanctums = SanctumService(db, accounts, SanctumRooms(db, chat_caches, messages, gateway))
    friends = FriendService(db, accounts, notifier)
    post_caches = PostCaches(cache)
    posts = PostService(db, accounts, sanctums, post_caches, gateway, notifier)
    comments = CommentService(db, posts, accounts, notifier)
    feed = FeedService(db, posts, post_caches, accounts, sanctums, friends)
    hubs.register(PostsHub(posts))
    # Real-time game inputs reach the instance running the room over a broker of their own.
    game_bus: Broker = (
        RedisBroker(settings.redis_url, prefix="sanctum:games:") if settings.redis_url else InProcessBroker()
    )
    game_registry = GameRegistry.default(settings.games.extra_plugins)
    game_engine = GameEngine(settings.games, db, gateway, game_registry, game_bus)
    games = GameService(db, game_registry, game_engine, accounts, gateway)
    hubs.register(GamesHub(games, game_engine))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await verify_schema(db.writer_engine, settings.database_url)
        await gateway.start()
        await jobs.start()
        await game_engine.start()
        log.info("started", mode=settings.mode, database=db.dialect, env=settings.app_env)
        try:
            yield
        finally:
            await jobs.stop()
            await game_engine.stop()
            await gateway.stop()
            await db.dispose()
            if redis is not None:
                await redis.aclose()

    app = FastAPI(
        title="Sanctum",
        version="0.1.0",
        description="Self-hostable realtime social platform.",
        lifespan=lifespan,
        generate_unique_id_function=operation_id,
        docs_url="/docs" if settings.app_env != "production" else None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.db = db
    app.state.redis = redis
    app.state.limiter = limiter
    app.state.gateway = gateway
    app.state.accounts = accounts
    app.state.cache = cache
    app.state.rooms = rooms
    app.state.messages = messages
    app.state.jobs = jobs
    app.state.notifier = notifier
    app.state.notifications = notifications
    app.state.sanctums = sanctums
    app.state.friends = friends
    app.state.posts = posts
    app.state.comments = comments
    app.state.feed = feed
    app.state.games = games
    app.state.game_engine = game_engine

    install_error_handlers(app, development=settings.is_development)
    app.add_middleware(
        RequestContextMiddleware,
        max_body_bytes=settings.max_body_bytes,
        development=settings.is_development,
    )
    app.add_middleware(GatewayMiddleware, gateway=gateway)
    # Outermost, so the WebSocket upgrade gets the headers too.
    app.add_middleware(SecurityHeadersMiddleware, settings=settings.security)

    checks = {"database": db.ping}
    if redis is not None:
        checks["redis"] = _redis_ping(redis)
    app.include_router(health_router(checks, settings.health_timeout_seconds))
    app.include_router(csp_report_router())
    app.include_router(accounts_routes.auth)
    app.include_router(accounts_routes.users)
    app.include_router(accounts_routes.realtime)
    app.include_router(chat_routes.me)
    app.include_router(chat_routes.rooms)
    app.include_router(chat_routes.messages)
    app.include_router(chat_routes.dms)
    app.include_router(notifications_routes.notifications)
    app.include_router(sanctums_routes.sanctums)
    app.include_router(sanctums_routes.me)
    app.include_router(posts_routes.posts)
    app.include_router(posts_routes.comments)
    app.include_router(posts_routes.feeds)
    app.include_router(friends_routes.friends)
    app.include_router(games_routes.games)
    mount_web(app, settings.web_dist)
    return app


def _redis_ping(redis: Redis):  # type: ignore[no-untyped-def]
    async def ping() -> None:
        await redis.ping()

    return ping


@dataclass
class Worker:
    """What `sanctum worker` runs: the job queue with every job registered, and what the jobs need."""

    db: Database
    jobs: TaskiqJobQueue
    broker: Broker
    redis: Redis | None

    async def start(self, *, work: bool = True) -> None:
        await self.jobs.start(work=work)

    async def stop(self) -> None:
        await self.jobs.stop()
        await self.broker.stop()
        await self.db.dispose()
        if self.redis is not None:
            await self.redis.aclose()


def create_worker(settings: Settings) -> Worker:
    """The worker's composition root: the same services as the app, no HTTP and no sockets. Events the
    jobs log are published on the broker; the app instances holding the topics deliver them."""
    db = Database(settings)
    limiter = RateLimiter(settings.redis_url)
    # Jobs never issue socket tickets; the account service only wants a store to hand them to.
    tickets = MemoryTicketStore(settings.realtime.ticket_ttl_seconds)
    broker: Broker = RedisBroker(settings.redis_url) if settings.redis_url else InProcessBroker()

    async def publish(event: Event) -> None:
        await broker.publish(replace(event, published_at=time.time()))

    redis = (
        Redis.from_url(settings.redis_url, socket_connect_timeout=1.0, socket_timeout=2.0)
        if settings.redis_url
        else None
    )
    cache: Cache = RedisCache(redis) if redis is not None else MemoryCache()
    accounts = _account_service(settings, db, limiter, tickets, cache)
    jobs = build_job_queue(settings, db)
    register_notification_jobs(jobs, NotificationService(db, accounts, publish))
    return Worker(db, jobs, broker, redis)
