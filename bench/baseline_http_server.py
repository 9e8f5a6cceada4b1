"""The floor for bench/http.py: `/api/users/me` and one home-feed page, straight on Starlette and the driver.

    .venv/bin/python bench/baseline_http_server.py --port 9001   # DATABASE_URL, SECRET_KEY as for sanctum

It serves Sanctum's database (the same file, or the same PostgreSQL) with the same JSON for the same
requests, written the shortest way that is still correct, so the benchmark can say how far Sanctum's
layers (middleware, dependency injection, services, the ORM, pydantic) are from it:

- `GET /api/users/me`: decode the bearer token (PyJWT, HS256, the same secret and claims), read the
  session joined to its user in one query, refuse a revoked or expired one, answer the user as JSON;
- `GET /api/feed?limit=N`: the same token check, the caller's sanctum and friend ids, the newest posts
  of those sanctums and of the caller's and friends' profiles, their authors and sanctums, and per post
  the like and comment counts and whether the caller liked it: one query each, no cache.

SQLite through `sqlite3` on the event loop's thread (a connection per request from a small pool),
PostgreSQL through an `asyncpg` pool, JSON with orjson. No ORM, no dependency injection, no middleware,
no logging, no metrics, no rate limits, no security headers.
"""

# ruff: noqa: E402 - sys.path is fixed before the other imports (see below)
from __future__ import annotations

import sys
from pathlib import Path

_BENCH_DIR = str(Path(__file__).resolve().parent)
while _BENCH_DIR in sys.path:
    sys.path.remove(_BENCH_DIR)
sys.path.append(_BENCH_DIR)

import argparse
import contextlib
import os
import sqlite3
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from typing import Any

import asyncpg
import jwt
import orjson
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

ME = (
    "SELECT s.user_id, s.revoked_at, s.expires_at, u.id, u.username, u.display_name, u.bio, u.avatar_url,"
    " u.created_at, u.email, u.site_role FROM auth_sessions s JOIN users u ON u.id = s.user_id WHERE s.id = {0}"
)
SANCTUMS_OF = "SELECT sanctum_id FROM sanctum_members WHERE user_id = {0}"
FRIENDS_OF = (
    "SELECT user_high FROM friendships WHERE user_low = {0} AND status = 'accepted'"
    " UNION ALL SELECT user_low FROM friendships WHERE user_high = {1} AND status = 'accepted'"
)
POSTS = (
    "SELECT id, author_id, sanctum_id, body, html, created_at, edited_at FROM posts"
    " WHERE sanctum_id IN ({sanctums}) OR (sanctum_id IS NULL AND author_id IN ({authors}))"
    " ORDER BY id DESC LIMIT {limit}"
)
USERS = "SELECT id, username, display_name, bio, avatar_url, created_at FROM users WHERE id IN ({ids})"
SANCTUMS = "SELECT id, slug, name, visibility FROM sanctums WHERE id IN ({ids})"
COUNTS = (
    "SELECT p.id, (SELECT count(*) FROM post_likes l WHERE l.post_id = p.id),"
    " (SELECT count(*) FROM comments c WHERE c.post_id = p.id),"
    " EXISTS (SELECT 1 FROM post_likes l WHERE l.post_id = p.id AND l.user_id = {viewer})"
    " FROM posts p WHERE p.id IN ({ids})"
)


class Db:
    """Just enough of a driver layer to run the queries above on either database."""

    def __init__(self, url: str) -> None:
        self.sqlite = url.startswith("sqlite")
        self.url = url
        self.pool: asyncpg.Pool | None = None
        self.idle: list[sqlite3.Connection] = []

    async def start(self) -> None:
        if not self.sqlite:
            dsn = self.url.replace("postgresql+asyncpg://", "postgresql://")
            self.pool = await asyncpg.create_pool(dsn, min_size=2, max_size=8)

    def mark(self, n: int) -> str:
        return "?" if self.sqlite else f"${n}"

    def marks(self, start: int, count: int) -> str:
        return ",".join(self.mark(start + i) for i in range(count)) or "NULL"

    def key(self, value: uuid.UUID) -> Any:
        return value.hex if self.sqlite else value  # SQLAlchemy stores UUIDs as 32 hex digits on SQLite

    async def fetch(self, sql: str, args: Sequence[Any]) -> list[Sequence[Any]]:
        if self.sqlite:
            conn = self.idle.pop() if self.idle else sqlite3.connect(self.url.split(":///", 1)[1], isolation_level=None)
            try:
                return conn.execute(sql, args).fetchall()
            finally:
                self.idle.append(conn)
        assert self.pool is not None
        return list(await self.pool.fetch(sql, *args))


