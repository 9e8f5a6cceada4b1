"""Job queue benchmark (scaled mode): throughput of one worker and enqueue-to-done latency.

    .venv/bin/python bench/jobs.py --jobs 5000 --paced-jobs 1000 --runs 3 [--rate N] [--json out.json]

It starts a private PostgreSQL and Redis and `sanctum serve` through `_servers.sanctum_server` (all
pinned to `--server-cpus`), registers `--users` accounts, then starts ONE `sanctum worker` on the same
core. This process is the producer, pinned to `--client-cpus`: it queues `notifications.comment` jobs
through the app's own job queue code (each job creates one notification row and one logged realtime
event, the real work of a notification), with a unique comment id per job so none is deduplicated.

Per run, two phases:

- burst: `--jobs` jobs queued as fast as the producer can, then wait until the stream is drained
  (nothing pending, nothing unread by the group). Throughput = jobs / (first enqueue -> last done).
- paced: `--paced-jobs` jobs at `--rate` per second (default: half the burst throughput, so below
  saturation), and per job the latency from
  the producer's enqueue time to the notification's `created_at` written by the worker (one clock:
  same machine). p50 and p99.

The worker's CPU seconds per job come from /proc (utime + stime, before and after). It prints a markdown
table of the medians over `--runs`. Everything started is stopped on exit, error or Ctrl-C.
"""

# ruff: noqa: E402 - sys.path is fixed before the other imports (bench/http.py shadows `http`)
from __future__ import annotations

import sys
from pathlib import Path

_BENCH_DIR = str(Path(__file__).resolve().parent)
while _BENCH_DIR in sys.path:
    sys.path.remove(_BENCH_DIR)
sys.path.append(_BENCH_DIR)

import argparse
import asyncio
import json
import os
import statistics
import time
import uuid
from dataclasses import asdict, dataclass
from datetime import datetime

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from _servers import SANCTUM, SanctumServer, SetupError, install_signal_handlers, sanctum_server, spawn
from sanctum.db.database import Database
from sanctum.domains.notifications.notify import job_name
from sanctum.jobs.queue import TaskiqJobQueue
from sanctum.settings import JobSettings, Settings

JOB = job_name("comment")


@dataclass
class Run:
    jobs: int
    burst_seconds: float
    jobs_per_s: float
    worker_cpu_ms_per_job: float
    paced_rate: float
    p50_ms: float
    p99_ms: float


async def register(base_url: str, count: int) -> list[str]:
    """Register `count` accounts; their ids."""
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:

        async def one(i: int) -> str:
            name = f"jobbench{i}_{uuid.uuid4().hex[:6]}"
            body = {"username": name, "email": f"{name}@example.com", "password": "bench-password-42"}
            response = await client.post("/api/auth/register", json=body)
            response.raise_for_status()
            return str(response.json()["id"])

        ids: list[str] = []
        for start in range(0, count, 8):
            ids += await asyncio.gather(*(one(i) for i in range(start, min(count, start + 8))))
        return ids


def payload(users: list[str], n: int, post: str) -> dict[str, str]:
    to, by = users[n % len(users)], users[(n + 1) % len(users)]
    return {"to": to, "by": by, "post_id": post, "comment_id": f"{post[:12]}-{n}"}


