"""Prometheus metrics. Labels are bounded: route templates, never raw paths or user ids."""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest

HTTP_REQUESTS = Counter(
    "http_requests_total",
    "HTTP requests by method, route template and status.",
    ["method", "route", "status"],
)
HTTP_DURATION = Histogram(
    "http_request_duration_seconds",
    "HTTP request latency by method and route template.",
    ["method", "route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
DB_QUERY_DURATION = Histogram(
    "db_query_duration_seconds",
    "Database statement latency by operation (select, insert, update, delete, other).",
    ["operation"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
)
DB_ERRORS = Counter("db_errors_total", "Database statements that raised an error, by operation.", ["operation"])
DB_UNAVAILABLE = Counter(
    "db_unavailable_total",
    "Requests and commands refused with 503 because the database could not be reached, by cause.",
    ["cause"],
)
DB_TRANSACTIONS = Counter(
    "db_transactions_total",
    "Transactions begun on a database connection, by session kind (a reader that ran nothing is none).",
    ["mode"],
)
HEALTH_CHECK_UP = Gauge(
    "health_check_up",
    "Whether each dependency answered the last readiness probe (1) or not (0), by check.",
    ["check"],
)
REDIS_ERRORS = Counter("redis_errors_total", "Redis operations that failed.", ["operation"])
CIRCUIT_STATE = Gauge(
    "circuit_breaker_state",
    "A circuit breaker's state: 0 closed, 1 half-open (probing), 2 open (failing fast).",
    ["breaker"],
)
CIRCUIT_OPENED = Counter("circuit_breaker_opened_total", "Times a circuit breaker opened.", ["breaker"])
CIRCUIT_REJECTED = Counter(
    "circuit_breaker_rejected_total", "Calls refused at once because their circuit breaker was open.", ["breaker"]
)
REPLICA_READS = Counter(
    "db_replica_reads_total", "Read sessions by where they went: the replica, or the primary as a fallback.", ["target"]
)
REPLICA_LAG = Gauge("db_replica_lag_seconds", "How far the read replica's replay was behind, when last measured.")
RATE_LIMITED = Counter("rate_limited_total", "Requests refused by a rate limit.", ["limit"])
CSP_VIOLATIONS = Counter(
    "csp_violations_total",
    "Content-Security-Policy violations reported by browsers, by directive (a fixed list, else other).",
    ["directive"],
)
CACHE_REQUESTS = Counter("cache_requests_total", "Cache look-ups by cache name and result.", ["cache", "result"])


def render_latest() -> tuple[bytes, str]:
    return generate_latest(), CONTENT_TYPE_LATEST


WS_ACTIVE = Gauge("ws_active_connections", "Open WebSocket connections by hub.", ["hub"])
WS_CONNECTIONS = Counter("ws_connections_total", "WebSocket connection attempts by outcome.", ["outcome"])
WS_SENT = Counter("ws_messages_sent_total", "Messages written to WebSockets by hub.", ["hub"])
WS_RECEIVED = Counter("ws_messages_received_total", "Messages received from WebSockets by hub.", ["hub"])
WS_SEND_ATTEMPTS = Counter(
    "ws_send_attempts_total",
    "Frames handed to sockets for sending, by hub: sent plus dropped (ws_backpressure_drops_total).",
    ["hub"],
)
WS_TOPICS_BY_SIZE = Gauge(
    "ws_topics_by_subscribers",
    "Topics this instance holds, by hub and by how many local sockets hold each (1, 2-10, 11-100, "
    "101-1000, 1001+): the shape of per-room connections with bounded labels. Updated every heartbeat sweep.",
    ["hub", "size"],
)
WS_DROPS = Counter(
    "ws_backpressure_drops_total",
    "Messages not delivered because of backpressure, by hub and reason (queue_full, slow_consumer, closed).",
    ["hub", "reason"],
)
WS_QUEUE_UTILIZATION = Histogram(
    "ws_send_queue_utilization",
    "Fill ratio of a connection's send queue, sampled when its writer wakes.",
    buckets=(0.0, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0),
)
WS_DELIVERY = Histogram(
    "ws_event_delivery_seconds",
    "Time from publish to write on the socket (sampled per writer batch).",
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
)
BROKER_EVENTS = Counter("broker_events_total", "Events through the broker by direction.", ["direction"])
REALTIME_GAP_FILLS = Counter(
    "realtime_gap_fills_total", "Persistent events recovered from the event log instead of the broker."
)

JOBS_ENQUEUED = Counter("jobs_enqueued_total", "Background jobs queued, by job name.", ["job"])
JOBS_COMPLETED = Counter(
    "jobs_completed_total",
    "Background job runs by job name and outcome (success, retry: failed and will run again, dead: failed for good).",
    ["job", "outcome"],
)
JOB_DURATION = Histogram(
    "job_duration_seconds",
    "Time one run of a background job took, by job name.",
    ["job"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
JOBS_QUEUE_DEPTH = Gauge(
    "jobs_queue_depth",
    "Jobs queued and not finished: waiting in the Redis stream, taken but unacknowledged, or running "
    "in process. Sampled by each process that works the queue.",
)
JOBS_QUEUE_AGE = Gauge(
    "jobs_queue_oldest_age_seconds",
    "Age of the oldest job not yet acknowledged (0: none). Sampled by each process that works the queue.",
)
JOBS_DEAD_LETTER = Gauge(
    "jobs_dead_letter", "Jobs waiting in the dead-letter queue (not yet retried), by job name.", ["job"]
)
CHAT_MESSAGES = Counter(
    "chat_messages_total", "Chat messages stored, by room kind (public, private, dm, ...).", ["kind"]
)
GAME_COMMANDS = Counter(
    "game_commands_total",
    "Game room commands by game, kind (join, leave, move, forfeit) and result (accepted, refused, conflict).",
    ["game", "kind", "result"],
)
GAME_ROOMS_LIVE = Gauge("game_rooms_live", "Game rooms with a running actor on this instance.")
GAME_TICK_LAG = Histogram(
    "game_tick_lag_seconds",
    "How late a real-time room's tick ran after it was due.",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0),
)
GAME_TICK_OVERRUNS = Counter(
    "game_tick_overruns_total",
    "Passes of a tick scheduler that started a whole period late (their ticks were skipped), by tick rate.",
    ["rate"],
)
GAME_FRAMES = Counter("game_frames_total", "Frames real-time rooms published, by kind (keyframe or delta).", ["kind"])

# Exported by every process; only the one running the schedule (the server embedded, `sanctum worker`
# scaled) sets them, so alert on the max across targets (deploy/prometheus/alerts.yml).
BACKUP_LAST_SUCCESS = Gauge(
    "sanctum_backup_last_success_timestamp_seconds",
    "Unix time the newest scheduled backup archive was made (0: none yet, or no schedule in this process).",
)
BACKUP_LAST_SIZE = Gauge("sanctum_backup_last_size_bytes", "Size of the newest scheduled backup archive.")
BACKUP_FAILURES = Counter("sanctum_backup_failures_total", "Scheduled backups that failed.")
PUSH_SENT = Counter(
    "push_notifications_total",
    "Web Push posts by outcome (sent; gone: the subscription expired and was removed; failed; skipped_online; "
    "circuit_open: the push service's breaker was open).",
    ["outcome"],
)
CALLS_STARTED = Counter("calls_started_total", "Calls started, by kind (voice, video).", ["kind"])
CALLS_CONNECTED = Counter("calls_connected_total", "Calls someone answered.")
CALLS_ENDED = Counter(
    "calls_ended_total",
    "Calls ended, by reason (missed, declined, cancelled, completed, dropped).",
    ["reason"],
)
CALLS_REFUSED = Counter("calls_refused_total", "Call commands refused, by error code.", ["code"])
CALL_DURATION = Histogram(
    "call_duration_seconds",
    "How long answered calls lasted, from the answer to the end.",
    buckets=(10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200),
)
