"""The typed container of everything an instance runs, built once by `build_services(settings)`.

Both composition roots use it: `create_app` (main.py) mounts routes and the socket on it, and
`sanctum worker` runs its job queue. Nothing else builds a service. Routes get their service by class
through `api.deps.provide`, which asks `Services.get`; services get their collaborators here, by
constructor. Embedded or scaled is decided here alone (in-process parts, or Redis-backed ones).
"""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, TypeVar, cast

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession

from sanctum.backup import BackupScheduler
from sanctum.cache import Cache
from sanctum.cache.local import InvalidationBus
from sanctum.core.errors import AppError
from sanctum.core.security import AccessTokens, PasswordHashing
from sanctum.db.database import Database
from sanctum.db.migrate import verify_schema
from sanctum.domains.accounts.blocks import BlockService
from sanctum.domains.accounts.search import PeopleSearch
from sanctum.domains.accounts.service import AccountService
from sanctum.domains.accounts.staff import AccountStaff
from sanctum.domains.announcements.hub import SystemHub
from sanctum.domains.audit.service import AuditLog
from sanctum.domains.calls.hub import CallsHub
from sanctum.domains.calls.service import CallService
from sanctum.domains.calls.store import CallStore
from sanctum.domains.chat.access import ChatCaches, RoomAccess
from sanctum.domains.chat.hub import ChatHub
from sanctum.domains.chat.messages import MessageService
from sanctum.domains.chat.moderation import ChatModeration
from sanctum.domains.chat.previews import PREVIEWS_JOB, MessagePreviews
from sanctum.domains.chat.reported import ChatContent
from sanctum.domains.chat.sanctum_rooms import SanctumRooms
from sanctum.domains.chat.service import RoomService
from sanctum.domains.chat.slow_mode import SlowMode
from sanctum.domains.chat.welcome import WELCOME_JOB, WelcomeBot
from sanctum.domains.digest.scheduler import DigestScheduler
from sanctum.domains.digest.service import DigestService, MentionedMessage
from sanctum.domains.export.service import ExportService
from sanctum.domains.export.service import register_jobs as register_export_jobs
from sanctum.domains.flags.service import FlagService
from sanctum.domains.friends.service import FriendService
from sanctum.domains.games.engine.engine import GameEngine
from sanctum.domains.games.hub import GamesHub
from sanctum.domains.games.records import GameRecords
from sanctum.domains.games.registry import GameRegistry
from sanctum.domains.games.service import GameService
from sanctum.domains.home.service import HomeService
from sanctum.domains.invites.service import InviteService
from sanctum.domains.moderation.report_actions import ReportSanctions
from sanctum.domains.moderation.sanctions import Sanctions
from sanctum.domains.moderation.service import ModerationService
from sanctum.domains.notifications.hub import NotificationsHub
from sanctum.domains.notifications.jobs import register_jobs as register_notification_jobs
from sanctum.domains.notifications.notify import Notifier
from sanctum.domains.notifications.service import NotificationService
from sanctum.domains.posts.caches import PostCaches
from sanctum.domains.posts.comments import CommentService
from sanctum.domains.posts.feed import FeedService
from sanctum.domains.posts.hub import PostsHub
from sanctum.domains.posts.previews import POST_PREVIEWS_JOB, PostPreviews
from sanctum.domains.posts.service import PostService
from sanctum.domains.preferences.service import PreferenceService
from sanctum.domains.previews.service import PreviewService
from sanctum.domains.push.service import PushService
from sanctum.domains.push.service import register_jobs as register_push_jobs
from sanctum.domains.reports.service import RbacReview, ReportService
from sanctum.domains.roles.service import Authorizer
from sanctum.domains.sanctums.service import SanctumService
from sanctum.domains.search.engines import index_for
from sanctum.domains.search.service import SearchService
from sanctum.domains.security.email_flows import EmailFlows
from sanctum.domains.security.login import LoginSteps
from sanctum.domains.security.passkeys import Passkeys
from sanctum.domains.security.totp import TwoFactor
from sanctum.file_checks import CustomEmojiService, FileService, build_files, use_file_checks
from sanctum.infrastructure import build_infrastructure
from sanctum.jobs.queue import TaskiqJobQueue, build_job_queue
from sanctum.mail import announce, build_mailer
from sanctum.net.fetch import previews_client
from sanctum.ratelimit import RateLimiter
from sanctum.realtime.gateway import Gateway
from sanctum.realtime.hub import HubRegistry
from sanctum.realtime.publisher import Publisher
from sanctum.realtime.tickets import TicketStore
from sanctum.resilience.breaker import Breakers
from sanctum.resilience.hosts import HostCircuits
from sanctum.settings import Settings

