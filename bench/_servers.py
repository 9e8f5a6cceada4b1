"""Start, measure and stop the processes a Sanctum benchmark needs. Shared by every script in bench/.

The entry point is `sanctum_server(mode)`, a context manager:

    with sanctum_server("scaled", cpus="0") as server:
        server.base_url             # http://127.0.0.1:<free port>
        server.process              # the `sanctum serve` process (a `Proc`)
        server.services             # [PostgreSQL, Redis] in scaled mode, [] in embedded mode

It makes a temporary directory and, in scaled mode, starts a private PostgreSQL and a private Redis
in it on free ports; it runs `sanctum migrate`, starts `sanctum serve` and waits until
`/health/ready` answers 200. On the way out - normal end, exception or Ctrl-C - it stops every
process it started, newest first, kills whatever is left in their process groups and removes the
directory. Every process is also told by the kernel to stop if this Python process dies
(PR_SET_PDEATHSIG), so not even `kill -9` of the benchmark leaves a server behind (only its
temporary directory, `sanctum-bench-*` in $TMPDIR). Call `install_signal_handlers()` first so that
SIGTERM and SIGHUP unwind like Ctrl-C.

The pieces are usable alone: `spawn()` starts any program pinned, in its own session and tied to
this process's life; `start_postgres()` / `start_redis()` start the services into an ExitStack;
`free_port()`, `wait_until()`, `http_status()` and `base_env()` help with the rest (a second
`sanctum serve` on the same services is `spawn(..., env=server.env, cwd=server.workdir)`).

A script in bench/ that imports this module must first move bench/ to the end of sys.path:
bench/http.py shadows the standard library's `http` package, which httpx and this module import.

Rules kept here so each benchmark does not have to:

- everything listens on 127.0.0.1 only, on ports picked free by the kernel;
- the server gets a minimal environment (no variables or `.env` leak in from the caller's shell):
  APP_ENV=production, a random 48-character SECRET_KEY, LOG_LEVEL=warning, DATABASE_URL,
  REDIS_URL, and, unless asked otherwise, rate limits (login, registration and every write) raised out of the
  way (`BENCH_RATE_LIMITS`) so the limiter never refuses the load;
- PostgreSQL runs with fsync=off: a benchmark has no data worth keeping, and the numbers then
  measure Sanctum, not this machine's disk. Everything else is PostgreSQL's default;
- `cpus="0"` pins the server and its services to core 0 with `taskset -c`, leaving the other
  core to the load generator.

Measurements read from /proc: `Proc.cpu_seconds()` (user + system time of the process, all of its
threads, its reaped children and its live descendants) and `Proc.peak_rss_bytes()` (VmHWM), which
`Proc.reset_peak_rss()` starts afresh (needs Linux >= 4.0 and the right to write
/proc/<pid>/clear_refs, i.e. the same user or root).
"""

from __future__ import annotations

import contextlib
import ctypes
import http.client
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Mode = Literal["embedded", "scaled"]

REPO = Path(__file__).resolve().parent.parent
SANCTUM = REPO / ".venv" / "bin" / "sanctum"
PG_BIN = Path(os.environ.get("SANCTUM_BENCH_PG_BIN", "/usr/lib/postgresql/15/bin"))
LOOPBACK = "127.0.0.1"
CLOCK_TICK = 1.0 / os.sysconf("SC_CLK_TCK")  # seconds per unit of utime/stime in /proc/<pid>/stat

# High enough that a benchmark never meets them; the limiter still runs, so its cost is measured.
BENCH_RATE_LIMITS = {
    "RATE_LIMITS__LOGIN_PER_IP": "1000000/minute",
    "RATE_LIMITS__LOGIN_PER_ACCOUNT": "1000000/minute",
    "RATE_LIMITS__REGISTER_PER_IP": "1000000/minute",
    # Every write limit times 1000 (chat messages: 2,000/s per account).
    "RATE_LIMITS__MULTIPLIER": "1000",
}

# The Debian package that provides each external program, for the error message when one is missing.
REQUIRED_PROGRAMS = {"taskset": "util-linux", "redis-server": "redis-server"}


class SetupError(RuntimeError):
    """Something the benchmark needs could not be started; the message says what and shows its log."""


# -- processes -------------------------------------------------------------------------------------

_libc = ctypes.CDLL(None, use_errno=True)
_PR_SET_PDEATHSIG = 1


def stop_with_parent(sig: int, parent: int) -> Callable[[], None]:
    """A `preexec_fn` that makes the kernel send `sig` to the child when this process dies."""

    def preexec() -> None:
        _libc.prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
        if os.getppid() != parent:  # the parent died between fork and prctl
            os._exit(1)

    return preexec


