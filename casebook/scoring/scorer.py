"""Score a transcript against a case's scenario: a weighted rubric per step, following branches."""
from __future__ import annotations

from dataclasses import dataclass

from ..content.checks import next_step
from . import critical as crit
from . import form, semantic, tone
from .rubric import (ACTION_RULES, AVOID_RULES, CRITICAL_RULES, FAIL, FORBID_RULES, KINDS, NA, PASS, TIME_RULES,
                     TONE_RULES, TONE_WEIGHTS, WEIGHTS, Criterion, CriticalFailure, Report, pick_rule, total)


class TranscriptError(ValueError):
    """A transcript that cannot be scored (wrong shape, wrong path)."""


@dataclass
class Turn:
    step: str
    actions: list[str]
    reply: str
    minutes: float


def _base(action: str) -> str:
    return action.split(":", 1)[0].strip()


def parse_transcript(data) -> list[Turn]:
    """Turns from {steps: [{step, actions, reply, minutes}]} (or the list itself)."""
    steps = data.get("steps") if isinstance(data, dict) else data
    if not isinstance(steps, list) or not steps:
        raise TranscriptError("the transcript needs `steps`: a non-empty list of {step, actions, reply, minutes}")
    turns = []
    for i, item in enumerate(steps, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("step"), str):
            raise TranscriptError(f"steps[{i}] needs a `step` id (text)")
        actions = item.get("actions") or []
        if not isinstance(actions, list) or not all(isinstance(a, str) for a in actions):
            raise TranscriptError(f"steps[{i}] `actions` must be a list of action names")
        reply = item.get("reply") or ""
        if not isinstance(reply, str):
            raise TranscriptError(f"steps[{i}] `reply` must be text")
        try:
            minutes = float(item.get("minutes", 0) or 0)
        except (TypeError, ValueError):
            raise TranscriptError(f"steps[{i}] `minutes` must be a number") from None
        if minutes < 0:
            raise TranscriptError(f"steps[{i}] `minutes` must not be negative")
        turns.append(Turn(item["step"], [a.strip() for a in actions], reply, minutes))
    return turns


def follow_path(scenario, turns: list[Turn], partial: bool = False) -> None:
    """Check that the turns follow the branches from the first step to an end."""
    from ..content.schema import ACTIONS
    by_id = {s.id: s for s in scenario.steps}
    expected = scenario.steps[0].id
    for i, turn in enumerate(turns, start=1):
        for action in turn.actions:
            if _base(action) not in ACTIONS:
                raise TranscriptError(f"steps[{i}]: unknown action '{action}' (known: {', '.join(ACTIONS)})")
        if expected is None:
            raise TranscriptError(f"steps[{i}] '{turn.step}': the scenario already ended at the step before")
        if turn.step != expected:
            raise TranscriptError(f"steps[{i}] is '{turn.step}' but the actions taken lead to '{expected}'")
        expected = next_step(by_id[turn.step], turn.actions)
    if expected is not None and not partial:
        raise TranscriptError(f"the transcript stops before the scenario ends (next step: '{expected}')")


def _taken(turn: Turn) -> list[str]:
    actions = list(turn.actions)
    if turn.reply.strip() and not {"reply", "private_message"} & {_base(a) for a in actions}:
        actions.append("reply")
    return actions


def _is_taken(required: str, actions: list[str]) -> tuple[bool, str]:
    bases = {_base(a) for a in actions}
    if ":" in required:
        if required in actions or required.replace(" ", "") in [a.replace(" ", "") for a in actions]:
            return True, f"已执行 {required}"
        others = [a for a in actions if _base(a) == _base(required)]
        if others:
            return False, f"执行了 {'、'.join(others)}，应为 {required}"
        return False, f"未执行 {required}"
    return (True, f"已执行 {required}") if _base(required) in bases else (False, f"未执行 {required}")


