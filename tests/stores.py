"""Stores for the persistence tests: SQLite (a file per test) and a throwaway PostgreSQL server
started from Debian's `postgresql` package (one server per session, a database per test).

PostgreSQL failing to start is a test failure, never a silent skip. Which stores ran is printed at
the end of the session ("stores: sqlite, postgresql").
"""
from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile

import pytest

STORES_RAN: set[str] = set()
_counter = itertools.count(1)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        pytest.fail(f"PostgreSQL is not installed ({name} missing): run `make test` or apt-get install -y postgresql",
                    pytrace=False)
    return found[-1]


def _as_postgres(args: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *args]
    return args


@pytest.fixture(scope="session")
def postgres_server():
    """(host, port) of a fresh PostgreSQL server on 127.0.0.1, stopped after the session."""
    initdb, pg_ctl = _bin("initdb"), _bin("pg_ctl")
    data = tempfile.mkdtemp(prefix="casebook-pg-")
    if os.geteuid() == 0:
        shutil.chown(data, "postgres", "postgres")
    port = _free_port()
    run = lambda args: subprocess.run(_as_postgres(args), capture_output=True, text=True, timeout=120)  # noqa: E731
    result = run([initdb, "-D", f"{data}/db", "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"])
    if result.returncode:
        pytest.fail(f"initdb failed: {result.stderr}", pytrace=False)
    options = f"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
    result = run([pg_ctl, "-D", f"{data}/db", "-o", options, "-l", f"{data}/log", "-w", "-t", "60", "start"])
    if result.returncode:
        log = open(f"{data}/log").read() if os.path.exists(f"{data}/log") else ""
        pytest.fail(f"PostgreSQL did not start: {result.stderr}\n{log}", pytrace=False)
    try:
        yield "127.0.0.1", port
    finally:
        run([pg_ctl, "-D", f"{data}/db", "-m", "immediate", "stop"])
        shutil.rmtree(data, ignore_errors=True)


def new_postgres_database(server) -> str:
    import psycopg
    host, port = server
    name = f"casebook_test_{os.getpid()}_{next(_counter)}"
    with psycopg.connect(host=host, port=port, user="postgres", dbname="postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql+psycopg://postgres@{host}:{port}/{name}"


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    """A database URL for each store; persistence tests take this fixture to run on both."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'store.db'}"
    else:
        url = new_postgres_database(request.getfixturevalue("postgres_server"))
    STORES_RAN.add(request.param)
    return url


@pytest.fixture(scope="session")
def redis_server():
    """redis://127.0.0.1:<port>/0 of a fresh Redis started from Debian's `redis-server` (no
    persistence), stopped after the session. Failing to start is a test failure, never a skip."""
    from casebook.bench.load import LoadError, start_redis
    data = tempfile.mkdtemp(prefix="casebook-redis-")
    try:
        process, url = start_redis(data)
    except LoadError as exc:
        shutil.rmtree(data, ignore_errors=True)
        pytest.fail(f"{exc} — run `make test` or apt-get install -y redis-server", pytrace=False)
    try:
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(data, ignore_errors=True)