def _stat_fields(pid: int) -> list[str]:
    """Fields of /proc/<pid>/stat from field 3 (state) on: the name in parentheses may hold spaces."""
    raw = Path(f"/proc/{pid}/stat").read_text()
    return raw[raw.rindex(")") + 2 :].split()


def _ticks(fields: list[str], *, with_children: bool) -> int:
    # Fields 14-17 of proc(5): utime, stime, cutime, cstime; the list starts at field 3.
    own = int(fields[11]) + int(fields[12])
    return own + int(fields[13]) + int(fields[14]) if with_children else own


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, ValueError, IndexError):
            children.setdefault(int(_stat_fields(int(entry.name))[1]), []).append(int(entry.name))
    found, todo = [], list(children.get(pid, []))
    while todo:
        child = todo.pop()
        found.append(child)
        todo.extend(children.get(child, []))
    return found


def process_cpu_seconds(pid: int, *, tree: bool = True) -> float:
    """User + system CPU seconds of `pid` (all its threads, living and exited).

    With `tree`, also of its children that have exited and been reaped (cutime, cstime) and of its
    live descendants, so a forking server such as PostgreSQL is counted whole: a backend that exits
    between two readings moves from "live descendant" to its parent's cutime and is still counted.
    """
    total = _ticks(_stat_fields(pid), with_children=tree)
    if tree:
        for child in _descendants(pid):
            with contextlib.suppress(OSError, ValueError, IndexError):
                total += _ticks(_stat_fields(child), with_children=True)
    return total * CLOCK_TICK


def _status_kib(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise SetupError(f"/proc/{pid}/status has no {key}")


@dataclass
class Proc:
    """A process started by `spawn`: its own session and process group, output in `log_path`."""

    name: str
    popen: subprocess.Popen[bytes]
    log_path: Path
    stop_signal: int = signal.SIGTERM

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def cpu_seconds(self) -> float:
        """CPU seconds used so far by the process and its descendants (see `process_cpu_seconds`)."""
        return process_cpu_seconds(self.pid)

    def rss_bytes(self) -> int:
        return _status_kib(self.pid, "VmRSS") * 1024

    def peak_rss_bytes(self) -> int:
        """The process's peak resident set size (VmHWM) since start or the last `reset_peak_rss`."""
        return _status_kib(self.pid, "VmHWM") * 1024

    def reset_peak_rss(self) -> bool:
        """Make the current RSS the new peak. False if the kernel or our rights do not allow it."""
        try:
            Path(f"/proc/{self.pid}/clear_refs").write_text("5")
        except OSError:
            return False
        return True

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self, timeout: float = 20.0) -> None:
        """Ask politely with `stop_signal`, then SIGKILL; finally kill anything left in its group."""
        if self.popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                self.popen.send_signal(self.stop_signal)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.pid, signal.SIGKILL)
                self.popen.wait(5)
        # Its session is its own (start_new_session), so the group holds only what it started.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signal.SIGKILL)


def _pinned(argv: list[str], cpus: str | None) -> list[str]:
    return [_program("taskset"), "-c", cpus, *argv] if cpus else argv


def spawn(
    name: str,
    argv: list[str],
    *,
    log_path: Path,
    env: dict[str, str],
    cwd: Path,
    cpus: str | None = None,
    user: str | None = None,
    stop_signal: int = signal.SIGTERM,
) -> Proc:
    """Start `argv` in its own session, pinned to `cpus` (taskset syntax) and run as `user` if given.

    `taskset` execs the program, so the returned pid is the program's own. The caller owns the
    returned `Proc` and must `stop()` it (`sanctum_server` does, through an ExitStack).
    """
    with log_path.open("ab") as log:
        popen = subprocess.Popen(
            _pinned(argv, cpus),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=cwd,
            start_new_session=True,
            # preexec_fn is safe here: the benchmarks start processes from their only thread.
            preexec_fn=stop_with_parent(stop_signal, os.getpid()),
            **_as_user(user),
        )
    return Proc(name, popen, log_path, stop_signal)


def _as_user(user: str | None) -> dict[str, object]:
    return {} if user is None else {"user": user, "group": user, "extra_groups": []}