def score_step(case, step, turn: Turn, case_rules: list[str], real_time: bool = False) -> tuple[list[Criterion], list[CriticalFailure]]:
    expect = step.expect
    actions = _taken(turn)
    bases = {_base(a) for a in actions}
    reply = turn.reply.strip()
    public = "private_message" not in bases
    messages = [m.text for m in step.messages]
    out: list[Criterion] = []

    def add(kind, label, status, evidence, rule, weight=None):
        out.append(Criterion(step.id, kind, label, status, WEIGHTS[kind] if weight is None else weight, evidence, rule))

    # required actions
    for required in expect.actions:
        ok, evidence = _is_taken(required, actions)
        if ok and _base(required) in ("reply", "private_message") and not reply:
            ok, evidence = False, "执行了回复动作，但回复内容为空"
        add("required_actions", f"执行 {required}", PASS if ok else FAIL, evidence,
            pick_rule(ACTION_RULES.get(_base(required), []), case_rules))
    # forbidden actions
    if expect.forbid:
        hit = [f for f in expect.forbid if (f in actions if ":" in f else _base(f) in bases)]
        rule = pick_rule(ACTION_RULES.get(_base(hit[0]), []) + FORBID_RULES if hit else FORBID_RULES, case_rules)
        add("forbidden_actions", "未执行禁止动作（" + "、".join(expect.forbid) + "）", FAIL if hit else PASS,
            ("执行了禁止动作：" + "、".join(hit)) if hit else "未执行任何禁止动作", rule)
    # key points
    reply_expected = bool(expect.key_points) or bool({"reply", "private_message"} & {_base(a) for a in expect.actions})
    flags = form.gaming_flags(reply, expect.key_points, messages)
    sentences = semantic.split_sentences(reply)
    credited = [s for s in sentences if s not in form.echoed_sentences(sentences, messages)]
    matches = semantic.match_points(expect.key_points, credited) if credited and not flags else []
    for i, point in enumerate(expect.key_points):
        rule = _point_rule(point, case_rules)
        if not reply:
            add("key_points", point, FAIL, "没有回复内容", rule)
        elif flags:
            add("key_points", point, FAIL, "；".join(flags), rule)
        else:
            m = matches[i] if matches else None
            if m is None or m.sentence is None:
                add("key_points", point, FAIL, "回复中没有可对应的句子", rule)
            else:
                ok = m.combined >= semantic.KEY_POINT_THRESHOLD
                verdict = "表达了该要点" if ok else "未充分表达该要点"
                numbers = semantic.missing_numbers(point, reply)
                if ok and numbers:
                    ok, verdict = False, "但没有给出要点中的具体数字/时间：" + "、".join(numbers)
                if ok and tone.APOLOGY_POINT.search(point) and not tone.apologises(reply):
                    ok, verdict = False, "但回复中没有致歉"
                add("key_points", point, PASS if ok else FAIL,
                    f"最接近的句子：“{m.sentence}”（语义相似度 {m.similarity:.2f}，字面覆盖 {m.coverage:.2f}，"
                    f"综合 {m.combined:.3f}，阈值 {semantic.KEY_POINT_THRESHOLD:.3f}）{verdict}", rule)
    # words to avoid
    if expect.avoid:
        if not reply:
            add("avoid", "未使用禁用语", NA, "没有回复内容", pick_rule(AVOID_RULES, case_rules))
        else:
            hit = [w for w in expect.avoid if w in reply]
            add("avoid", "未使用禁用语（" + "、".join(expect.avoid) + "）", FAIL if hit else PASS,
                ("回复中出现：" + "、".join(hit)) if hit else "未出现禁用语", pick_rule(AVOID_RULES, case_rules))
    # tone and etiquette
    if reply or reply_expected:
        if not reply:
            add("tone", "语气礼貌，不指责、不敷衍", NA, "没有回复内容", pick_rule(TONE_RULES["polite"], case_rules))
            add("tone", "称呼“您”", FAIL, "应回复成员却没有回复", pick_rule(TONE_RULES["honorific"], case_rules), weight=TONE_WEIGHTS["honorific"])
        else:
            rude = tone.rude_phrases(reply)
            add("tone", "语气礼貌，不指责、不敷衍", FAIL if rude else PASS,
                ("出现" + "、".join(f"{label}用语“{p}”" for label, p in rude)) if rude else "未发现粗鲁、指责或敷衍的说法",
                pick_rule(TONE_RULES["polite"], case_rules))
            stuffed = [f for f in flags if "堆砌" in f or "照搬" in f]
            ok = tone.uses_honorific(reply) and not stuffed
            add("tone", "称呼“您”", PASS if ok else FAIL,
                "使用了“您”" if ok else ("；".join(stuffed) if stuffed else "没有使用“您”"),
                pick_rule(TONE_RULES["honorific"], case_rules), weight=TONE_WEIGHTS["honorific"])
        why = tone.apology_expected(messages, expect.key_points)
        if why:
            ok = bool(reply) and tone.apologises(reply) and not flags
            add("tone", "致歉或共情", PASS if ok else FAIL,
                (why + "，回复中已致歉") if ok else (why + "，但回复中没有致歉"), pick_rule(TONE_RULES["apology"], case_rules),
                weight=TONE_WEIGHTS["apology"])
    # response time
    minutes = turn.minutes
    scale = case.scenario.time_scale if real_time else 1.0
    simulated = minutes * scale
    shown = f"{simulated:.1f} 分钟" + (f"（实际 {minutes:.1f} 分钟 × 时间倍率 {scale:g}）" if real_time and scale != 1 else "")
    ok = simulated <= step.time_limit_min
    add("response_time", f"{step.time_limit_min:g} 分钟内响应", PASS if ok else FAIL,
        f"用时 {shown}，时限 {step.time_limit_min:g} 分钟", pick_rule(TIME_RULES, case_rules))
    # critical failures
    failures = [CriticalFailure(step.id, c.reason, c.evidence, pick_rule(CRITICAL_RULES[c.rule_hint], case_rules))
                for c in crit.check_reply(reply, public)]
    return out, failures


