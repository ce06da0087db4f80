"""`casebook bench load`: many agents sitting the exam at once against several app servers.

Starts its own stack on 127.0.0.1 (a throwaway PostgreSQL and Redis from Debian's packages, N app
server processes on one database), creates the agents, and runs a bounded thread per agent: each
starts within the same minute, signs in, starts the exam, saves answers with a short think time,
and submits. Requests go round-robin over the servers (what nginx does). Prints requests per
second, latency percentiles per request kind and overall, and every error. Only 127.0.0.1 is
ever contacted.
"""
from __future__ import annotations

import glob
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

CLI = [sys.executable, "-c", "from casebook.cli import main; main()"]
PASSWORD = "load-test-password-1"


class LoadError(RuntimeError):
    """The stack could not be started (a missing package, a server that did not answer)."""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


@dataclass
class Stack:
    """The processes this benchmark started, stopped in reverse order."""
    folder: Path
    database_url: str = ""
    redis_url: str = ""
    servers: list[str] = field(default_factory=list)
    _stops: list[Callable[[], None]] = field(default_factory=list)

    def stop(self) -> None:
        for stop in reversed(self._stops):
            try:
                stop()
            except Exception:  # noqa: BLE001 - best effort: stop the rest too
                pass
        shutil.rmtree(self.folder, ignore_errors=True)


def _postgres(stack: Stack) -> None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise LoadError("PostgreSQL is not installed: apt-get install -y postgresql")
    bin_dir = Path(found[-1]).parent
    data = stack.folder / "pg"
    data.mkdir()
    if os.geteuid() == 0:
        shutil.chown(stack.folder, "postgres", "postgres")
        shutil.chown(data, "postgres", "postgres")
    port = _free_port()

    def run(args):
        return subprocess.run(_as_postgres(args), capture_output=True, text=True, timeout=120)
    result = run([str(bin_dir / "initdb"), "-D", f"{data}/db", "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"])
    if result.returncode:
        raise LoadError(f"initdb failed: {result.stderr}")
    options = f"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300"
    result = run([str(bin_dir / "pg_ctl"), "-D", f"{data}/db", "-o", options, "-l", f"{data}/log", "-w", "start"])
    if result.returncode:
        raise LoadError(f"PostgreSQL did not start: {result.stderr}")
    stack._stops.append(lambda: run([str(bin_dir / "pg_ctl"), "-D", f"{data}/db", "-m", "immediate", "stop"]))
    import psycopg
    with psycopg.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres", autocommit=True) as conn:
        conn.execute('CREATE DATABASE "casebook_load"')
    stack.database_url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/casebook_load"


def start_redis(folder: str | Path) -> tuple[subprocess.Popen, str]:
    """Debian's redis-server on a free local port (no persistence, its log in folder/redis.log):
    (process, redis URL). LoadError, with the log, when it cannot start. Used by `casebook bench load`
    and by the test suite's Redis fixture."""
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not os.path.exists(binary):
        raise LoadError("redis-server is not installed: apt-get install -y redis-server")
    port = _free_port()
    logfile = Path(folder) / "redis.log"
    process = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                                "--dir", str(folder), "--protected-mode", "yes", "--logfile", str(logfile)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import redis
    client = redis.Redis(host="127.0.0.1", port=port)
    deadline = time.monotonic() + 30
    try:
        while True:
            try:
                client.ping()
                return process, f"redis://127.0.0.1:{port}/0"
            except redis.exceptions.ConnectionError:
                if process.poll() is not None or time.monotonic() > deadline:
                    process.kill()
                    log = logfile.read_text(errors="replace") if logfile.exists() else ""
                    raise LoadError(f"redis-server did not start (exit {process.poll()}): {log}")
                time.sleep(0.05)
    finally:
        client.close()


def _redis(stack: Stack) -> None:
    process, stack.redis_url = start_redis(stack.folder)
    stack._stops.append(lambda: (process.terminate(), process.wait(timeout=10)))


def _server(stack: Stack, root: Path, env: dict, threads: int, log: Callable[[str], None]) -> str:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    out = open(stack.folder / f"server-{port}.log", "wb")
    process = subprocess.Popen([*CLI, "serve", "--root", str(root), "--port", str(port), "--threads", str(threads),
                                "--workers", "1"], env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)

    def stop():
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        out.close()
    stack._stops.append(stop)
    import requests
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise LoadError(f"app server on :{port} exited: {(stack.folder / f'server-{port}.log').read_text()[-2000:]}")
        try:
            if requests.get(url + "/login", timeout=2).status_code == 200:
                log(f"app server ready on {url}")
                return url
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise LoadError(f"app server on :{port} did not answer in 300 s")