def _run(argv: list[str], *, what: str, env: dict[str, str], cwd: Path, user: str | None = None) -> str:
    """Run a setup command to completion; raise SetupError with its output if it fails."""
    try:
        done = subprocess.run(
            argv, env=env, cwd=cwd, capture_output=True, text=True, timeout=180, check=False, **_as_user(user)
        )
    except subprocess.TimeoutExpired as exc:
        raise SetupError(f"{what}: timed out after {exc.timeout:.0f}s") from None
    if done.returncode != 0:
        raise SetupError(f"{what} failed (exit {done.returncode}):\n{done.stdout}{done.stderr}")
    return done.stdout


def _program(name: str) -> str:
    path = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin:/usr/bin")
    if path is None:
        package = REQUIRED_PROGRAMS.get(name, name)
        raise SetupError(f"`{name}` not found: install it with `apt-get install {package}`")
    return path


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


def wait_until(check: Callable[[], bool], *, what: str, proc: Proc, timeout: float = 60.0) -> None:
    """Poll `check` until it is true; fail early, with the log, if `proc` exits meanwhile."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not proc.alive():
            raise SetupError(f"{proc.name} exited (code {proc.popen.returncode}) before {what}:\n{proc.log_tail()}")
        with contextlib.suppress(OSError, http.client.HTTPException):
            if check():
                return
        time.sleep(0.1)
    raise SetupError(f"{proc.name}: no {what} after {timeout:.0f}s:\n{proc.log_tail()}")


def http_status(port: int, path: str, timeout: float = 2.0) -> int:
    """Status of `GET http://127.0.0.1:<port><path>` (stdlib only, never through a proxy)."""
    conn = http.client.HTTPConnection(LOOPBACK, port, timeout=timeout)
    try:
        conn.request("GET", path)
        return conn.getresponse().status
    finally:
        conn.close()


def install_signal_handlers() -> None:
    """Turn SIGTERM and SIGHUP into SystemExit so `with` blocks clean up as they do on Ctrl-C."""

    def handler(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGHUP, handler)


def base_env(home: Path) -> dict[str, str]:
    """A minimal environment for child processes: nothing from the caller's shell but PATH."""
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "LANG": "C.UTF-8", "TZ": "UTC"}


# -- services --------------------------------------------------------------------------------------


def start_postgres(stack: contextlib.ExitStack, workdir: Path, *, cpus: str | None) -> tuple[Proc, str]:
    """A private PostgreSQL in `workdir/pg` on a free loopback port, trust auth, fsync=off.

    The postmaster is run directly (not through `pg_ctl start`, which detaches it) so that it is our
    child: pinned with taskset, measured through /proc and stopped by us. PostgreSQL refuses to run
    as root, so as root it runs as the `postgres` user that Debian's package creates.
    """
    for tool in ("initdb", "postgres", "pg_isready", "createdb"):
        if not (PG_BIN / tool).exists():
            raise SetupError(f"{PG_BIN / tool} not found: install PostgreSQL with `apt-get install postgresql`")
    user = "postgres" if os.geteuid() == 0 else None
    data = workdir / "pg"
    data.mkdir()
    if user:
        workdir.chmod(0o711)  # let the postgres user reach its data directory
        shutil.chown(data, user, user)
    env = base_env(workdir)
    _run(
        [
            str(PG_BIN / "initdb"),
            "-D",
            str(data),
            "-U",
            "sanctum",
            "--auth=trust",
            "--no-sync",
            "--no-locale",
            "-E",
            "UTF8",
        ],
        what="initdb",
        env=env,
        cwd=data,
        user=user,
    )
    port = free_port()
    settings = {
        "listen_addresses": LOOPBACK,
        "port": str(port),
        "unix_socket_directories": "",
        "fsync": "off",
    }
    argv = [str(PG_BIN / "postgres"), "-D", str(data)]
    for key, value in settings.items():
        argv += ["-c", f"{key}={value}"]
    # SIGINT is PostgreSQL's "fast shutdown": it ends open sessions instead of waiting for them.
    log_path = workdir / "postgres.log"
    proc = spawn(
        "postgres", argv, log_path=log_path, env=env, cwd=data, cpus=cpus, user=user, stop_signal=signal.SIGINT
    )
    stack.callback(proc.stop)
    isready = [str(PG_BIN / "pg_isready"), "-q", "-h", LOOPBACK, "-p", str(port), "-U", "sanctum"]
    wait_until(lambda: subprocess.run(isready, env=env, check=False).returncode == 0, what="readiness", proc=proc)
    _run(
        [str(PG_BIN / "createdb"), "-h", LOOPBACK, "-p", str(port), "-U", "sanctum", "sanctum"],
        what="createdb",
        env=env,
        cwd=workdir,
    )
    return proc, f"postgresql+asyncpg://sanctum@{LOOPBACK}:{port}/sanctum"