_rule_texts: dict[str, str] = {}


def _point_rule(point: str, case_rules: list[str]) -> str | None:
    """The case rule closest in meaning to a key point (titles from the rulebook, when known)."""
    candidates = [r for r in case_rules if r in _rule_texts]
    if not candidates:
        return case_rules[0] if case_rules else None
    q = semantic._embed([point], "query")
    p = semantic._embed([_rule_texts[r] for r in candidates], "passage")
    return candidates[int((q @ p.T)[0].argmax())]


def register_rules(rules: dict) -> None:
    """Give the scorer the rulebook (id -> rule with title/statement) to link key points to rules."""
    for rule_id, rule in rules.items():
        _rule_texts[rule_id] = getattr(rule, "title", "") or rule_id


def score(case, transcript, *, real_time: bool = False, partial: bool = False) -> Report:
    """Score a transcript ({steps: [...]}, a list of dicts, or a list of Turns) against the case's scenario."""
    if case.scenario is None:
        raise TranscriptError(f"{case.id} has no scenario")
    turns = transcript if transcript and isinstance(transcript, list) and isinstance(transcript[0], Turn) \
        else parse_transcript(transcript)
    follow_path(case.scenario, turns, partial=partial)
    by_id = {s.id: s for s in case.scenario.steps}
    criteria: list[Criterion] = []
    failures: list[CriticalFailure] = []
    for turn in turns:
        c, f = score_step(case, by_id[turn.step], turn, list(case.rules), real_time=real_time)
        criteria += c
        failures += f
    raw = total(criteria)
    report = Report(case.id, 0.0 if failures else raw, 100.0, criteria, failures, path=[t.step for t in turns])
    report.comment = comment(report)
    return report


def score_golden(case, golden) -> Report:
    steps = [{"step": s.step, "actions": list(s.actions), "reply": s.reply, "minutes": s.minutes} for s in golden.steps]
    return score(case, {"steps": steps})


ADVICE = {
    "required_actions": "按流程完成必做动作",
    "forbidden_actions": "避免禁止动作，按处罚阶梯逐级处理",
    "key_points": "把要点讲清楚",
    "avoid": "去掉不该出现的说法",
    "tone": "注意语气和礼仪",
    "response_time": "在时限内响应",
}


def comment(report: Report) -> str:
    """An overall comment naming the two most important things to improve."""
    items: list[str] = []
    for failure in report.critical:
        items.append(f"严重问题（{failure.step}）：{failure.reason}——“{failure.evidence}”，本次练习记 0 分")
    failed = [c for c in report.criteria if c.status == FAIL]
    failed.sort(key=lambda c: -c.weight)
    seen: set[tuple[str, str]] = set()
    for c in failed:
        key = (c.kind, c.step) if c.kind != "key_points" else (c.kind, c.step)
        if key in seen:
            continue
        seen.add(key)
        if c.kind == "key_points":
            points = [x.label for x in failed if x.kind == "key_points" and x.step == c.step]
            items.append(f"{ADVICE[c.kind]}（{c.step}）：" + "；".join(points))
        else:
            items.append(f"{ADVICE[c.kind]}（{c.step}）：{c.label}——{c.evidence}")
    if not items:
        return f"得分 {report.score:g}。处理到位：动作、要点、语气和时效都符合要求。"
    head = f"得分 {report.score:g}。最需要改进的两点："
    return head + " ① " + items[0] + (" ② " + items[1] if len(items) > 1 else "")