T = TypeVar("T")


@dataclass(frozen=True)
class Services:
    settings: Settings
    db: Database
    redis: Redis | None
    cache: Cache
    limiter: RateLimiter
    bus: InvalidationBus
    gateway: Gateway
    jobs: TaskiqJobQueue
    notifier: Notifier
    accounts: AccountService
    blocks: BlockService
    people: PeopleSearch
    rooms: RoomService
    messages: MessageService
    notifications: NotificationService
    sanctums: SanctumService
    invites: InviteService
    friends: FriendService
    posts: PostService
    comments: CommentService
    feed: FeedService
    games: GameService
    home: HomeService
    reports: ReportService
    game_records: GameRecords
    game_engine: GameEngine
    backups: BackupScheduler
    email_flows: EmailFlows
    two_factor: TwoFactor
    passkeys: Passkeys
    login_steps: LoginSteps
    preferences: PreferenceService
    push: PushService
    exports: ExportService
    digest: DigestService
    digest_rounds: DigestScheduler
    search: SearchService
    moderation: ModerationService
    chat_moderation: ChatModeration
    sanctions: Sanctions
    calls: CallService
    files: FileService
    emoji: CustomEmojiService
    flags: FlagService
    breakers: Breakers
    previews: PreviewService
    message_previews: MessagePreviews
    post_previews: PostPreviews
    _by_type: dict[type, Any] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_type = {type(getattr(self, f.name)): getattr(self, f.name) for f in dataclasses.fields(self) if f.init}
        object.__setattr__(self, "_by_type", by_type)

    def get(self, kind: type[T]) -> T:
        """The one instance of `kind` (what `api.deps.provide(kind)` hands a route)."""
        return cast(T, self._by_type[kind])

    # -- life cycle ---------------------------------------------------------------------------

    async def start_serving(self) -> None:
        """Everything `sanctum serve` runs: sockets, jobs in-process (embedded) or enqueue-only, games."""
        await verify_schema(self.db.writer_engine, self.settings.database_url)
        announce(self.settings)
        self.db.start()
        await self.bus.start()
        await self.flags.start()
        await self.gateway.start()
        await self.jobs.start()
        await self.game_engine.start()
        if self.settings.mode == "embedded":  # scaled: the workers back up (one of them, by a lock)
            await self.backups.start()
            await self.digest_rounds.start()

    async def stop_serving(self) -> None:
        await self.backups.stop()
        await self.digest_rounds.stop()
        await self.jobs.stop()
        await self.game_engine.stop()
        await self.calls.stop()
        await self.gateway.stop()
        await self.flags.stop()
        await self.bus.stop()
        await self.files.store.close()
        await self.breakers.close()
        await self._close()

    async def start_working(self, *, work: bool = True) -> None:
        """What `sanctum worker` runs: the job queue (`work=False`: enqueue only, for the CLI)."""
        await self.jobs.start(work=work)
        self.db.start()
        await self.flags.start()
        if work:
            announce(self.settings)
            await self.backups.start()
            await self.digest_rounds.start()

    async def stop_working(self) -> None:
        await self.backups.stop()
        await self.digest_rounds.stop()
        await self.jobs.stop()
        await self.flags.stop()
        await self.gateway.broker.stop()
        await self._close()

    async def _close(self) -> None:
        await self.db.dispose()
        if self.redis is not None:
            await self.redis.aclose()


def _account_service(
    settings: Settings,
    db: Database,
    limiter: RateLimiter,
    tickets: TicketStore,
    cache: Cache,
    bus: InvalidationBus,
    publisher: Publisher,
) -> AccountService:
    auth = settings.auth
    passwords = PasswordHashing(auth.argon2_time_cost, auth.argon2_memory_kib, auth.argon2_parallelism)
    tokens = AccessTokens(settings.secret_key.get_secret_value(), timedelta(seconds=auth.access_token_ttl_seconds))
    refresh_ttl = timedelta(days=auth.refresh_token_ttl_days)
    return AccountService(db, passwords, tokens, limiter, refresh_ttl, tickets, cache, bus, publisher)