async def run_once(
    queue: TaskiqJobQueue, database_url: str, users: list[str], args: argparse.Namespace, worker_cpu: callable
) -> Run:  # type: ignore[valid-type]
    post = uuid.uuid4().hex
    cpu_before = worker_cpu()
    started = time.perf_counter()
    for n in range(args.jobs):
        await queue.enqueue(JOB, payload(users, n, post))
    await queue.settle(within=args.settle_seconds, interval=0.005)
    burst = time.perf_counter() - started
    cpu = worker_cpu() - cpu_before

    paced_post = uuid.uuid4().hex
    sent: dict[str, float] = {}
    # Latency is measured below saturation: by default at half the throughput just measured.
    rate = args.rate if args.rate > 0 else max(1.0, args.jobs / burst / 2)
    interval = 1.0 / rate
    first = time.time()
    for n in range(args.paced_jobs):
        target = first + n * interval
        delay = target - time.time()
        if delay > 0:
            await asyncio.sleep(delay)
        body = payload(users, n, paced_post)
        sent[body["comment_id"]] = time.time()
        await queue.enqueue(JOB, body)
    await queue.settle(within=args.settle_seconds, interval=0.005)
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(
                text("SELECT data, created_at FROM notifications WHERE kind = 'comment' AND data LIKE :post"),
                {"post": f'%"post_id":"{paced_post}"%'},
            )
            latencies = sorted(
                (created.timestamp() - sent[json.loads(data)["comment_id"]]) * 1000 for data, created in rows.all()
            )
    finally:
        await engine.dispose()
    if len(latencies) != args.paced_jobs:
        raise SetupError(f"{len(latencies)} of {args.paced_jobs} paced jobs produced a notification")
    return Run(
        jobs=args.jobs,
        burst_seconds=burst,
        jobs_per_s=args.jobs / burst,
        worker_cpu_ms_per_job=cpu * 1000 / args.jobs,
        paced_rate=rate,
        p50_ms=latencies[len(latencies) // 2],
        p99_ms=latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
    )


async def measure(server: SanctumServer, args: argparse.Namespace) -> list[Run]:
    users = await register(server.base_url, args.users)
    worker = spawn(
        "worker",
        [str(SANCTUM), "worker"],
        log_path=server.workdir / "worker.log",
        env=server.env | {"JOBS__CONCURRENCY": str(args.concurrency)},
        cwd=server.workdir,
        cpus=args.server_cpus,
    )
    settings = Settings(_env_file=None, database_url=server.env["DATABASE_URL"], redis_url=server.env["REDIS_URL"])  # type: ignore[call-arg]
    db = Database(settings)
    queue = TaskiqJobQueue(JobSettings(in_app_worker=False), db, settings.redis_url)

    async def never_here(_: dict[str, object]) -> None:
        raise RuntimeError("this producer runs no jobs")

    queue.register(JOB, never_here)
    await queue.start(work=False)
    try:
        # The warm-up doubles as the check that the worker is up: its jobs must all finish.
        warm = argparse.Namespace(**{**vars(args), "jobs": min(200, args.jobs), "paced_jobs": 20, "settle_seconds": 60})
        try:
            await run_once(queue, settings.database_url, users, warm, worker.cpu_seconds)
        except TimeoutError:
            raise SetupError(f"the worker did not work the warm-up jobs:\n{worker.log_tail()}") from None
        runs = []
        for i in range(args.runs):
            run = await run_once(queue, settings.database_url, users, args, worker.cpu_seconds)
            print(f"  run {i + 1}: {run.jobs_per_s:.0f} jobs/s, p99 {run.p99_ms:.1f} ms", file=sys.stderr)
            runs.append(run)
        return runs
    finally:
        await queue.stop()
        await db.dispose()
        worker.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=5000, help="jobs per burst")
    parser.add_argument("--paced-jobs", type=int, default=1000, help="jobs per paced (latency) phase")
    parser.add_argument("--rate", type=float, default=0.0, help="paced jobs per second (0: half the burst rate)")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=20, help="the worker's concurrent jobs")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--settle-seconds", type=float, default=300, help="most a phase may take to drain")
    parser.add_argument("--server-cpus", default="0")
    parser.add_argument("--client-cpus", default="1")
    parser.add_argument("--json", type=Path, help="also write the runs here")
    args = parser.parse_args(argv)
    install_signal_handlers()
    if args.client_cpus:
        os.sched_setaffinity(0, {int(c) for c in args.client_cpus.split(",")})
    try:
        with sanctum_server("scaled", cpus=args.server_cpus) as server:
            runs = asyncio.run(measure(server, args))
    except SetupError as exc:
        print(f"benchmark failed: {exc}", file=sys.stderr)
        return 1

    def median(name: str) -> float:
        return float(statistics.median(getattr(run, name) for run in runs))

    print(
        f"`bench/jobs.py --jobs {args.jobs} --paced-jobs {args.paced_jobs} --rate {args.rate:g}` "
        f"(medians of {len(runs)} runs, one worker)\n"
    )
    print("| jobs/s (burst) | worker CPU ms/job | paced rate | enqueue->done p50 ms | p99 ms |")
    print("| --- | --- | --- | --- | --- |")
    print(
        f"| {median('jobs_per_s'):.0f} | {median('worker_cpu_ms_per_job'):.2f} | {median('paced_rate'):.0f}/s "
        f"| {median('p50_ms'):.1f} | {median('p99_ms'):.1f} |"
    )
    if args.json:
        args.json.write_text(
            json.dumps({"at": datetime.now().isoformat(), "runs": [asdict(r) for r in runs]}, indent=2)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
