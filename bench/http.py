"""HTTP benchmark: throughput, p50/p99 latency and server CPU per request of two endpoints.

    .venv/bin/python bench/http.py --mode both --duration 10 --concurrency 16 --runs 3 [--json out.json]

- `GET /api/users/me` with a bearer token: the cost of an authenticated request (JWT check, one
  session + user query, serialisation), at `--concurrency` connections;
- `POST /api/auth/login`: argon2id verification with the default parameters (the real cost, on
  purpose CPU bound) and a session write, at `--login-concurrency` connections.

For each mode it starts everything itself through `_servers.sanctum_server` (a temporary
directory; in scaled mode a private PostgreSQL and Redis), registers one user, then per endpoint
warms up and does `--runs` measured runs of `--duration` seconds with `wrk` (HTTP/1.1 keep-alive,
one thread, fixed number of connections). The server and its services are pinned to core
`--server-cpus`, wrk to `--client-cpus`. It prints a markdown table of the medians over the runs.

Per run it reads from /proc, before and after: the server's CPU time (utime + stime), that of
PostgreSQL and Redis, wrk's own CPU time, and the machine's CPU time that none of these account for
(other work on the machine, which would disturb the numbers). Peak RSS is the server's VmHWM over
an endpoint's warm-up and runs. Targets are only 127.0.0.1; every run is bounded by time
(`--duration`) and by count (`--max-requests`), and every process started is stopped on exit,
error or Ctrl-C.
"""

# ruff: noqa: E402 - sys.path is fixed before the other imports (see below)
from __future__ import annotations

import sys
from pathlib import Path

# This file shares its name with the standard library's `http` package, and Python puts the
# script's directory first on sys.path: move it last, so `import http.client` (httpx, _servers)
# finds the standard library and `import _servers` still finds ours.
_BENCH_DIR = str(Path(__file__).resolve().parent)
while _BENCH_DIR in sys.path:
    sys.path.remove(_BENCH_DIR)
sys.path.append(_BENCH_DIR)

import argparse
import json
import os
import platform
import re
import resource
import secrets
import shutil
import signal
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from _servers import (
    CLOCK_TICK,
    PG_BIN,
    REPO,
    Mode,
    SanctumServer,
    SetupError,
    free_port,
    http_status,
    install_signal_handlers,
    sanctum_server,
    spawn,
    stop_with_parent,
    wait_until,
)

USERNAME = "bench_user"
WRK_TIMEOUT = "30s"  # per request; far above any latency measured here, so a slow login is not an error
SETTLE_TIMEOUT = 10.0

# wrk's script: set the method, header and body from the arguments after `--`, stop a thread at its
# request cap, count responses other than 200, and print one JSON line with the results.
WRK_SCRIPT = r"""
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  wrk.method = args[1]
  cap = tonumber(args[2])
  if args[3] ~= "-" then wrk.headers["Authorization"] = args[3] end
  if args[4] ~= "-" then
    wrk.body = args[4]
    wrk.headers["Content-Type"] = "application/json"
  end
  seen, not_ok, capped = 0, 0, 0
end

function response(status, headers, body)
  seen = seen + 1
  if status ~= 200 then not_ok = not_ok + 1 end
  if seen >= cap then
    capped = 1
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local not_ok, capped = 0, 0
  for _, t in ipairs(threads) do
    not_ok = not_ok + t:get("not_ok")
    capped = math.max(capped, t:get("capped"))
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "not_ok": %d, "capped": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_us": {"p50": %d, "p90": %d, "p99": %d, "mean": %.1f, "max": %d}}\n',
    summary.requests, summary.duration, not_ok, capped,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.mean, latency.max))
end
"""


class BenchError(RuntimeError):
    pass


@dataclass(frozen=True)
class Endpoint:
    name: str  # as shown in the table
    method: str
    path: str
    concurrency: int