def start_stack(root: Path, servers: int, agents: int, threads: int, cache_file: Path,
                log: Callable[[str], None]) -> Stack:
    """PostgreSQL, Redis, the agents' accounts, the published search index and `servers` app processes."""
    stack = Stack(Path(tempfile.mkdtemp(prefix="casebook-load-")))
    try:
        _postgres(stack)
        _redis(stack)
        log(f"PostgreSQL and Redis started in {stack.folder}")
        from ..accounts import add_user, hash_password
        from ..search.index import build_index
        from ..store import Database, User
        database = Database(stack.database_url)
        database.migrate()
        add_user(database, "load0000", PASSWORD, "agent", "压测0")     # the real path once (checks, hashing)
        hashed = hash_password(PASSWORD)                                 # argon2 once for all the others
        with database.session() as session:
            session.add_all([User(username=f"load{i:04d}", password_hash=hashed, role="agent", display_name=f"压测{i}")
                             for i in range(1, agents)])
        build_index(root, database, show_progress=False, cache_file=cache_file)
        database.dispose()
        log(f"{agents} agent accounts created; search index published")
        # the servers' whole environment: this process's casebook package, the stack, nothing else
        import casebook
        env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(Path.home()), "LANG": "C.UTF-8",
               "PYTHONPATH": str(Path(casebook.__file__).resolve().parents[1]),
               "DATABASE_URL": stack.database_url, "CASEBOOK_REDIS_URL": stack.redis_url,
               "CASEBOOK_SECRET_KEY": "load-test-" + os.urandom(16).hex(), "OMP_NUM_THREADS": "1",
               "CASEBOOK_EMBEDDING_CACHE": str(cache_file)}
        for _ in range(servers):
            stack.servers.append(_server(stack, root, env, threads, log))
        return stack
    except BaseException:
        stack.stop()
        raise


@dataclass
class Sample:
    kind: str
    ms: float
    ok: bool
    detail: str = ""


class Agent:
    """One simulated agent: sign in, start the exam, answer, submit; every request recorded."""

    def __init__(self, number: int, servers: list[str], answers: int, think: tuple[float, float], samples: list,
                 lock: threading.Lock, rng: random.Random):
        import requests
        self.username = f"load{number:04d}"
        self.servers = servers
        self.turn = number
        self.answers = answers
        self.think = think
        self.samples = samples
        self.lock = lock
        self.rng = rng
        self.http = requests.Session()

    def _url(self) -> str:
        self.turn += 1
        return self.servers[self.turn % len(self.servers)]    # round-robin, like the load balancer

    def _call(self, kind: str, method: str, path: str, expect: tuple[int, ...], **kwargs):
        started = time.perf_counter()
        try:
            response = self.http.request(method, self._url() + path, timeout=60, allow_redirects=False, **kwargs)
            ok = response.status_code in expect
            detail = "" if ok else f"{kind}: HTTP {response.status_code} {response.text[:120]!r}"
        except Exception as exc:  # noqa: BLE001 - a refused or dropped connection is an error sample
            response, ok, detail = None, False, f"{kind}: {type(exc).__name__}: {exc}"
        with self.lock:
            self.samples.append(Sample(kind, (time.perf_counter() - started) * 1000, ok, detail))
        return response if ok else None

    def sign_in(self) -> bool:
        page = self._call("login page", "GET", "/login", (200,))
        if page is None:
            return False
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text) or \
            re.search(r'value="([^"]+)"[^>]*name="csrf_token"', page.text)
        return self._call("sign in", "POST", "/login", (302,), data={
            "username": self.username, "password": PASSWORD, "csrf_token": token.group(1) if token else ""}) is not None

    def exam(self) -> None:
        csrf = self._call("csrf token", "GET", "/api/csrf-token", (200,))
        if csrf is None:
            return
        headers = {"X-CSRFToken": csrf.json()["csrf_token"]}
        started = self._call("start exam", "POST", "/api/attempts", (201,), json={"kind": "exam"}, headers=headers)
        if started is None:
            return
        attempt = started.json()
        for item in attempt["items"][:self.answers]:
            time.sleep(self.rng.uniform(*self.think))
            self._call("save answer", "PUT", f"/api/attempts/{attempt['id']}/answers/{item['question_id']}", (200,),
                       json={"response": any_answer(item, self.rng)}, headers=headers)
        self._call("submit", "POST", f"/api/attempts/{attempt['id']}/submit", (200,), headers=headers)