def iso(value: Any) -> str | None:
    if value is None:
        return None
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat().replace("+00:00", "Z")


def as_uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def build(db: Db, secret: str) -> Starlette:
    def claims(request: Request) -> tuple[uuid.UUID, uuid.UUID] | None:
        header = request.headers.get("authorization", "")
        if not header.startswith("Bearer "):
            return None
        try:
            payload = jwt.decode(header[7:], secret, algorithms=["HS256"], issuer="sanctum")
            return uuid.UUID(payload["sub"]), uuid.UUID(payload["sid"])
        except (jwt.PyJWTError, KeyError, ValueError):
            return None

    async def caller(request: Request) -> Sequence[Any] | None:
        found = claims(request)
        if found is None:
            return None
        user_id, session_id = found
        rows = await db.fetch(ME.format(db.mark(1)), [db.key(session_id)])
        if not rows:
            return None
        row = rows[0]
        expires = datetime.fromisoformat(row[2]) if isinstance(row[2], str) else row[2]
        if expires.tzinfo is None:
            expires = expires.replace(tzinfo=UTC)
        if as_uuid(row[0]) != user_id or row[1] is not None or expires <= datetime.now(UTC):
            return None
        return row

    def unauthorized() -> Response:
        body = {"error": {"code": "UNAUTHORIZED", "message": "Authentication is required.", "request_id": "-"}}
        return Response(orjson.dumps(body), 401, media_type="application/json")

    def public(row: Sequence[Any]) -> dict[str, Any]:
        return {
            "id": str(as_uuid(row[0])),
            "username": row[1],
            "display_name": row[2],
            "bio": row[3],
            "avatar_url": row[4],
            "created_at": iso(row[5]),
        }

    async def me(request: Request) -> Response:
        row = await caller(request)
        if row is None:
            return unauthorized()
        body = public(row[3:9]) | {"email": row[9], "is_admin": row[10] == "admin"}
        return Response(orjson.dumps(body), media_type="application/json")

    async def feed(request: Request) -> Response:
        row = await caller(request)
        if row is None:
            return unauthorized()
        viewer = as_uuid(row[0])
        limit = min(100, max(1, int(request.query_params.get("limit", "20"))))
        sanctums = [r[0] for r in await db.fetch(SANCTUMS_OF.format(db.mark(1)), [db.key(viewer)])]
        friend_sql = FRIENDS_OF.format(db.mark(1), db.mark(2))
        friends = [r[0] for r in await db.fetch(friend_sql, [db.key(viewer), db.key(viewer)])]
        authors = [db.key(viewer), *friends]
        sql = POSTS.format(
            sanctums=db.marks(1, len(sanctums)), authors=db.marks(1 + len(sanctums), len(authors)), limit=limit
        )
        posts = await db.fetch(sql, [*sanctums, *authors])
        people_ids = list({p[1] for p in posts if p[1] is not None})
        sanctum_ids = list({p[2] for p in posts if p[2] is not None})
        people = {
            as_uuid(u[0]): public(u) for u in await db.fetch(USERS.format(ids=db.marks(1, len(people_ids))), people_ids)
        }
        refs = {
            as_uuid(s[0]): {"id": str(as_uuid(s[0])), "slug": s[1], "name": s[2], "visibility": s[3]}
            for s in await db.fetch(SANCTUMS.format(ids=db.marks(1, len(sanctum_ids))), sanctum_ids)
        }
        ids = [p[0] for p in posts]
        counts = {
            c[0]: c
            for c in await db.fetch(COUNTS.format(viewer=db.mark(1), ids=db.marks(2, len(ids))), [db.key(viewer), *ids])
        }
        items = [
            {
                "id": p[0],
                "author": people.get(as_uuid(p[1])) if p[1] is not None else None,
                "sanctum": refs.get(as_uuid(p[2])) if p[2] is not None else None,
                "body": p[3],
                "html": p[4],
                "created_at": iso(p[5]),
                "edited_at": iso(p[6]),
                "like_count": int(counts[p[0]][1]),
                "comment_count": int(counts[p[0]][2]),
                "liked_by_me": bool(counts[p[0]][3]),
            }
            for p in posts
        ]
        return Response(orjson.dumps({"items": items, "next_before": None}), media_type="application/json")

    async def live(request: Request) -> Response:
        return Response(b'{"status":"ok"}', media_type="application/json")

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await db.start()
        yield

    return Starlette(
        routes=[Route("/api/users/me", me), Route("/api/feed", feed), Route("/health/ready", live)], lifespan=lifespan
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    app = build(Db(os.environ["DATABASE_URL"]), os.environ["SECRET_KEY"])
    time.sleep(0)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False, lifespan="on")


if __name__ == "__main__":
    main()