@dataclass
class Run:
    requests: int
    seconds: float
    req_per_s: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float
    server_cpu_s: float
    server_requests: int  # requests the server finished in the CPU window (from its /metrics)
    server_cpu_us_per_req: float
    server_core_pct: float  # server CPU time / wall time of the run
    services_cpu_us_per_req: float  # PostgreSQL + Redis; 0 in embedded mode
    client_core_pct: float  # wrk's CPU time / wall time: near 100 would mean wrk is the bottleneck
    other_cpu_pct: float  # machine CPU time used by none of the above (other work), in % of one core
    steal_pct: float  # time the hypervisor took from this VM, in % of one core
    not_ok: int  # responses other than 200
    socket_errors: int  # wrk's connect/read/write/timeout errors
    capped: bool  # stopped by --max-requests before --duration: req/s is then too low


@dataclass
class Result:
    mode: str
    endpoint: str
    concurrency: int
    req_per_s: float
    p50_ms: float
    p99_ms: float
    server_cpu_us_per_req: float
    server_core_pct: float
    services_cpu_us_per_req: float
    peak_rss_mb: float
    client_core_pct: float
    other_cpu_pct: float
    req_per_s_min: float
    req_per_s_max: float
    runs: list[Run]
    discarded: list[Run]  # runs measured again because other work took more than --max-other


# -- machine -----------------------------------------------------------------------------------------