def any_answer(item: dict, rng: random.Random) -> dict:
    """A valid response to a question of an attempt view (right or wrong, as agents answer)."""
    from ..content.question_types import QUESTION_TYPES
    return QUESTION_TYPES[item["question"]["type"]].sample_response(item["question"], rng)


def run_agents(servers: list[str], agents: int, ramp: float, answers: int, think: tuple[float, float],
               signin_ramp: float, seed: int = 16) -> tuple[list[Sample], list[Sample], float]:
    """Every agent in its own thread. First they sign in, spread over `signin_ramp` seconds (agents
    sign in before the exam begins); then each starts the exam at a random moment within `ramp`
    seconds, answers and submits. Returns the sign-in samples, the exam samples and the exam
    phase's duration."""
    lock = threading.Lock()
    rng = random.Random(seed)
    signin_samples: list[Sample] = []
    exam_samples: list[Sample] = []
    crew = [Agent(i, servers, answers, think, signin_samples, lock, random.Random(seed * 1000 + i)) for i in range(agents)]

    def phase(work, window: float) -> float:
        starts = sorted(rng.uniform(0, window) for _ in crew)
        t0 = time.perf_counter()

        def one(agent: Agent, start: float):
            time.sleep(start)
            work(agent)
        threads = [threading.Thread(target=one, args=(a, s), daemon=True) for a, s in zip(crew, starts)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return time.perf_counter() - t0

    signed = set()

    def sign_in(agent: Agent):
        if agent.sign_in():
            with lock:
                signed.add(agent.username)
    phase(sign_in, signin_ramp)
    for agent in crew:
        agent.samples = exam_samples

    def exam(agent: Agent):
        if agent.username in signed:
            agent.exam()
    seconds = phase(exam, ramp)
    return signin_samples, exam_samples, seconds


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, int(round(share * (len(ordered) - 1)))))
    return ordered[index]


def summarise(samples: list[Sample], seconds: float) -> dict:
    kinds = sorted({s.kind for s in samples}, key=lambda k: [s.kind for s in samples].index(k))
    rows = []
    for kind in [*kinds, "all"]:
        chosen = [s for s in samples if kind == "all" or s.kind == kind]
        ms = [s.ms for s in chosen]
        rows.append({"kind": kind, "requests": len(chosen), "errors": sum(not s.ok for s in chosen),
                     "p50_ms": round(percentile(ms, 0.50), 1), "p95_ms": round(percentile(ms, 0.95), 1),
                     "p99_ms": round(percentile(ms, 0.99), 1), "max_ms": round(max(ms, default=0.0), 1)})
    errors = [s.detail for s in samples if not s.ok]
    return {"seconds": round(seconds, 1), "requests": len(samples),
            "requests_per_second": round(len(samples) / seconds, 1) if seconds else 0.0,
            "errors": len(errors), "by_kind": rows, "first_errors": errors[:10]}


def format_summary(summary: dict, settings: dict, signin: dict | None = None) -> str:
    lines = [f"load: {settings['agents']} agents over {settings['servers']} app processes on PostgreSQL + Redis; "
             f"exam starts spread over {settings['ramp']:.0f} s, {settings['answers']} answers each, "
             f"think {settings['think'][0]:.1f}–{settings['think'][1]:.1f} s; load average before: {settings['load']}"]
    if signin is not None:
        row = signin["by_kind"][-1]
        lines.append(f"sign-in phase (before the exam, over {settings['signin_ramp']:.0f} s): {signin['requests']} requests, "
                     f"errors {signin['errors']}, p50 {row['p50_ms']} ms, p95 {row['p95_ms']} ms, p99 {row['p99_ms']} ms "
                     "(argon2 password checks)")
        lines += [f"  error: {e}" for e in signin["first_errors"]]
    lines += [f"exam phase: {summary['requests']} requests in {summary['seconds']} s = "
              f"{summary['requests_per_second']} requests/s; errors: {summary['errors']}",
             f"{'request':<14}{'n':>7}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}"]
    for row in summary["by_kind"]:
        lines.append(f"{row['kind']:<14}{row['requests']:>7}{row['errors']:>8}{row['p50_ms']:>9}{row['p95_ms']:>9}"
                     f"{row['p99_ms']:>9}{row['max_ms']:>9}")
    lines += [f"  error: {e}" for e in summary["first_errors"]]
    return "\n".join(lines)
