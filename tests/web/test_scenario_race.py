"""A double click on a scenario step: parallel answers to the same step store one turn, the others
get 409, and the attempt stays playable to its report (SQLite and PostgreSQL)."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from casebook.accounts import add_user
from casebook.store.scenario_models import ScenarioAttempt, ScenarioTurn
from tests.stores import postgres_server, store_url  # noqa: F401 - fixtures

PARALLEL = 6


@pytest.fixture
def rapp(mini, store_url):
    from casebook.web import create_app
    app = create_app(root=mini, config={"TESTING": True, "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
                                         "DATABASE_URL": store_url})
    add_user(app.extensions["casebook.db"], "xiaoan", "correct-horse")
    yield app
    app.extensions["casebook.db"].dispose()


def _clients(app, n):
    first = app.test_client()
    assert first.post("/login", data={"username": "xiaoan", "password": "correct-horse"}).status_code == 302
    cookie = first.get_cookie("session").value
    out = []
    for _ in range(n):
        c = app.test_client()
        c.set_cookie("session", cookie)
        out.append(c)
    return out


def _race(clients, url, body_of):
    barrier, statuses = threading.Barrier(len(clients)), []

    def post(i, client):
        barrier.wait()
        statuses.append(client.post(url, json=body_of(i)).status_code)

    threads = [threading.Thread(target=post, args=(i, c)) for i, c in enumerate(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return sorted(statuses)


@pytest.mark.parametrize("with_step", [True, False])
def test_parallel_answers_to_one_step(rapp, with_step):
    clients = _clients(rapp, PARALLEL)
    started = clients[0].post("/api/scenarios/CASE-001/attempts").get_json()
    url = f"/api/scenario-attempts/{started['id']}/turns"

    def body(i):
        b = {"actions": ["delete_message", "warn_member"], "reply": f"您好，群内禁止发布广告，消息已删除。{i}"}
        return {**b, "step": "s1"} if with_step else b

    statuses = _race(clients, url, body)
    db = rapp.extensions["casebook.db"]
    with db.session() as s:
        steps = [t.step for t in s.scalars(select(ScenarioTurn).where(ScenarioTurn.attempt_id == started["id"]))]
    assert steps[0] == "s1" and len(steps) == len(set(steps))        # never the same step twice
    assert set(statuses) <= {200, 409} and statuses.count(200) == len(steps)
    if with_step:       # the client said which step it answers: exactly one answer to s1 wins
        assert statuses == [200] + [409] * (PARALLEL - 1), statuses
    # without `step`, an answer that arrives after the first one finished answers the next step
    # (it cannot be told from a real answer); that is why the pages always send `step`
    if len(steps) > 1:
        return
    # the attempt is still playable: the next step, then the report; a restart resumes cleanly
    view = clients[0].get(f"/api/scenario-attempts/{started['id']}").get_json()
    assert view["current_step"] not in (None, "s1") and not view["finished"]
    again = clients[1].post("/api/scenarios/CASE-001/attempts").get_json()
    assert again["id"] == started["id"] and again["current_step"] == view["current_step"]
    statuses = _race(clients[:3], url, lambda i: {"actions": [], "reply": "感谢您的配合！"})
    assert statuses == [200, 409, 409], statuses
    done = clients[0].get(f"/api/scenario-attempts/{started['id']}").get_json()
    assert done["finished"] and done["report"]["score"] >= 0
    with db.session() as s:
        attempt = s.get(ScenarioAttempt, started["id"])
        assert attempt.status == "finished" and len({t.step for t in attempt.turns}) == len(attempt.turns) == 2
    late = clients[2].post(url, json={"actions": [], "reply": "再来一次"})
    assert late.status_code == 409 and late.get_json()["message"]


def test_double_submitted_page_form_is_not_an_error(rapp):
    client = _clients(rapp, 1)[0]
    client.post("/scenarios/CASE-001/start")
    page = client.get("/scenarios/CASE-001").get_data(as_text=True)
    attempt_id = int(page.split("/scenarios/attempts/")[1].split("/")[0])
    form = {"step": "s1", "reply": "您好，群内禁止发布广告。", "actions": ["delete_message", "warn_member"]}
    assert client.post(f"/scenarios/attempts/{attempt_id}/answer", data=form).status_code == 302
    second = client.post(f"/scenarios/attempts/{attempt_id}/answer", data=form)
    assert second.status_code == 302
    assert "已经回答过了" in client.get(second.headers["Location"]).get_data(as_text=True)


def test_migration_repairs_attempts_broken_before(tmp_path):
    """An attempt with a step stored twice (the old race) keeps its first answer after upgrading."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine, text

    from casebook.store.database import MIGRATIONS
    url = f"sqlite:///{tmp_path / 'old.db'}"
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url)
    command.upgrade(config, "0004_scenarios")
    engine = create_engine(url)
    with engine.begin() as c:
        c.execute(text("INSERT INTO users (id, username, display_name, role, password_hash, active, created_at) "
                       "VALUES (1, 'u', 'u', 'agent', 'x', 1, '2026-01-01')"))
        c.execute(text("INSERT INTO scenario_attempts (id, user_id, case_id, status, current_step, time_scale, started_at) "
                       "VALUES (1, 1, 'CASE-001', 'active', 's2', 1, '2026-01-01')"))
        for i, reply in enumerate(["first", "second"]):
            c.execute(text("INSERT INTO scenario_turns (attempt_id, position, step, actions, reply, visibility, "
                           "real_seconds, minutes, created_at) VALUES (1, :p, 's1', '[]', :r, 'public', 0, 0, '2026-01-01')"),
                      {"p": i, "r": reply})
    command.upgrade(config, "heads")
    with engine.connect() as c:
        assert [r[0] for r in c.execute(text("SELECT reply FROM scenario_turns"))] == ["first"]
    engine.dispose()
