"""Two app servers behind one address: real processes with separate instance folders on one
PostgreSQL and one Redis (issue 16). Server A runs gunicorn with two workers, server B waitress.

Nothing here asserts a duration; how long the other server took to see an import is printed.
"""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from casebook.accounts import add_user
from casebook.search.index import build_index
from casebook.store import Database
from tests.conftest import MINI, REPO, copy_content
from tests.stores import new_postgres_database, postgres_server, redis_server  # noqa: F401 - fixtures
from tests.training_content import add_training_content

SECRET = "test-shared-secret-0123456789abcdef"
CLI = [sys.executable, "-c", "from casebook.cli import main; main()"]
IMPORT_CSV = """id,date,channel,category,problem,resolution,agent,rules
7001,2026-11-20,售后群,发票,顾客要开增值税专用发票但抬头写错了,作废原发票后按正确抬头重开并邮寄,客服小安,
"""


def _free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, name: str, root: Path, env: dict, workers: int):
        self.name, self.root, self.env, self.workers = name, root, env, workers
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = root.parent / f"{name}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        args = [*CLI, "serve", "--root", str(self.root), "--port", str(self.port), "--threads", "4",
                "--workers", str(self.workers)]
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(args, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"server {self.name} exited: {self.log.read_text()[-3000:]}", pytrace=False)
            try:
                if requests.get(self.url + "/login", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        pytest.fail(f"server {self.name} did not answer: {self.log.read_text()[-3000:]}", pytrace=False)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)      # the whole server, workers included
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, postgres_server, redis_server):  # noqa: F811
    base = tmp_path_factory.mktemp("cluster")
    url = new_postgres_database(postgres_server)
    env = {**os.environ, "DATABASE_URL": url, "CASEBOOK_REDIS_URL": redis_server, "CASEBOOK_SECRET_KEY": SECRET,
           "PYTHONPATH": str(REPO), "OMP_NUM_THREADS": "1", "CASEBOOK_SEARCH_POLL_SECONDS": "0.5",
           "CASEBOOK_EMBEDDING_CACHE": str(base / "embeddings.sqlite")}
    env.pop("CASEBOOK_WORKERS", None)
    roots = [add_training_content(copy_content(MINI, base / name)) for name in ("a", "b")]
    database = Database(url)
    database.migrate()
    for user, password in (("agent1", "password-1"), ("agent2", "password-2"), ("agent3", "password-3")):
        add_user(database, user, password, "agent", user)
    old = os.environ.get("CASEBOOK_EMBEDDING_CACHE")
    os.environ["CASEBOOK_EMBEDDING_CACHE"] = env["CASEBOOK_EMBEDDING_CACHE"]
    try:
        build_index(roots[0], database, show_progress=False,          # generation 1, in the database
                    cache_file=Path(env["CASEBOOK_EMBEDDING_CACHE"]))
    finally:
        os.environ.pop("CASEBOOK_EMBEDDING_CACHE") if old is None else os.environ.update(CASEBOOK_EMBEDDING_CACHE=old)
    servers = [Server("a", roots[0], env, workers=2), Server("b", roots[1], env, workers=1)]
    try:
        for server in servers:
            server.start()
        yield {"a": servers[0], "b": servers[1], "database": database, "env": env, "base": base}
    finally:
        for server in servers:
            server.stop()
        database.dispose()


def sign_in(http: requests.Session, server: Server, username: str, password: str) -> requests.Response:
    page = http.get(server.url + "/login", timeout=30)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text) or \
        re.search(r'value="([^"]+)"[^>]*name="csrf_token"', page.text)
    return http.post(server.url + "/login", data={"username": username, "password": password,
                                                  "csrf_token": token.group(1) if token else ""},
                     allow_redirects=False, timeout=30)


def csrf(http: requests.Session, server: Server) -> dict:
    return {"X-CSRFToken": http.get(server.url + "/api/csrf-token", timeout=30).json()["csrf_token"]}


def any_answer(item: dict) -> dict:
    """A valid response for any question of an attempt view (right or wrong does not matter here)."""
    import random

    from casebook.content.question_types import QUESTION_TYPES
    return QUESTION_TYPES[item["question"]["type"]].sample_response(item["question"], random.Random(16))


def test_a_session_signed_in_on_one_server_works_on_the_other(cluster):
    a, b = cluster["a"], cluster["b"]
    http = requests.Session()
    assert sign_in(http, a, "agent1", "password-1").status_code == 302
    me = http.get(b.url + "/api/me", timeout=30)
    assert me.status_code == 200 and me.json()["username"] == "agent1"
    # a write on B with the CSRF token A handed out (both sign with CASEBOOK_SECRET_KEY)
    started = http.post(b.url + "/api/attempts", json={"kind": "practice"}, headers=csrf(http, a), timeout=60)
    assert started.status_code == 201, started.text