def _machine_cpu_ticks() -> tuple[int, int]:
    """(user + nice + system, steal) over all CPUs from /proc/stat, in clock ticks."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, steal = int(fields[0]), int(fields[1]), int(fields[2]), int(fields[7])
    return user + nice + system, steal


def loadavg() -> tuple[float, float, float]:
    one, five, fifteen = Path("/proc/loadavg").read_text().split()[:3]
    return float(one), float(five), float(fifteen)


def _command_line(argv: list[str]) -> str:
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=10, check=False).stdout.strip()
    except OSError:
        return ""


def machine_info() -> dict[str, Any]:
    model = next(
        (line.split(":", 1)[1].strip() for line in _command_line(["lscpu"]).splitlines() if "Model name" in line), ""
    )
    mem_kib = int(Path("/proc/meminfo").read_text().split()[1])
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": len(os.sched_getaffinity(0)),
        "cpu_model": model,
        "memory_gib": round(mem_kib / 1024 / 1024, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "wrk": _command_line(["wrk", "--version"]).splitlines()[0] if shutil.which("wrk") else "",
        "postgres": _command_line([str(PG_BIN / "postgres"), "--version"]),
        "redis": _command_line(["redis-server", "--version"]),
        "commit": _command_line(["git", "-C", str(REPO), "describe", "--always", "--dirty"]),
        "loadavg_at_start": loadavg(),
    }


def wait_for_quiet_machine(max_load: float, max_wait: float) -> tuple[float, float, float]:
    """Wait (up to `max_wait` s) for the 1-minute load average to drop to `max_load`; return it."""
    deadline = time.monotonic() + max_wait
    load = loadavg()
    if load[0] > max_load:
        print(f"load average {load[0]:.2f} > {max_load}: waiting (at most {max_wait:g} s)", file=sys.stderr)
    while load[0] > max_load and time.monotonic() < deadline:
        time.sleep(15)
        load = loadavg()
    if load[0] > max_load:
        print(f"warning: measuring with load average {load[0]:.2f}", file=sys.stderr)
    return load


def machine_busy_pct(seconds: float = 2.0) -> float:
    """CPU time used on the whole machine over the next `seconds`, in % of one core."""
    busy0, _ = _machine_cpu_ticks()
    started = time.monotonic()
    time.sleep(seconds)
    busy1, _ = _machine_cpu_ticks()
    return (busy1 - busy0) * CLOCK_TICK / (time.monotonic() - started) * 100


def wait_for_quiet_cpu(max_busy: float, max_wait: float) -> float:
    """With our processes idle, wait (up to `max_wait` s) until other work uses at most `max_busy` % of a core.

    More telling than the load average between runs: that still counts our own previous run.
    """
    started = time.monotonic()
    busy = machine_busy_pct()
    said = -60.0
    while busy > max_busy and time.monotonic() - started < max_wait:
        if time.monotonic() - said >= 60:
            print(f"  other work uses {busy:.0f}% of a core: waiting (at most {max_wait:g} s)", file=sys.stderr)
            said = time.monotonic()
        time.sleep(5)
        busy = machine_busy_pct()
    return busy


# -- the server ------------------------------------------------------------------------------------


def _requests_served(client: httpx.Client | None, endpoint: Endpoint) -> int:
    """Requests to `endpoint` the server has finished, all statuses, from its Prometheus counter
    (None: a server without one, the floor; then wrk's own count is used)."""
    if client is None:
        return 0
    text = client.get("/metrics").text
    labels = f'method="{re.escape(endpoint.method)}",route="{re.escape(endpoint.path)}",status="\\d+"'
    pattern = re.compile(r"^http_requests_total\{" + labels + r"\} ([0-9.e+]+)$", re.MULTILINE)
    return int(sum(float(m.group(1)) for m in pattern.finditer(text)))


def settle(server: SanctumServer) -> None:
    """Wait until the server and its services use no CPU (in-flight requests of a run are done)."""
    deadline = time.monotonic() + SETTLE_TIMEOUT
    last = server.process.cpu_seconds() + server.services_cpu_seconds()
    while time.monotonic() < deadline:
        time.sleep(0.2)
        now = server.process.cpu_seconds() + server.services_cpu_seconds()
        if now - last < 0.015:  # at most one clock tick in 200 ms: idle
            return
        last = now


class BenchUser:
    """The one user of the benchmark, registered on a fresh server, and its tokens."""

    def __init__(self, client: httpx.Client) -> None:
        self.client = client
        self.password = f"Bench-{secrets.token_hex(8)}"
        body = {"username": USERNAME, "email": "bench@example.com", "password": self.password}
        response = client.post("/api/auth/register", json=body)
        if response.status_code != 201:
            raise BenchError(f"register: {response.status_code} {response.text}")
        response = client.post(
            "/api/auth/login", json={"login": USERNAME, "password": self.password, "refresh_token_delivery": "body"}
        )
        if response.status_code != 200:
            raise BenchError(f"login: {response.status_code} {response.text}")
        self.refresh_token: str = response.json()["refresh_token"]

    def seed_feed(self, posts: int) -> None:
        """A sanctum of the user's with `posts` posts, so a feed page has 20 posts to show."""
        authorization = {"Authorization": self.fresh_authorization()}
        made = self.client.post("/api/sanctums", json={"name": "Bench", "slug": "bench"}, headers=authorization)
        if made.status_code != 201:
            raise BenchError(f"create sanctum: {made.status_code} {made.text}")
        for i in range(posts):
            body = {"body": f"post {i} with a **little** markdown", "sanctum_id": made.json()["id"]}
            response = self.client.post("/api/posts", json=body, headers=authorization)
            if response.status_code != 201:
                raise BenchError(f"post: {response.status_code} {response.text}")

    def login_body(self) -> str:
        return json.dumps({"login": USERNAME, "password": self.password})

    def fresh_authorization(self) -> str:
        """`Bearer <access token>` valid for the next 15 minutes, checked on /api/users/me.

        Taken before each run, since waiting for a quiet machine can outlast a token. A refresh
        costs no argon2 hash, so it disturbs neither the next run nor the peak RSS.
        """
        response = self.client.post("/api/auth/refresh", json={"refresh_token": self.refresh_token})
        if response.status_code != 200:
            raise BenchError(f"refresh: {response.status_code} {response.text}")
        pair = response.json()
        self.refresh_token = pair["refresh_token"]
        authorization = f"Bearer {pair['access_token']}"
        me = self.client.get("/api/users/me", headers={"Authorization": authorization})
        if me.status_code != 200 or me.json()["username"] != USERNAME:
            raise BenchError(f"/api/users/me with a fresh token: {me.status_code} {me.text}")
        return authorization


# -- the load ----------------------------------------------------------------------------------------


@dataclass
class Load:
    """How wrk is run: the same for every endpoint and mode."""

    script: Path
    cpus: str | None
    max_requests: int

    def run(self, url: str, endpoint: Endpoint, seconds: float, *, authorization: str, body: str) -> dict[str, Any]:
        argv = ["wrk", "-t1", f"-c{endpoint.concurrency}", f"-d{seconds:g}s", f"--timeout={WRK_TIMEOUT}"]
        argv += ["-s", str(self.script), url + endpoint.path, "--"]
        argv += [endpoint.method, str(self.max_requests), authorization, body]
        if self.cpus:
            argv = ["taskset", "-c", self.cpus, *argv]
        try:
            done = subprocess.run(
                argv,
                capture_output=True,
                text=True,
                timeout=seconds + 60,
                check=False,
                preexec_fn=stop_with_parent(signal.SIGTERM, os.getpid()),
            )
        except subprocess.TimeoutExpired:
            raise BenchError(f"wrk did not finish within {seconds + 60:.0f}s") from None
        line = next((x for x in done.stdout.splitlines() if x.startswith("WRK_JSON ")), None)
        if done.returncode != 0 or line is None:
            raise BenchError(f"wrk failed (exit {done.returncode}):\n{done.stdout}\n{done.stderr}")
        result: dict[str, Any] = json.loads(line.removeprefix("WRK_JSON "))
        return result


def measure(
    server: SanctumServer, client: httpx.Client | None, load: Load, endpoint: Endpoint, seconds: float, **request: str
) -> Run:
    settle(server)
    served0 = _requests_served(client, endpoint)
    own0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    machine0, steal0 = _machine_cpu_ticks()
    window0 = time.monotonic()
    cpu0, services0 = server.process.cpu_seconds(), server.services_cpu_seconds()
    wrk = load.run(server.base_url, endpoint, seconds, **request)
    cpu_end_of_load = server.process.cpu_seconds()
    settle(server)  # let requests in flight when wrk stopped finish, and count them
    cpu1, services1 = server.process.cpu_seconds(), server.services_cpu_seconds()
    machine1, steal1 = _machine_cpu_ticks()
    window = time.monotonic() - window0  # the load and both settles: what /proc/stat covers
    own1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    served = _requests_served(client, endpoint) - served0 if client is not None else wrk["requests"]

    wall = wrk["duration_us"] / 1e6
    client_cpu = (own1.ru_utime + own1.ru_stime) - (own0.ru_utime + own0.ru_stime)  # wrk (and taskset)
    ours = (cpu1 - cpu0) + (services1 - services0) + client_cpu
    latency = wrk["latency_us"]
    errors = wrk["errors"]
    return Run(
        requests=wrk["requests"],
        seconds=wall,
        req_per_s=wrk["requests"] / wall,
        p50_ms=latency["p50"] / 1000,
        p90_ms=latency["p90"] / 1000,
        p99_ms=latency["p99"] / 1000,
        mean_ms=latency["mean"] / 1000,
        max_ms=latency["max"] / 1000,
        server_cpu_s=cpu1 - cpu0,
        server_requests=served,
        server_cpu_us_per_req=(cpu1 - cpu0) / max(served, 1) * 1e6,
        server_core_pct=(cpu_end_of_load - cpu0) / wall * 100,
        services_cpu_us_per_req=(services1 - services0) / max(served, 1) * 1e6,
        client_core_pct=client_cpu / wall * 100,
        other_cpu_pct=max(0.0, (machine1 - machine0) * CLOCK_TICK - ours) / window * 100,
        steal_pct=(steal1 - steal0) * CLOCK_TICK / window * 100,
        not_ok=wrk["not_ok"],
        socket_errors=errors["connect"] + errors["read"] + errors["write"] + errors["timeout"],
        capped=bool(wrk["capped"]),
    )


def bench_endpoint(
    server: SanctumServer,
    client: httpx.Client | None,
    load: Load,
    endpoint: Endpoint,
    args: argparse.Namespace,
    request: Callable[[], dict[str, str]],
) -> Result:
    """Warm-up, then `args.runs` runs; `request()` gives wrk's `authorization` and `body` for each."""
    rss_reset = server.process.reset_peak_rss()
    if not rss_reset:
        print("warning: cannot reset the server's peak RSS; it is the peak since start", file=sys.stderr)
    if args.warmup > 0:
        measure(server, client, load, endpoint, args.warmup, **request())
    runs: list[Run] = []
    discarded: list[Run] = []
    while len(runs) < args.runs:
        wait_for_quiet_cpu(args.max_other, args.load_wait)
        run = measure(server, client, load, endpoint, args.duration, **request())
        print(
            f"  {server.mode} {endpoint.name} run {len(runs) + 1}/{args.runs}: {run.req_per_s:.1f} req/s, "
            f"p50 {run.p50_ms:.2f} ms, p99 {run.p99_ms:.2f} ms, server {run.server_cpu_us_per_req:.0f} µs/req "
            f"({run.server_core_pct:.0f}% of a core), wrk {run.client_core_pct:.0f}%, other {run.other_cpu_pct:.0f}%",
            file=sys.stderr,
        )
        if run.not_ok or run.socket_errors or run.capped:
            print(
                f"  warning: {run.not_ok} non-200 responses, {run.socket_errors} socket errors"
                + (", stopped by --max-requests" if run.capped else ""),
                file=sys.stderr,
            )
        if run.other_cpu_pct > args.max_other and len(discarded) < args.retries:
            print(f"  other work took {run.other_cpu_pct:.0f}% of a core: measuring again", file=sys.stderr)
            discarded.append(run)
            continue
        runs.append(run)

    def median(name: str) -> float:
        return float(statistics.median(getattr(run, name) for run in runs))

    return Result(
        mode=server.mode,
        endpoint=endpoint.name if client is not None else f"{endpoint.name} (floor)",
        concurrency=endpoint.concurrency,
        req_per_s=median("req_per_s"),
        p50_ms=median("p50_ms"),
        p99_ms=median("p99_ms"),
        server_cpu_us_per_req=median("server_cpu_us_per_req"),
        server_core_pct=median("server_core_pct"),
        services_cpu_us_per_req=median("services_cpu_us_per_req"),
        peak_rss_mb=server.process.peak_rss_bytes() / 1024 / 1024,
        client_core_pct=median("client_core_pct"),
        other_cpu_pct=median("other_cpu_pct"),
        req_per_s_min=min(run.req_per_s for run in runs),
        req_per_s_max=max(run.req_per_s for run in runs),
        runs=runs,
        discarded=discarded,
    )


@contextmanager
def floor_server(server: SanctumServer, cpus: str | None) -> Iterator[SanctumServer]:
    """bench/baseline_http_server.py on `server`'s database and secret, pinned like it; stopped on exit."""
    port = free_port()
    argv = [
        str(REPO / ".venv" / "bin" / "python"),
        str(REPO / "bench" / "baseline_http_server.py"),
        "--port",
        str(port),
    ]
    proc = spawn("floor", argv, log_path=server.workdir / "floor.log", env=server.env, cwd=server.workdir, cpus=cpus)
    try:
        wait_until(lambda: http_status(port, "/health/ready") == 200, what="the floor server", proc=proc)
        yield SanctumServer(server.mode, port, proc, server.workdir, server.env, server.services)
    finally:
        proc.stop()


def bench_mode(mode: Mode, args: argparse.Namespace, load: Load) -> tuple[list[Result], tuple[float, ...]]:
    wait_for_quiet_cpu(args.max_other, args.load_wait)
    load_before = loadavg()
    print(f"{mode}: load average {load_before[0]:.2f}; starting the server", file=sys.stderr)
    me = Endpoint("GET /api/users/me", "GET", "/api/users/me", args.concurrency)
    feed = Endpoint("GET /api/feed", "GET", "/api/feed", args.concurrency)
    login_endpoint = Endpoint("POST /api/auth/login", "POST", "/api/auth/login", args.login_concurrency)
    with sanctum_server(mode, cpus=args.server_cpus or None) as server:
        with httpx.Client(base_url=server.base_url, trust_env=False, timeout=60) as client:
            user = BenchUser(client)

            user.seed_feed(args.posts)

            def me_request() -> dict[str, str]:
                return {"authorization": user.fresh_authorization(), "body": "-"}

            def login_request() -> dict[str, str]:
                return {"authorization": "-", "body": user.login_body()}

            results = [
                bench_endpoint(server, client, load, me, args, me_request),
                bench_endpoint(server, client, load, feed, args, me_request),
            ]
            if args.baseline:
                with floor_server(server, args.server_cpus or None) as floor:
                    results.append(bench_endpoint(floor, None, load, me, args, me_request))
                    results.append(bench_endpoint(floor, None, load, feed, args, me_request))
            if not args.skip_login:
                results.append(bench_endpoint(server, client, load, login_endpoint, args, login_request))
        if not server.process.alive():
            raise BenchError(f"the server died during the benchmark:\n{server.process.log_tail()}")
    return results, load_before


# -- output ------------------------------------------------------------------------------------------

COLUMNS = (
    "mode",
    "endpoint",
    "concurrency",
    "req/s",
    "p50 ms",
    "p99 ms",
    "server CPU µs/req",
    "server core %",
    "PG+Redis CPU µs/req",
    "peak RSS MB",
    "wrk core %",
    "other work core %",
)


def markdown_table(results: list[Result]) -> str:
    def row(r: Result) -> list[str]:
        return [
            r.mode,
            f"`{r.endpoint}`",
            str(r.concurrency),
            f"{r.req_per_s:,.0f}" if r.req_per_s >= 100 else f"{r.req_per_s:.1f}",
            f"{r.p50_ms:.2f}" if r.p50_ms < 100 else f"{r.p50_ms:.0f}",
            f"{r.p99_ms:.2f}" if r.p99_ms < 100 else f"{r.p99_ms:.0f}",
            f"{r.server_cpu_us_per_req:,.0f}",
            f"{r.server_core_pct:.0f}",
            f"{r.services_cpu_us_per_req:,.0f}" if r.mode == "scaled" else "-",
            f"{r.peak_rss_mb:.0f}",
            f"{r.client_core_pct:.0f}",
            f"{r.other_cpu_pct:.0f}",
        ]

    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "|".join(["---"] * 2 + ["--:"] * (len(COLUMNS) - 2)) + "|"]
    lines += ["| " + " | ".join(row(r)) + " |" for r in results]
    return "\n".join(lines)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Throughput, latency and server CPU per request of GET /api/users/me, GET /api/feed and "
        "POST /api/auth/login, and (--baseline) of the floor serving the same requests.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--mode", choices=["embedded", "scaled", "both"], default="both")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per measured run (1-600)")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of unmeasured load before the runs")
    parser.add_argument("--concurrency", type=int, default=16, help="connections for GET /api/users/me")
    parser.add_argument("--login-concurrency", type=int, default=4, help="connections for POST /api/auth/login")
    parser.add_argument("--runs", type=int, default=3, help="measured runs per endpoint; the table shows medians")
    parser.add_argument("--max-requests", type=int, default=2_000_000, help="hard cap on requests per run")
    parser.add_argument("--server-cpus", default="0", help="taskset CPU list for the server side ('' = no pinning)")
    parser.add_argument("--client-cpus", default="1", help="taskset CPU list for wrk ('' = no pinning)")
    parser.add_argument("--max-load", type=float, default=1.5, help="at start, wait while the 1-minute load is above")
    parser.add_argument(
        "--max-other",
        type=float,
        default=15.0,
        help="before each run wait, and after it measure again, while other work uses more than this %% of a core",
    )
    parser.add_argument("--retries", type=int, default=3, help="runs measured again because of other work, at most")
    parser.add_argument("--load-wait", type=float, default=300.0, help="seconds to wait for a quiet machine, at most")
    parser.add_argument("--json", type=Path, help="also write every run and the machine's details here")
    parser.add_argument("--posts", type=int, default=30, help="posts seeded in the user's sanctum for the feed")
    parser.add_argument(
        "--baseline",
        action="store_true",
        help="also measure the floor (bench/baseline_http_server.py: Starlette + the driver) on the same database",
    )
    parser.add_argument("--skip-login", action="store_true", help="do not measure POST /api/auth/login")
    args = parser.parse_args(argv)
    if not 1 <= args.duration <= 600 or not 0 <= args.warmup <= 600:
        parser.error("--duration must be within 1-600 s and --warmup within 0-600 s")
    if not 1 <= args.runs <= 20 or not 0 <= args.retries <= 20:
        parser.error("--runs must be within 1-20 and --retries within 0-20")
    if not 1 <= args.concurrency <= 1000 or not 1 <= args.login_concurrency <= 1000:
        parser.error("concurrency must be within 1-1000")
    if args.max_requests < 1:
        parser.error("--max-requests must be positive")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    install_signal_handlers()
    for program, package in (("wrk", "wrk"), ("taskset", "util-linux")):
        if shutil.which(program) is None:
            print(f"`{program}` not found: install it with `apt-get install {package}`", file=sys.stderr)
            return 2
    available = os.sched_getaffinity(0)
    for cpus in (args.server_cpus, args.client_cpus):
        if cpus and not {int(c) for c in re.findall(r"\d+", cpus)} <= available:
            print(f"CPU list {cpus!r} is not available here (have {sorted(available)})", file=sys.stderr)
            return 2
    wait_for_quiet_machine(args.max_load, args.load_wait)
    machine = machine_info()
    modes: list[Mode] = ["embedded", "scaled"] if args.mode == "both" else [args.mode]
    results: list[Result] = []
    loads: dict[str, tuple[float, ...]] = {}
    try:
        with _wrk_script() as script:
            load = Load(script, args.client_cpus or None, args.max_requests)
            for mode in modes:
                mode_results, loads[mode] = bench_mode(mode, args, load)
                results += mode_results
    except (SetupError, BenchError, httpx.HTTPError) as exc:
        print(f"benchmark failed: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted; every process started has been stopped", file=sys.stderr)
        return 130

    command = "bench/http.py " + " ".join(sys.argv[1:] if argv is None else argv)
    print(
        f"\n{machine['date']}; {machine['nproc']} x {machine['cpu_model']}, {machine['memory_gib']} GiB; "
        f"load average before each mode: " + ", ".join(f"{m} {v[0]:.2f}" for m, v in loads.items())
    )
    print(f"`{command}` (medians of {args.runs} runs of {args.duration:g} s after {args.warmup:g} s of warm-up)\n")
    print(markdown_table(results))
    if args.json:
        payload = {"command": command, "args": {k: str(v) for k, v in vars(args).items()}, "machine": machine}
        payload |= {"loadavg_before_mode": loads, "results": [asdict(r) for r in results]}
        args.json.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    disturbed = sum(run.other_cpu_pct > args.max_other for r in results for run in r.runs)
    if disturbed:
        print(f"\n{disturbed} run(s) kept although other work took more than {args.max_other:g}% of a core")
    failed = any(run.not_ok or run.socket_errors or run.capped for r in results for run in r.runs)
    if failed:
        print("\nsome runs had errors or hit --max-requests: see the warnings above", file=sys.stderr)
    return 1 if failed else 0


@contextmanager
def _wrk_script() -> Iterator[Path]:
    """wrk's Lua script in a temporary file, removed on exit."""
    handle, name = tempfile.mkstemp(prefix="sanctum-bench-", suffix=".lua")
    path = Path(name)
    try:
        with os.fdopen(handle, "w") as file:
            file.write(WRK_SCRIPT)
        yield path
    finally:
        path.unlink(missing_ok=True)


if __name__ == "__main__":
    sys.exit(main())