def _redis_pong(port: int) -> bool:
    with socket.create_connection((LOOPBACK, port), timeout=1.0) as sock:
        sock.sendall(b"PING\r\n")
        return sock.recv(16).startswith(b"+PONG")


def start_redis(stack: contextlib.ExitStack, workdir: Path, *, cpus: str | None) -> tuple[Proc, str]:
    """A private redis-server on a free loopback port, without persistence."""
    directory = workdir / "redis"
    directory.mkdir()
    port = free_port()
    argv = [_program("redis-server"), "--bind", LOOPBACK, "--port", str(port), "--protected-mode", "yes"]
    argv += ["--save", "", "--appendonly", "no", "--dir", str(directory), "--daemonize", "no"]
    proc = spawn("redis", argv, log_path=workdir / "redis.log", env=base_env(workdir), cwd=directory, cpus=cpus)
    stack.callback(proc.stop)
    wait_until(lambda: _redis_pong(port), what="PONG", proc=proc)
    return proc, f"redis://{LOOPBACK}:{port}/0"


# -- the server ------------------------------------------------------------------------------------


@dataclass
class SanctumServer:
    mode: Mode
    port: int
    process: Proc
    workdir: Path
    env: dict[str, str]
    services: list[Proc] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def services_cpu_seconds(self) -> float:
        """CPU seconds used so far by PostgreSQL (all backends) and Redis; 0 in embedded mode."""
        return sum(service.cpu_seconds() for service in self.services)


def sanctum_env(
    workdir: Path, database_url: str, redis_url: str | None, *, relax_rate_limits: bool = True
) -> dict[str, str]:
    env = base_env(workdir) | {
        "APP_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(36),  # 48 characters
        "LOG_LEVEL": "warning",
        "DATABASE_URL": database_url,
    }
    if redis_url:
        env["REDIS_URL"] = redis_url
    if relax_rate_limits:
        env |= BENCH_RATE_LIMITS
    return env


@contextlib.contextmanager
def sanctum_server(
    mode: Mode,
    *,
    cpus: str | None = "0",
    extra_env: dict[str, str] | None = None,
    relax_rate_limits: bool = True,
) -> Iterator[SanctumServer]:
    """Everything `mode` needs, started in a fresh temporary directory; all of it stopped on exit.

    `cpus` pins the server and its services (taskset syntax, None for no pinning). `extra_env` is
    added to the server's environment last, e.g. `{"DATABASE_POOL_SIZE": "20"}`.
    """
    if not SANCTUM.exists():
        raise SetupError(f"{SANCTUM} not found: run `make install` first")
    with contextlib.ExitStack() as stack:
        # Entered first, so removed last: after every process in it has stopped.
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix=f"sanctum-bench-{mode}-")))
        services: list[Proc] = []
        redis_url = None
        if mode == "scaled":
            postgres, database_url = start_postgres(stack, workdir, cpus=cpus)
            redis, redis_url = start_redis(stack, workdir, cpus=cpus)
            services = [postgres, redis]
        else:
            database_url = f"sqlite+aiosqlite:///{workdir / 'sanctum.db'}"
        env = sanctum_env(workdir, database_url, redis_url, relax_rate_limits=relax_rate_limits) | (extra_env or {})
        _run([str(SANCTUM), "migrate"], what="sanctum migrate", env=env, cwd=workdir)
        port = free_port()
        argv = [str(SANCTUM), "serve", "--host", LOOPBACK, "--port", str(port)]
        proc = spawn("sanctum", argv, log_path=workdir / "sanctum.log", env=env, cwd=workdir, cpus=cpus)
        stack.callback(proc.stop)
        wait_until(lambda: http_status(port, "/health/ready") == 200, what="200 from /health/ready", proc=proc)
        yield SanctumServer(mode=mode, port=port, process=proc, workdir=workdir, env=env, services=services)


def another_instance(stack: contextlib.ExitStack, server: SanctumServer, cpus: str | None = "0") -> tuple[Proc, int]:
    """One more `sanctum serve` on `server`'s database, Redis and secret key (scaled mode), stopped
    by `stack`; returns it and its port once /health/ready answers 200."""
    port = free_port()
    argv = [str(SANCTUM), "serve", "--host", LOOPBACK, "--port", str(port)]
    log_path = server.workdir / "sanctum-b.log"
    proc = spawn("sanctum-b", argv, log_path=log_path, env=server.env, cwd=server.workdir, cpus=cpus)
    stack.callback(proc.stop)
    wait_until(lambda: http_status(port, "/health/ready") == 200, what="200 from /health/ready", proc=proc)
    return proc, port
