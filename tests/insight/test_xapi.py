"""The training record as xAPI statements: every statement follows the rules (tests/insight/xapi_rules.py),
one registration per attempt, the cmi5 verbs in order; the validator itself rejects broken statements."""
from __future__ import annotations

import copy

import pytest

from casebook.insight import records, xapi
from tests.insight import xapi_rules
from tests.insight_data import seeded_app

ADL = "http://adlnet.gov/expapi/verbs/"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    yield from seeded_app(tmp_path_factory.mktemp("xapi"))


def _statements(app, user_id):
    from casebook.web.extensions import content
    with app.app_context():
        rec = records.record(app.extensions["casebook.db"], content(), user_id)
    return rec, xapi.statements(rec, "https://casebook.example.cn")


def test_every_statement_follows_the_rules(seeded):
    app, ids = seeded
    for name in ("agent1", "agent2", "agent3"):
        _rec, statements = _statements(app, ids[name])
        assert statements
        for s in statements:
            assert xapi_rules.problems(s) == [], s
        assert xapi_rules.sequence_problems(statements) == []


def test_statements_per_attempt(seeded):
    app, ids = seeded
    rec, statements = _statements(app, ids["agent1"])
    # agent1: two practice quizzes (5 answers each) and two scenario attempts (2 steps each)
    assert [a["kind"] for a in rec["attempts"]] == ["practice", "scenario", "practice", "scenario"]
    registrations = {}
    for s in statements:
        registrations.setdefault(s["context"]["registration"], []).append(s["verb"]["id"][len(ADL):])
    assert len(registrations) == 4
    verbs = sorted(registrations.values(), key=len)
    assert verbs[0] == ["initialized", "answered", "answered", "passed", "completed", "terminated"]   # scenario 90 / 75
    assert verbs[-1] == ["initialized"] + ["answered"] * 5 + ["completed", "terminated"]            # practice: no pass mark
    actor = statements[0]["actor"]
    assert actor == {"objectType": "Agent", "name": "客服甲",
                     "account": {"homePage": "https://casebook.example.cn", "name": "agent1"}}
    answered = [s for s in statements if s["verb"]["id"] == ADL + "answered"]
    matching = next(s for s in answered if s["object"]["id"].endswith("/questions/AAA-Q05"))
    assert matching["object"]["definition"]["interactionType"] == "matching"
    assert matching["result"] == {"response": "发广告 ↔ 撤回并警告；人身攻击 ↔ 禁言；诈骗 ↔ 移出群聊",
                                  "score": {"scaled": 1.0}, "success": True}
    step = next(s for s in answered if "/scenarios/CASE-001/steps/s1" in s["object"]["id"])
    assert step["object"]["definition"]["interactionType"] == "other"
    assert step["result"]["response"].startswith("您好，群内禁止发布广告。［动作：撤回消息、警告］")
    passed = [s for s in statements if s["verb"]["id"] == ADL + "passed"]
    assert sorted(s["result"]["score"]["scaled"] for s in passed) == [0.75, 0.9]
    assert all(s["result"]["duration"] == "PT360S" for s in passed)          # started 6 minutes before finishing
    # the same record exported twice gives the same statements (an LRS drops the duplicates)
    assert _statements(app, ids["agent1"])[1] == statements


def test_a_failed_scenario_is_failed(seeded):
    app, ids = seeded
    _rec, statements = _statements(app, ids["agent2"])
    failed = [s for s in statements if s["verb"]["id"] == ADL + "failed"]
    assert len(failed) == 1 and failed[0]["result"]["success"] is False and failed[0]["result"]["score"]["scaled"] == 0.4


def test_the_validator_rejects_broken_statements(seeded):
    app, ids = seeded
    _rec, statements = _statements(app, ids["agent2"])
    good = next(s for s in statements if s["verb"]["id"] == ADL + "failed")
    assert xapi_rules.problems(good) == []
    breakages = {
        "id must be a UUID": lambda s: s.update(id="42"),
        "verb.id must be an IRI": lambda s: s["verb"].update(id="failed"),
        "timestamp must be ISO 8601": lambda s: s.update(timestamp="2026-11-02 10:00"),
        "context.registration must be a UUID": lambda s: s["context"].update(registration="attempt-3"),
        "result.score.scaled must be in [-1, 1]": lambda s: s["result"]["score"].update(scaled=40),
        "a cmi5 defined statement needs the cmi5 category": lambda s: s["context"]["contextActivities"].update(category=[]),
        "actor needs exactly one identifier": lambda s: s["actor"].update(mbox="mailto:a@b.cn"),
        "result.duration must be an ISO 8601 duration": lambda s: s["result"].update(duration="6 minutes"),
        "failed needs result.success false": lambda s: s["result"].update(success=True),
    }
    for message, breaking in breakages.items():
        broken = copy.deepcopy(good)
        breaking(broken)
        assert any(p.startswith(message) for p in xapi_rules.problems(broken)), message
    answered = copy.deepcopy(next(s for s in statements if s["verb"]["id"] == ADL + "answered"))
    answered["context"]["contextActivities"] = {"category": [{"id": xapi_rules.CMI5_CATEGORY}]}
    assert "a cmi5 allowed statement must not carry the cmi5 category" in xapi_rules.problems(answered)
    assert xapi_rules.sequence_problems(statements[1:])           # the first attempt's initialized is missing
    assert xapi_rules.sequence_problems(statements + statements[:1])   # a repeated id, two initialized


def test_disputes_are_in_the_record_and_an_accepted_one_corrects_the_criterion(seeded):
    """Runs last in this module: it changes agent3's scenario attempt."""
    from casebook.store.scenario_models import ScenarioAttempt
    from casebook.trust import disputes
    app, ids = seeded
    db = app.extensions["casebook.db"]
    with db.session() as session:
        attempt = session.query(ScenarioAttempt).filter_by(user_id=ids["agent3"]).one()
        # criterion 2 is s1's key point, failed by the scorer; the agent contests it, the trainer agrees
        opened = disputes.open_scenario(session, attempt, ids["agent3"], 2, "我说了群内禁止广告")
        disputes.resolve(session, opened.id, ids["coach"], accept=True, reason="回复里说了")
    rec, statements = _statements(app, ids["agent3"])
    assert [(d["item"], d["status_label"], d["comment"]) for d in rec["disputes"]] == [("说明群内禁止广告", "已采纳", "我说了群内禁止广告")]
    scenario = next(a for a in rec["attempts"] if a["kind"] == "scenario")
    assert scenario["criteria"][2]["status"] == "pass"                # as the trainer corrected it
    rows = records.csv_rows(rec)
    dispute_row = next(r for r in rows if r["record"] == "申诉")
    assert dispute_row["status"] == "已采纳：回复里说了" and dispute_row["item_type"] == "要点传达"
    for s in statements:
        assert xapi_rules.problems(s) == [], s
    assert xapi_rules.sequence_problems(statements) == []