def test_the_sign_in_rate_limit_is_shared(cluster):
    a, b = cluster["a"], cluster["b"]
    statuses = []
    for server in (a, a, a, b, b):          # "5 per minute" failed sign-ins per account, split over servers
        statuses.append(sign_in(requests.Session(), server, "agent3", "wrong-password").status_code)
    assert 429 not in statuses
    blocked = sign_in(requests.Session(), b, "agent3", "wrong-password")
    assert blocked.status_code == 429 and blocked.headers.get("Retry-After")


def test_a_resolution_imported_through_one_is_found_through_the_other(cluster):
    a, b = cluster["a"], cluster["b"]
    http = requests.Session()
    assert sign_in(http, b, "agent1", "password-1").status_code == 302
    query = {"q": "增值税发票抬头写错了", "kind": "resolution", "k": 3}
    before = http.get(b.url + "/api/search", params=query, timeout=60)
    assert before.status_code == 200 and "RES-7001" not in [h["id"] for h in before.json()["hits"]]
    csv_path = cluster["base"] / "import.csv"
    csv_path.write_text(IMPORT_CSV, encoding="utf-8")
    done = subprocess.run([*CLI, "resolutions", "import", "--root", str(a.root), str(csv_path)], env=cluster["env"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    imported = time.monotonic()
    found, waited = False, 0.0
    while not found and time.monotonic() - imported < 120:
        response = http.get(b.url + "/api/search", params=query, timeout=60)
        assert response.status_code in (200, 429), response.text      # 429: this poll is the searcher's limit
        hits = response.json().get("hits") or []
        found = bool(hits) and hits[0]["id"] == "RES-7001"
        waited = time.monotonic() - imported
        if not found:
            time.sleep(0.5)
    print(f"\nimport on A searchable on B after {waited:.2f} s")
    assert found
    hits_a = http.get(a.url + "/api/search", params=query, timeout=60).json()["hits"]
    assert hits_a and hits_a[0]["id"] == "RES-7001"


def test_an_exam_started_on_one_and_answered_on_the_other(cluster):
    a, b = cluster["a"], cluster["b"]
    http = requests.Session()
    assert sign_in(http, a, "agent1", "password-1").status_code == 302
    headers = csrf(http, a)
    started = http.post(a.url + "/api/attempts", json={"kind": "exam"}, headers=headers, timeout=60)
    assert started.status_code == 201, started.text
    attempt = started.json()
    on_b = http.get(f"{b.url}/api/attempts/{attempt['id']}", timeout=60).json()
    assert on_b["deadline"] == attempt["deadline"] and 0 < on_b["seconds_left"] <= attempt["seconds_left"]
    for i, item in enumerate(attempt["items"]):
        server = (a, b)[i % 2]
        saved = http.put(f"{server.url}/api/attempts/{attempt['id']}/answers/{item['question_id']}",
                         json={"response": any_answer(item)}, headers=headers, timeout=60)
        assert saved.status_code == 200, saved.text

    results: dict[str, int] = {}
    barrier = threading.Barrier(2)

    def submit(server):
        barrier.wait()
        results[server.name] = http.post(f"{server.url}/api/attempts/{attempt['id']}/submit", headers=headers,
                                         timeout=120).status_code
    threads = [threading.Thread(target=submit, args=(s,)) for s in (a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results.values()) == [200, 409]                # exactly one submission
    final = http.get(f"{b.url}/api/attempts/{attempt['id']}", timeout=60).json()
    assert final["submitted_at"] and final["deadline"] == attempt["deadline"]
    from sqlalchemy import func, select

    from casebook.store.training_models import Certificate
    with cluster["database"].session() as s:
        assert s.scalar(select(func.count()).select_from(Certificate)
                        .where(Certificate.attempt_id == attempt["id"])) <= 1


def test_killing_one_server_mid_exam_loses_no_saved_answer(cluster):
    a, b = cluster["a"], cluster["b"]
    http = requests.Session()
    assert sign_in(http, b, "agent2", "password-2").status_code == 302
    headers = csrf(http, b)
    attempt = http.post(b.url + "/api/attempts", json={"kind": "exam"}, headers=headers, timeout=60).json()
    answered = {}
    for item in attempt["items"][:-1]:             # all but the last, then the server dies
        response = any_answer(item)
        saved = http.put(f"{b.url}/api/attempts/{attempt['id']}/answers/{item['question_id']}",
                         json={"response": response}, headers=headers, timeout=60)
        assert saved.status_code == 200, saved.text
        answered[item["question_id"]] = response
    b.kill()
    view = http.get(f"{a.url}/api/attempts/{attempt['id']}", timeout=60)
    assert view.status_code == 200                   # the session and the attempt live on A too
    items = {i["question_id"]: i for i in view.json()["items"]}
    for question_id, response in answered.items():
        assert items[question_id]["response"] == response, items[question_id]
    last = attempt["items"][-1]
    saved = http.put(f"{a.url}/api/attempts/{attempt['id']}/answers/{last['question_id']}",
                     json={"response": any_answer(last)}, headers=headers, timeout=60)
    assert saved.status_code == 200
    done = http.post(f"{a.url}/api/attempts/{attempt['id']}/submit", headers=headers, timeout=120)
    assert done.status_code == 200 and done.json()["submitted_at"]