def _security(
    settings: Settings, db: Database, accounts: AccountService, jobs: TaskiqJobQueue, limiter: RateLimiter
) -> tuple[EmailFlows, TwoFactor, Passkeys, LoginSteps]:
    """Account security, hooked into registration (the verification email) and login (the second factor)."""
    flows = EmailFlows(db, accounts, jobs, build_mailer(settings), limiter, settings.email, _base_url(settings))
    flows.register_jobs()
    accounts.on_registered(flows.after_registered)
    two_factor = TwoFactor(db, accounts, settings.secret_key.get_secret_value())
    passkeys = Passkeys(db)
    steps = LoginSteps(db, accounts, two_factor, passkeys)
    accounts.use_login_gate(steps.gate)
    return flows, two_factor, passkeys, steps


def _digest(
    settings: Settings,
    db: Database,
    jobs: TaskiqJobQueue,
    accounts: AccountService,
    blocks: BlockService,
    notifications: NotificationService,
    preferences: PreferenceService,
    room_access: RoomAccess,
    messages: MessageService,
) -> DigestService:
    """The email digest of missed mentions; chat tells it what a mentioned message is (or that it is moot)."""
    content = ChatContent(room_access)

    async def mentioned(
        db: AsyncSession, viewer: uuid.UUID, room_id: uuid.UUID, message_id: int
    ) -> MentionedMessage | None:
        try:
            message = await content.message(db, viewer, message_id)
        except AppError:
            return None  # deleted, or a room they cannot see any more
        if message.room_id != room_id or not await messages.notices.left_unread(db, viewer, room_id, message_id):
            return None
        record = await room_access.record(db, room_id)
        named = record is not None and record.kind != "dm" and record.name
        return MentionedMessage(f"#{record.name}" if record and named else "a direct message", message.body)

    service = DigestService(
        db,
        settings.digest,
        jobs,
        build_mailer(settings),
        accounts,
        blocks,
        notifications,
        preferences,
        mentioned,
        _base_url(settings),
    )
    service.register_jobs()
    return service


def _previews(
    settings: Settings,
    db: Database,
    cache: Cache,
    preferences: PreferenceService,
    flags: FlagService,
    room_access: RoomAccess,
    messages: MessageService,
    jobs: TaskiqJobQueue,
) -> tuple[PreviewService, MessagePreviews]:
    """Link previews: the guarded client (its policy from the settings), the cards, their job."""
    sites = HostCircuits.configured("previews", settings.previews)
    previews = PreviewService(
        db, cache, previews_client(settings.previews, sites), preferences, flags, settings.previews
    )
    message_previews = MessagePreviews(db, room_access, messages, previews, jobs)
    messages.use_previews(message_previews.requested)
    jobs.register(PREVIEWS_JOB, message_previews.build)
    return previews, message_previews


def _base_url(settings: Settings) -> str:
    return settings.public_url or f"http://{settings.host}:{settings.port}"


