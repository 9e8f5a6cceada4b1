"""Prometheus metrics. Labels are bounded: route templates, never raw paths or user ids."""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest

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
    "Database statement latency.",
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
)
DB_ERRORS = Counter("db_errors_total", "Database statements that raised an error.")
REDIS_ERRORS = Counter("redis_errors_total", "Redis operations that failed.", ["operation"])
RATE_LIMITED = Counter("rate_limited_total", "Requests refused by a rate limit.", ["limit"])
CACHE_REQUESTS = Counter("cache_requests_total", "Cache look-ups by cache name and result.", ["cache", "result"])


def render_latest() -> tuple[bytes, str]:
    return generate_latest(), CONTENT_TYPE_LATEST
