"""The pure engines of issue 15: rescoring with overrides, per-kind kappa, agreement gates."""
from __future__ import annotations

import pytest

from casebook.scoring.rubric import Settings
from casebook.trust import agreement
from casebook.trust.agreement import Grade, gate, gates, tables
from casebook.trust.reports import effective
from casebook.trust.rescore import cap_source, rescore, without_kinds

ST = Settings(key_point=20, tone=10, late=16, worst_step_weight=0.5, cap_missing=35, cap_forbidden=30, cap_no_reply=40,
              cap_quoting=55)


def report():
    def c(step, kind, label, status, deduction=0.0):
        return {"step": step, "kind": kind, "label": label, "status": status, "weight": 1, "evidence": "",
                "rule": None, "deduction": deduction}
    return {"case": "CASE-001", "score": 35.0, "max": 100.0, "critical": [], "path": ["s1", "s2"], "raw": 80.0,
            "criteria": [c("s1", "required_actions", "执行 delete_message", "fail"),
                         c("s1", "key_points", "A", "fail", 20.0),
                         c("s1", "key_points", "B", "pass"),
                         c("s1", "response_time", "5 分钟内响应", "pass"),
                         c("s2", "key_points", "C", "fail", 20.0),
                         c("s2", "tone", "语气礼貌，不指责、不敷衍", "pass")],
            "caps": [{"step": "s1", "reason": "缺少必做动作：delete_message", "cap": 35.0, "rule": None}]}


def test_rescore_by_hand():
    r = report()
    assert rescore(r, {}, ST)["score"] == 35.0                      # both steps 80, capped at 35
    assert cap_source(r["caps"][0], r["criteria"]) == 0
    lifted = rescore(r, {0: "pass"}, ST)
    assert lifted["score"] == 80.0 and lifted["caps"] == [] and lifted["changed"] == [0]
    # s1 100, s2 80: 0.5 × mean 90 + 0.5 × worst 80
    assert rescore(r, {0: "pass", 1: "pass"}, ST)["score"] == 85.0
    # a trainer fails the tone the scorer passed: s2 loses 20 + 10 → 70; mean 85, worst 70
    assert rescore(r, {0: "pass", 1: "pass", 5: "fail"}, ST)["score"] == 77.5
    # late: s1 loses 16 → 84, s2 80: mean 82, worst 80
    assert rescore(r, {0: "pass", 1: "pass", 3: "fail"}, ST)["score"] == 81.0
    # failing an action the scorer passed adds its cap: 80 × … → min(raw, 35 % of 30 %)
    both = rescore(r, {0: "fail"} | {}, ST)
    assert both["score"] == 35.0
    assert rescore({**r, "critical": [{"step": "s1"}]}, {0: "pass", 1: "pass"}, ST)["score"] == 0.0
    with pytest.raises(ValueError):
        rescore(r, {9: "pass"}, ST)
    with pytest.raises(ValueError):
        rescore(r, {0: "maybe"}, ST)


def test_gated_kinds_leave_the_decision():
    r = report()
    out = without_kinds(r, {"key_points"}, {1: "pass"})
    assert out == {1: "pass", 2: "na", 4: "na"}                  # a trainer's verdict stands
    view = effective(r, {0: "pass"}, {"key_points"})
    assert view["score"] == 80.0 and view["needs_review"] == ["key_points"]
    assert view["decision_score"] == 100.0 and view["passed"]


def kappa_rows(kind, pairs, grader=1, start=0):
    return [Grade(start + i, 0, kind, a, grader, b) for i, (a, b) in enumerate(pairs)]


def test_kappa_and_gates_by_hand():
    # 5 criteria: observed 4/5 = 0.8; expected (3·2 + 2·3)/25 = 0.48; kappa = 0.32/0.52 = 0.615
    five = kappa_rows("tone", [("pass", "pass")] * 2 + [("pass", "fail")] + [("fail", "fail")] * 2)
    assert tables(five)["scorer"]["tone"]["kappa"] == pytest.approx(0.615, abs=1e-3)
    assert tables(five)["scorer"]["tone"]["label"] == "语气与礼仪"
    # 30 criteria: 20 agree pass, 5 agree fail, 5 scorer pass / trainer fail
    # observed 25/30; expected (25·20 + 5·10)/900 = 0.6111; kappa = (0.8333 − 0.6111)/0.3889 = 0.571 → closed
    low = kappa_rows("key_points", [("pass", "pass")] * 20 + [("fail", "fail")] * 5 + [("pass", "fail")] * 5)
    # 20 pass, 8 fail, 2 disagreements: observed 28/30; expected (22·20 + 8·10)/900 = 0.5778; kappa 0.842 → open
    high = kappa_rows("tone", [("pass", "pass")] * 20 + [("fail", "fail")] * 8 + [("pass", "fail")] * 2, start=100)
    found = {g.kind: g for g in gates(low + high)}
    assert found["key_points"].closed and found["key_points"].kappa == pytest.approx(0.5714, abs=1e-4)
    assert found["key_points"].state == "closed" and "需人工复核" in found["key_points"].reason
    assert not found["tone"].closed and found["tone"].kappa == pytest.approx(0.8421, abs=1e-4)
    # fewer than 30: no verdict yet, however low kappa is
    assert not gates(low[:29])[0].closed
    # both settings
    assert gates(low, min_kappa=0.5)[0].closed is False
    assert gates(low[-10:], min_n=10)[0].closed is True               # 5 agree fail, 5 not: kappa 0
    assert agreement.closed_kinds(gates(low + high)) == {"key_points"}
    assert gate("avoid", 40, None).closed


def test_trainer_trainer_kappa():
    # two trainers on the same 5 criteria of one attempt: the 5-item example above
    a = [Grade(1, i, "key_points", "pass", 7, s) for i, s in enumerate(["pass", "pass", "pass", "fail", "fail"])]
    b = [Grade(1, i, "key_points", "pass", 9, s) for i, s in enumerate(["pass", "pass", "fail", "fail", "fail"])]
    t = tables(a + b)
    assert t["trainers"]["key_points"]["n"] == 5
    assert t["trainers"]["key_points"]["kappa"] == pytest.approx(0.615, abs=1e-3)
    assert t["graders"] == 2 and t["attempts"] == 1 and t["grades"] == 10
    assert tables(a)["trainers"] == {}                            # one trainer: nothing to compare


def test_counts_give_the_same_figures_as_rows():
    import random
    from casebook.scoring.agreement import cohen_kappa
    rng = random.Random(3)
    rows = [Grade(a, c, rng.choice(["tone", "key_points"]), rng.choice(["pass", "fail"]), t,
                  rng.choice(["pass", "fail", "na"])) for a in range(20) for c in range(5) for t in (1, 2, 3)]
    rows = [r._replace(kind=["tone", "key_points"][r.criterion % 2]) for r in rows]
    by_kind = agreement.scorer_counts(rows)
    for kind, table in by_kind.items():
        a = [r.auto for r in rows if r.kind == kind]
        b = [r.status for r in rows if r.kind == kind]
        assert agreement.kappa_of(table) == pytest.approx(cohen_kappa(a, b))
    assert sum(sum(t.values()) for t in agreement.trainer_counts(rows).values()) == 20 * 5 * 3   # 3 pairs of 3 trainers