def build_services(settings: Settings) -> Services:
    """Every service of one instance, wired; nothing is started (see `Services.start_*`)."""
    infra = build_infrastructure(settings)
    redis, tickets, registry, broker = infra.redis, infra.tickets, infra.registry, infra.broker
    bus, game_bus, cache, breakers, guard = infra.bus, infra.game_bus, infra.cache, infra.breakers, infra.guard
    # Committed events go to the broker, which delivers them to every instance (this one included).
    db = Database(settings, publish=broker.publish)
    if db.replica is not None:
        breakers.add(db.replica.breaker)
    limiter = RateLimiter(settings.rate_limits, settings.redis_url, connection=guard)
    hubs = HubRegistry()
    gateway = Gateway(settings.realtime, db, broker, tickets, registry, hubs, limiter)
    jobs = build_job_queue(settings, db, guard)
    notifier = Notifier(jobs)

    accounts = _account_service(settings, db, limiter, tickets, cache, bus, gateway)
    blocks = BlockService(db, accounts, bus)
    email_flows, two_factor, passkeys, login_steps = _security(settings, db, accounts, jobs, limiter)
    notifications = NotificationService(db, accounts, blocks)
    register_notification_jobs(jobs, notifications)
    chat_caches = ChatCaches(cache, bus)
    authz = Authorizer(bus)
    room_access = RoomAccess(db, chat_caches, authz)
    audit = AuditLog()
    flags = FlagService(db, bus, authz, audit, settings.resilience.flags_poll_seconds)
    files = build_files(db, settings, flags, jobs, accounts)
    messages = MessageService(db, room_access, chat_caches, accounts, notifier, SlowMode(limiter), blocks, files)
    notifications.use_read_check(messages.notices.has_read)
    preferences = PreferenceService(db, cache, room_access.sanctum_in)
    push = PushService(db, settings.push, jobs, gateway.is_online, breakers)
    register_push_jobs(jobs, push)
    notifications.use_preferences(preferences.gate, push.queue)
    previews, message_previews = _previews(settings, db, cache, preferences, flags, room_access, messages, jobs)
    rooms = RoomService(db, room_access, chat_caches, accounts, messages, gateway, settings.quotas)
    welcome = WelcomeBot(db, accounts, messages, chat_caches, jobs)
    jobs.register(WELCOME_JOB, welcome.greet)
    sanctum_rooms = SanctumRooms(chat_caches, messages, welcome.joined)
    sanctums = SanctumService(db, accounts, sanctum_rooms, gateway, settings.quotas, authz)
    flags.use_sanctum_access(sanctums.access_by_id)
    friends = FriendService(db, accounts, notifier, blocks)
    post_caches = PostCaches(cache, bus)
    posts = PostService(db, accounts, sanctums, post_caches, notifier, files)
    emoji = use_file_checks(db, files, room_access, posts, sanctums, sanctum_rooms, audit)
    comments = CommentService(db, posts, accounts, notifier)
    post_previews = PostPreviews(db, posts, post_caches, previews, jobs)
    posts.use_previews(post_previews.requested)
    jobs.register(POST_PREVIEWS_JOB, post_previews.build)
    feed = FeedService(db, posts, post_caches, accounts, sanctums, friends)
    game_registry = GameRegistry.default(settings.games.extra_plugins)
    game_engine = GameEngine(settings.games, db, gateway, game_registry, game_bus)
    games = GameService(db, game_registry, game_engine, accounts, blocks)
    game_records = GameRecords(db, game_registry, accounts)
    exports = ExportService(db, settings.exports, jobs, accounts, friends, game_records)
    register_export_jobs(jobs, exports)

    digest = _digest(settings, db, jobs, accounts, blocks, notifications, preferences, room_access, messages)
    staff = AccountStaff(accounts, gateway)
    chat_moderation = ChatModeration(db, room_access, messages, audit)

    hubs.register(NotificationsHub())
    hubs.register(SystemHub(accounts.is_admin))
    hubs.register(ChatHub(room_access, messages, accounts))
    hubs.register(PostsHub(posts))
    hubs.register(GamesHub(games, game_engine))
    sanctions = Sanctions(db, authz, accounts, staff, sanctums, chat_moderation, audit)
    reports = ReportService(
        db,
        accounts,
        ChatContent(room_access),
        chat_moderation,
        posts,
        comments,
        RbacReview(authz, sanctums),
        audit,
        ReportSanctions(db, sanctums, sanctions, chat_moderation),
    )
    calls = CallService(
        db,
        room_access,
        messages,
        gateway,
        CallStore(cache, settings.calls.state_ttl_seconds),
        settings.calls,
        notifier,
        flags,
    )
    hubs.register(CallsHub(calls))
    people = PeopleSearch(db, blocks)
    return Services(
        settings=settings,
        db=db,
        redis=redis,
        cache=cache,
        limiter=limiter,
        bus=bus,
        gateway=gateway,
        jobs=jobs,
        notifier=notifier,
        accounts=accounts,
        blocks=blocks,
        people=people,
        rooms=rooms,
        messages=messages,
        notifications=notifications,
        sanctums=sanctums,
        invites=InviteService(db, sanctums, rooms, accounts),
        friends=friends,
        posts=posts,
        comments=comments,
        feed=feed,
        games=games,
        home=HomeService(db, rooms, messages, friends, games, feed, notifications, sanctums),
        game_records=game_records,
        game_engine=game_engine,
        backups=BackupScheduler(settings, db, runs_here=True),
        preferences=preferences,
        push=push,
        exports=exports,
        digest=digest,
        digest_rounds=DigestScheduler(db, digest, settings.digest.interval_minutes),
        chat_moderation=chat_moderation,
        reports=reports,
        calls=calls,
        flags=flags,
        breakers=breakers,
        email_flows=email_flows,
        two_factor=two_factor,
        passkeys=passkeys,
        login_steps=login_steps,
        moderation=ModerationService(db, authz, accounts, staff, sanctums, audit),
        sanctions=sanctions,
        files=files,
        emoji=emoji,
        previews=previews,
        message_previews=message_previews,
        post_previews=post_previews,
        search=SearchService(db, index_for(db.dialect), room_access, sanctums, accounts, people),
    )
