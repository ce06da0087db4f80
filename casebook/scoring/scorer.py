"""Score a transcript against a case's scenario, the way a trainer grades it.

Two passes. `analyse` reads each step once — actions taken, the key points each clause of the reply
conveys (matcher.py), tone, time, quoting, and critical failures (critical.py) — into facts.
`aggregate` turns the facts into a 0-100 score with the figures in `Settings`:

- actions dominate: a forbidden action, a missing required action or a missing reply caps the whole
  transcript (the report says so first);
- otherwise each step starts at 100 and loses a deduction per key point not conveyed, per tone or
  wording problem and for answering late; the transcript's score blends the mean and the worst step;
- any critical failure (personal data in public, unauthorised money, asking for payment or a code,
  insults) sets the score to the critical score, with the sentence as evidence.

Pure: `Scorer(project)` takes everything it cites from content (rules, cases/scoring/rubric.yml);
no module-level registry.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from ..content.checks import next_step
from . import form, learned, semantic, text, tone
from .critical import (HR_TOPIC, MONEY_OBJECT, Critical, MeaningDetector, by_pattern, colleague_pattern, deferred,
                       hr_topic, only_warns, staff_named)
from .matcher import MatchModel, PointMatch, PointMatcher, background_for, spans_of
from .rubric import (ESSENTIAL_MISSED, FAIL, FEW_POINTS, NA, PASS, WEIGHTS, Cap, Criterion, CriticalFailure,
                     PossibleCritical, Report, Settings, pick_rule, step_score, transcript_score)

#: Chosen on the tuning split (`casebook scenario tune`); see README "How valid is the score".
SETTINGS = Settings(key_point=25, key_point_max=60, tone=10, late=10, worst_step_weight=0.5, cap_forbidden=35,
                    cap_missing=55, cap_form=55, cap_late=65, cap_quoting=55, quote_min_letters=12, cap_opposite=30,
                    cap_long=60, cap_few_points=100, few_points_share=0.0, cap_near_miss=80, near_miss_sim=0.90,
                    cap_essential=65,
                    critical_sim=0.93, critical_margin=0.03, contra_sim=0.93, contra_coverage=0.5,
                    contra_label_sim=0.96, contra_max_prob=1.01, contra_threshold=0.7, reversal_threshold=0.6,
                    review_margin=0.01, learned_review=0.5)
MODEL = MatchModel(weights=(30.461, 24.118, 4.538, -1.348, -2.201, 8.379), bias=-26.925)
#: For key points with labelled example wordings (matcher.FEATURES_EX).
MODEL_EXAMPLES: MatchModel | None = MatchModel(weights=(10.653, 31.752, 9.239, -1.174, -1.18, 3.896, -20.136),
                                               bias=-11.88)

#: Whether a point the reply does not convey is contradicted (matcher.CONTRA_FEATURES), fitted by
#: `casebook scenario tune` on blind contradiction labels; its threshold is SETTINGS.contra_threshold.
CONTRA_MODEL: MatchModel | None = MatchModel(
    weights=(53.581, 14.787, 48.5, -1.557, 0.0, -5.1, 0.559, 0.523, 7.929, -2.272, -0.16), bias=-63.302)

#: Whether the span the matcher credits with a point says the point the other way round
#: (matcher.REVERSAL_FEATURES), fitted by `casebook scenario tune` on the same blind contradiction labels;
#: its threshold is SETTINGS.reversal_threshold.
REVERSAL_MODEL: MatchModel | None = MatchModel(
    weights=(7.382, 5.705, 18.733, 0.71, 0.069, -4.051, 1.257, 0.662, 4.002, -6.97, 1.146, -1.531, 4.737),
    bias=-12.149)

#: Staff in a case's cast: their messages (and internal ones) are meant to be relayed, not "quoted".
STAFF_ROLES = {"agent", "moderator"}
INTERNAL = re.compile(r"^\s*[（(](?:内部|工作群|内部群)")
PRIVATE = re.compile(r"^\s*[（(]私聊")


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
        if minutes < 0 or minutes != minutes:
            raise TranscriptError(f"steps[{i}] `minutes` must be a number ≥ 0")
        turns.append(Turn(item["step"], [a.strip() for a in actions], reply, minutes))
    return turns


def checked_turns(case, transcript, partial: bool = False) -> list[Turn]:
    """The turns of a transcript of `case`, after checking its shape and its path through the scenario
    (TranscriptError with the reason otherwise); nothing is scored."""
    if case.scenario is None:
        raise TranscriptError(f"{case.id} has no scenario")
    turns = transcript if transcript and isinstance(transcript, list) and isinstance(transcript[0], Turn) \
        else parse_transcript(transcript)
    follow_path(case.scenario, turns, partial=partial)
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
        if required.replace(" ", "") in [a.replace(" ", "") for a in actions]:
            return True, f"已执行 {required}"
        others = [a for a in actions if _base(a) == _base(required)]
        if others:
            return False, f"执行了 {'、'.join(others)}，应为 {required}"
        return False, f"未执行 {required}"
    return (True, f"已执行 {required}") if _base(required) in bases else (False, f"未执行 {required}")


def _uses_phrase(reply: str, phrase: str) -> bool:
    """The agent says a phrase the case lists under `avoid` — not quoting it to correct it
    (“比母乳还好”的说法不对) and not denying it (没法先发货 does not promise 先发货)."""
    for m in re.finditer(re.escape(phrase), reply):
        before = reply[:m.start()]
        if before.count("“") + before.count("「") + before.count('"') % 2 > before.count("”") + before.count("」"):
            continue
        clause = re.split(r"[，,。！!？?；;\n]", before)[-1]
        if text.negated(clause) and not text.negated(phrase):
            continue
        if POTENTIAL_NEGATION.match(reply, m.end()) and not text.negated(phrase):
            continue  # 这个我保证不了: a potential complement denies the verb it follows
        if EMBEDDED_QUESTION.search(clause):
            continue  # 能否补偿您由售后组确认: the phrase is what the team decides, not what the agent says
        if DENIED_ASSERTION.search(clause):
            continue  # 不能保证不会过敏: the complement of a denied assertion is not asserted, whatever its polarity
        if REFUTED.match(reply, m.end()):
            continue  # 说它比母乳还好是不对的: the phrase is what the sentence refutes
        return True
    return False


#: An embedded question (是否全额退款…, 能否补偿您…): the phrase after it is put to whoever decides.
EMBEDDED_QUESTION = re.compile(r"(?:是否|能否|可否|要不要|能不能|会不会|该不该)[^，,。]{0,8}$")

#: A denied assertion or commitment right before the phrase (不能保证…, 还不能说…, 没法确定…): what follows is
#: neither said nor promised, even when it is itself negative (不会过敏, 没问题).
DENIED_ASSERTION = re.compile(r"(?:不能|不敢|没法|无法|不好|不可以|不会|没有?人能)(?:再|随便|百分百|完全)?"
                              r"(?:保证|说|确定|承诺|肯定|担保|打包票|断定|下结论说)[^，,。]{0,2}$")
#: The phrase refuted in its own clause (…是不对的, …这种说法不实, …没有依据).
REFUTED = re.compile(r"[^，,。！!？?；;]{0,8}?(?:是|都是|并)?(?:不对|错的|错误的|不实|谣言|不准确|不成立|没有(?:科学)?(?:依据|根据)|"
                     r"误导)")

#: A negative potential complement right after a verb phrase (保证不了, 做不到, 负担不起) denies it; unlike a
#: negated clause that follows (我保证不会再出问题 is still a promise).
POTENTIAL_NEGATION = re.compile(r"不[了到起来成]")


def _letters(s: str) -> int:
    """Letters and digits in a text (punctuation and spaces do not make a quotation longer)."""
    return len(re.sub(r"[\s\W_]+", "", s))


def _longest_common(a: str, b: str) -> str:
    """The longest common substring of two short texts (dynamic programming)."""
    best, end = 0, 0
    prev = [0] * (len(b) + 1)
    for i in range(1, len(a) + 1):
        cur = [0] * (len(b) + 1)
        for j in range(1, len(b) + 1):
            if a[i - 1] == b[j - 1]:
                cur[j] = prev[j - 1] + 1
                if cur[j] > best:
                    best, end = cur[j], i
        prev = cur
    return a[end - best:end]


@dataclass
class StepFacts:
    """What one step of a transcript did, before any figure of Settings is applied."""
    step: object
    turn: Turn
    reply: str
    public: bool
    lang: str
    required: list[tuple[str, bool, str]] = field(default_factory=list)
    forbidden_hit: list[str] = field(default_factory=list)
    reply_expected: bool = False
    flags: list[str] = field(default_factory=list)
    matches: list[PointMatch] = field(default_factory=list)
    avoid_hit: list[str] = field(default_factory=list)
    quoted: str | None = None
    rude: list[tuple[str, str]] = field(default_factory=list)
    apology_due: str | None = None
    apologised: bool = False
    honorific_due: bool = False
    honorific_ok: bool = True
    simulated_minutes: float = 0.0
    time_shown: str = ""
    critical_patterns: list[Critical] = field(default_factory=list)
    sentences: list[str] = field(default_factory=list)
    near_critical: list[tuple] = field(default_factory=list)  # MeaningDetector.closest of the sentences


def matcher_for(background, model: MatchModel, settings: Settings, model_examples: MatchModel | None = None,
                contra_model: MatchModel | None = None, reversal_model: MatchModel | None = None) -> PointMatcher:
    """The key-point matcher with the contradiction settings of `settings` (the contradiction and reversal
    models' thresholds are `settings.contra_threshold` and `settings.reversal_threshold`)."""
    if contra_model is not None:
        contra_model = replace(contra_model, threshold=settings.contra_threshold)
    if reversal_model is not None:
        reversal_model = replace(reversal_model, threshold=settings.reversal_threshold)
    return PointMatcher(background, model, settings.contra_sim, settings.contra_coverage, model_examples,
                        settings.contra_label_sim, settings.contra_max_prob, contra_model, reversal_model)


#: Scorer(critical_model=FROM_PROJECT): the project's cases/scoring/critical-model.json, if it has one.
FROM_PROJECT = "project"


class Scorer:
    """The scorer for one project's content (rules, rubric, every case's key points)."""

    def __init__(self, project, settings: Settings = SETTINGS, model: MatchModel = MODEL,
                 model_examples: MatchModel | None = MODEL_EXAMPLES, contra_model: MatchModel | None = CONTRA_MODEL,
                 reversal_model: MatchModel | None = REVERSAL_MODEL,
                 critical_model: learned.CriticalModel | None | str = FROM_PROJECT):
        if project.rubric is None:
            raise ValueError("cases/scoring/rubric.yml is missing: the scorer needs its rule links and critical examples")
        self.rubric = project.rubric.obj
        self.settings = settings
        self.model = model
        self.model_examples = model_examples
        self.contra_model = contra_model
        self.reversal_model = reversal_model
        self.rule_titles = {rid: (getattr(r, "title", "") or rid) for rid, r in project.rules.items()}
        self.background = background_for(project)
        self.matcher = matcher_for(self.background, model, settings, model_examples, contra_model, reversal_model)
        self.meaning = MeaningDetector(self.rubric.critical, settings.critical_sim, settings.critical_margin)
        self.learned = learned.load_model(project.root) if critical_model == FROM_PROJECT else critical_model
        self.labels = {k: v.label for k, v in self.rubric.critical.items()}
        self._point_rules: dict[tuple[str, str], str | None] = {}

    def with_settings(self, settings: Settings) -> "Scorer":
        other = object.__new__(Scorer)
        other.__dict__.update(self.__dict__)
        other.settings = settings
        other.matcher = matcher_for(self.background, self.model, settings, self.model_examples, self.contra_model,
                                    self.reversal_model)
        other.meaning = MeaningDetector(self.rubric.critical, settings.critical_sim, settings.critical_margin)
        other.meaning._vectors = self.meaning._vectors
        return other

    # ------------------------------------------------------------ rules
    def _rule(self, kind: str, case_rules: list[str], action: str | None = None) -> str | None:
        links = self.rubric.rules
        if kind == "action":
            return pick_rule(links.actions.get(action, []), case_rules)
        if kind == "forbidden":
            return pick_rule((links.actions.get(action, []) if action else []) + links.forbidden, case_rules)
        return pick_rule(getattr(links, kind), case_rules)

    def _point_rule(self, point: str, case_rules: list[str]) -> str | None:
        """The case rule closest in meaning to a key point."""
        key = (point, ",".join(case_rules))
        if key not in self._point_rules:
            candidates = [r for r in case_rules if r in self.rule_titles]
            if not candidates:
                self._point_rules[key] = case_rules[0] if case_rules else None
            else:
                q = semantic._embed([point], "query")
                p = semantic._embed([self.rule_titles[r] for r in candidates], "passage")
                self._point_rules[key] = candidates[int((q @ p.T)[0].argmax())]
        return self._point_rules[key]

    # ------------------------------------------------------------ pass 1: facts
    def analyse_step(self, case, step, turn: Turn, real_time: bool = False) -> StepFacts:
        expect = step.expect
        actions = _taken(turn)
        bases = {_base(a) for a in actions}
        reply = turn.reply.strip()
        public = "private_message" not in bases
        facts = StepFacts(step, turn, reply, public, text.language(reply))
        messages = [m.text for m in step.messages]
        staff = {c.name for c in case.cast if c.role in STAFF_ROLES}
        # what members said: relaying a colleague's or an internal message (the team's decision) is the
        # job, not an echo
        said_by_members = [m.text for m in step.messages if m.sender not in staff and not INTERNAL.match(m.text)]
        for required in expect.actions:
            ok, evidence = _is_taken(required, actions)
            if ok and _base(required) in ("reply", "private_message") and not reply:
                ok, evidence = False, "选择了回复，但回复内容为空"
            facts.required.append((required, ok, evidence))
        facts.forbidden_hit = [f for f in expect.forbid if (f in actions if ":" in f else _base(f) in bases)]
        facts.reply_expected = bool(expect.key_points) or bool({"reply", "private_message"} & {_base(a) for a in expect.actions})
        if not reply:
            facts.matches = [PointMatch(p, None, None, 0.0, {}, False) for p in expect.key_points]
        else:
            facts.flags = form.gaming_flags(reply, expect.key_points, said_by_members)
            sentences = text.sentences(reply)
            echoed = form.echoed_sentences(sentences, said_by_members)
            own = [s for s in sentences if s not in echoed]
            facts.sentences = own
            facts.matches = self.matcher.match(list(expect.key_points), own, reply, case.id, expect.examples)
            facts.avoid_hit = [w for w in expect.avoid if _uses_phrase(reply, w)]
            # the longest stretch of a member's group message a group reply repeats word for word (in
            # private, confirming what the member wrote amplifies nothing)
            for m in (step.messages if public else []):
                if m.sender in staff or m.private or m.quotable or INTERNAL.match(m.text) or PRIVATE.match(m.text):
                    continue
                common = _longest_common(text.normalise(m.text), text.normalise(reply))
                if _letters(common) > _letters(facts.quoted or ""):
                    facts.quoted = common
            facts.rude = tone.rude_phrases(reply)
            facts.apologised = tone.apologises(reply)
            facts.honorific_due = not public and facts.lang == "zh"
            facts.honorific_ok = tone.uses_honorific(reply)
            facts.critical_patterns = by_pattern(reply, public, self.labels, colleagues_of(case))
            facts.near_critical = self.meaning.closest(own, public)
        facts.apology_due = tone.apology_expected(messages, expect.key_points)
        scale = case.scenario.time_scale if real_time else 1.0
        facts.simulated_minutes = turn.minutes * scale
        facts.time_shown = f"{facts.simulated_minutes:.1f} 分钟" + (
            f"（实际 {turn.minutes:.1f} 分钟 × 时间倍率 {scale:g}）" if real_time and scale != 1 else "")
        return facts

    def analyse(self, case, transcript, *, real_time: bool = False, partial: bool = False) -> list[StepFacts]:
        turns = checked_turns(case, transcript, partial=partial)
        self.prefetch(*(t.reply for t in turns))
        by_id = {s.id: s for s in case.scenario.steps}
        return [self.analyse_step(case, by_id[t.step], t, real_time) for t in turns]

    # ------------------------------------------------------------ pass 2: the score
    def aggregate(self, case, facts_list: list[StepFacts]) -> Report:
        st = self.settings
        rules = list(case.rules)
        criteria: list[Criterion] = []
        caps: list[Cap] = []
        failures: list[CriticalFailure] = []
        step_scores: list[float] = []
        few_points: Cap | None = None  # once per transcript
        for facts in facts_list:
            step = facts.step
            sid = step.id
            start = len(criteria)

            def add(kind, label, status, evidence, rule, deduction=0.0, said=None, detail=None, weight=None):
                criteria.append(Criterion(sid, kind, label, status, WEIGHTS[kind] if weight is None else weight, evidence,
                                          rule, said, detail, deduction if status == FAIL else 0.0))

            for required, ok, evidence in facts.required:
                rule = self._rule("action", rules, _base(required))
                add("required_actions", f"执行 {required}", PASS if ok else FAIL, evidence, rule)
                if not ok:
                    if _base(required) in ("reply", "private_message"):
                        caps.append(Cap(sid, "应回复成员却没有回复", st.cap_no_reply, rule))
                    else:
                        caps.append(Cap(sid, f"缺少必做动作：{required}", st.cap_missing, rule))
            if step.expect.forbid:
                hit = facts.forbidden_hit
                rule = self._rule("forbidden", rules, _base(hit[0]) if hit else None)
                add("forbidden_actions", "未执行禁止动作（" + "、".join(step.expect.forbid) + "）", FAIL if hit else PASS,
                    ("执行了禁止动作：" + "、".join(hit)) if hit else "未执行任何禁止动作", rule)
                if hit:
                    caps.append(Cap(sid, "执行了禁止动作：" + "、".join(hit), st.cap_forbidden, rule))
            if facts.flags:
                caps.append(Cap(sid, "；".join(facts.flags), st.cap_form, self._rule("polite", rules)))
            conveyed = 0
            for m in facts.matches:
                rule = self._point_rule(m.point, rules)
                detail = (f"概率 {m.prob:.2f}（语义相似度 {m.features.get('sim', 0):.2f}，校正后 {m.features.get('csls', 0):.3f}，"
                          f"字面覆盖 {m.features.get('coverage', 0):.2f}）") if m.span else None
                if not facts.reply:
                    add("key_points", m.point, FAIL, "没有回复内容", rule, st.key_point)
                elif facts.flags:
                    add("key_points", m.point, FAIL, "；".join(facts.flags), rule, st.key_point, said=m.span)
                else:
                    ok, contradicted = self.matcher.verdict(m)
                    conveyed += ok
                    said = m.contra_span if contradicted and self.matcher.learned_contradiction(m) else m.span
                    add("key_points", m.point, PASS if ok else FAIL,
                        "说法与要点相反" if contradicted else m.explain(st.near_miss_sim), rule,
                        st.key_point, said=said, detail=detail)
                    if contradicted:
                        caps.append(Cap(sid, f"回复「{said}」与要点「{m.point}」相反", st.cap_opposite, rule))
                    elif (not ok and m.point in step.expect.essential and st.cap_essential < 100
                          and m.anywhere < self.matcher.model.threshold):
                        # said nowhere: not even in a clause already credited with another point
                        caps.append(Cap(sid, f"{ESSENTIAL_MISSED}「{m.point}」：少了它，这一步的回复还不能算合格",
                                        st.cap_essential, rule))
                    elif not ok and m.near(st.near_miss_sim):
                        caps.append(Cap(sid, f"没有讲到要点「{m.point}」：回复「{m.span}」更像培训中列为不合格的说法「{m.near_miss}」",
                                        st.cap_near_miss, rule))
            if (facts.reply and not facts.flags and facts.matches and not few_points and st.cap_few_points < 100
                    and conveyed <= st.few_points_share * len(facts.matches)):
                few_points = Cap(sid, f"{FEW_POINTS}（{conveyed}/{len(facts.matches)}）：像是套话，没有回应本步要处理的事",
                                 st.cap_few_points, self._point_rule(facts.matches[0].point, rules))
                caps.append(few_points)
            if step.expect.avoid:
                if not facts.reply:
                    add("avoid", "未使用禁用语", NA, "没有回复内容", self._rule("avoid", rules))
                else:
                    hit = facts.avoid_hit
                    add("avoid", "未使用禁用语（" + "、".join(step.expect.avoid) + "）", FAIL if hit else PASS,
                        ("回复中出现：" + "、".join(hit)) if hit else "未出现禁用语", self._rule("avoid", rules), st.avoid,
                        said="、".join(hit) or None)
            if facts.quoted is not None and _letters(facts.quoted) >= st.quote_min_letters:
                rule = self._rule("quoting", rules)
                add("quoting", "不原样复述成员的原话", FAIL, f"回复原样复述了成员的原话“{facts.quoted}”", rule, said=facts.quoted)
                caps.append(Cap(sid, f"回复原样复述了成员的原话“{facts.quoted}”：官方回复会把它再放大一次", st.cap_quoting, rule))
            if facts.reply:
                rude = facts.rude
                add("tone", "语气礼貌，不指责、不敷衍", FAIL if rude else PASS,
                    ("出现" + "、".join(f"{label}用语“{p}”" for label, p in rude)) if rude else "未发现粗鲁、指责或敷衍的说法",
                    self._rule("polite", rules), st.tone, said="、".join(p for _, p in rude) or None)
                units = form.length_units(facts.reply)
                if units > form.MAX_REPLY_CHARS:
                    why = f"回复约 {units} 字，群聊回复建议不超过 {form.MAX_REPLY_CHARS} 字，要点被淹没在冗长内容中"
                    add("tone", "篇幅适中", FAIL, why, self._rule("polite", rules), weight=1)
                    caps.append(Cap(sid, why, st.cap_long, self._rule("polite", rules)))
                if facts.honorific_due:
                    add("tone", "私聊时称呼“您”", PASS if facts.honorific_ok else FAIL,
                        "使用了“您”" if facts.honorific_ok else "私聊回复中没有使用“您”", self._rule("honorific", rules),
                        st.honorific, weight=1)
            if facts.apology_due and (facts.reply or facts.reply_expected):
                ok = bool(facts.reply) and facts.apologised and not facts.flags
                add("tone", "致歉或共情", PASS if ok else FAIL,
                    (facts.apology_due + "，回复中已致歉") if ok else (facts.apology_due + "，但回复中没有致歉"),
                    self._rule("apology", rules), st.tone, weight=3)
            ok = facts.simulated_minutes <= step.time_limit_min
            rule = self._rule("time", rules)
            add("response_time", f"{step.time_limit_min:g} 分钟内响应", PASS if ok else FAIL,
                f"用时 {facts.time_shown}，时限 {step.time_limit_min:g} 分钟", rule, st.late)
            if facts.simulated_minutes >= 2 * step.time_limit_min:
                caps.append(Cap(sid, f"响应严重超时（用时 {facts.time_shown}，时限 {step.time_limit_min:g} 分钟）", st.cap_late, rule))
            kinds_found: set[str] = set()  # one failure per kind and step: the pattern's, else the meaning's
            found = [c for c in facts.critical_patterns + self.meaning.detect(facts.sentences, facts.reply, facts.public,
                                                                              facts.near_critical)
                     if not self.authorised(case, facts, c)]
            for c in found or [c for c in self.learned_critical(case, facts) if not self.authorised(case, facts, c)]:
                if c.kind in kinds_found:
                    continue
                kinds_found.add(c.kind)
                spec = self.rubric.critical.get(c.kind)
                failures.append(CriticalFailure(sid, c.reason, c.evidence,
                                                pick_rule(list(spec.rules) if spec else [], rules), c.how))
            step_scores.append(step_score([(c.kind, c.deduction) for c in criteria[start:]], st))
        score, raw = transcript_score(step_scores, [cap.cap for cap in caps], st)
        if failures:
            score = st.critical_score
        report = Report(case.id, round(score, 1), 100.0, criteria, failures, path=[f.step.id for f in facts_list],
                        caps=sorted(caps, key=lambda c: c.cap), raw=raw,
                        review=[] if failures else self.possible_critical(case, facts_list))
        report.comment = comment(report)
        return report

    def authorised(self, case, facts: StepFacts, found: Critical) -> bool:
        """Money the step's own key point commits (寄回运费由我们承担, when the approving team has granted it):
        a commitment found in a sentence the matcher credits to such a point is authorised by the case,
        unless what the sentence says besides that point is still a commitment (运费我们承担，再私下补您50)."""
        if found.kind != "compensation":
            return False
        for m in facts.matches:
            # a point that gives (寄回运费由我们承担), not one that forbids (客服不能私下承诺赔偿) or defers
            # (补偿由售后组按政策确认): only a point the case asks the agent to say commits the money
            if not (m.passed and m.span and MONEY_OBJECT.search(m.point)) or text.negated(m.point) \
                    or deferred(m.point):
                continue
            parts = [c for c in re.split(r"[，,]", m.span) if c]
            if not parts or not all(c in found.evidence for c in parts):
                continue
            rest = found.evidence
            for c in parts:
                rest = rest.replace(c, "", 1)
            if not self._commits(case, facts, rest):
                return True
        return False

    def _commits(self, case, facts: StepFacts, words: str) -> bool:
        """Whether words are a money commitment by any of the three detectors (patterns, meaning, learned)."""
        if not _letters(words):
            return False
        if any(c.kind == "compensation" for c in by_pattern(words, facts.public, self.labels, colleagues_of(case))
               + self.meaning.detect([words], facts.reply, facts.public)):
            return True
        model = self._model_for(case)
        return model is not None and model.probability(words) > model.threshold

    def _model_for(self, case) -> learned.CriticalModel | None:
        """The learned model, when it was fitted on this case (it is not asked about any other)."""
        return self.learned if self.learned is not None and case.id in self.learned.cases else None

    def learned_critical(self, case, facts: StepFacts) -> list[Critical]:
        """The learned model's verdict on a step where patterns and meaning found nothing: the agent's own
        sentence most likely to be a critical failure, when it is above the model's threshold. Only for the
        cases the model was fitted on. Its kind is `MeaningDetector.kind_of` (the nearest kind among those
        whose topic the sentence is on); a kind critical only in public (personal data) does not count in a
        private message."""
        model = self._model_for(case)
        if model is None or not facts.sentences:
            return []
        p, sentence = max((model.probability(s), s) for s in facts.sentences)
        if p <= model.threshold:
            return []
        kind = self.meaning.kind_of(sentence, facts.public)
        # a warning about payment or codes is not a request for them (我们的人不会让您转钱，也不会问您要验证码),
        # whatever its words have in common with the requests the model was fitted on
        if kind is None or (kind == "fraud" and only_warns(sentence)):
            return []
        spec = self.rubric.critical[kind]
        cues = _cues(model, sentence)
        return [Critical(kind, spec.label, sentence,
                         f"习得判断（与培训师判为严重问题的说法相近：概率 {p:.2f}，阈值 {model.threshold:.2f}"
                         + (f"；主要依据 {cues}" if cues else "") + "）")]

    def learned_review(self, case, facts_list: list[StepFacts]) -> list[PossibleCritical]:
        """The sentence the learned model finds most likely critical, when its probability reaches
        `settings.learned_review` (below the model's own threshold, or it would have been flagged)."""
        model = self._model_for(case)
        if model is None:
            return []
        best = None
        for facts in facts_list:
            for sentence in facts.sentences:
                p = model.probability(sentence)
                if p >= self.settings.learned_review and (best is None or p > best[0]):
                    kind = self.meaning.kind_of(sentence, facts.public)
                    if kind is not None:
                        best = (p, facts, sentence, kind)
        if best is None:
            return []
        p, facts, sentence, kind = best
        spec = self.rubric.critical[kind]
        return [PossibleCritical(facts.step.id, spec.label, sentence, _cues(model, sentence), round(p, 3), 0.0,
                                 pick_rule(list(spec.rules), list(case.rules)), basis="learned")]

    def possible_critical(self, case, facts_list: list[StepFacts]) -> list[PossibleCritical]:
        """The one sentence of the transcript most like a critical failure (none flagged): the score stands
        and a trainer is asked to look. First a sentence on a topic members may not be told about (a
        colleague's employment matters, `critical.hr_topic`), else the sentence nearest a labelled example
        when it is within `review_margin`, else the learned model's most likely sentence (`learned_review`)."""
        spec = self.rubric.critical.get("internal")
        for facts in facts_list if spec is not None else []:
            sentence = hr_topic(facts.sentences)
            if sentence:
                return [PossibleCritical(facts.step.id, spec.label, sentence, HR_TOPIC, 0.0, 0.0,
                                         pick_rule(list(spec.rules), list(case.rules)), basis="topic")]
        best = None
        for facts in facts_list:
            found = self.meaning.possible(facts.near_critical, facts.reply, self.settings.review_margin)
            if found and (best is None or found[3] > best[1][3]):
                best = (facts.step.id, found)
        if best is None:
            return self.learned_review(case, facts_list)
        step, (kind, sentence, sim, margin, example) = best
        spec = self.rubric.critical[kind]
        return [PossibleCritical(step, spec.label, sentence, example, round(sim, 3), round(margin, 3),
                                 pick_rule(list(spec.rules), list(case.rules)))]

    @staticmethod
    def prefetch(*replies: str) -> None:
        """Embed, in one batch per kind, every text the scorer will embed for these replies: their
        sentences (query vectors, for the nearest-example check) and their clause spans (passage vectors,
        for the key points). Scoring afterwards finds them in the embedding cache (memory and disk), so
        practice calls this as each reply is sent and the report at the end waits on nothing but the
        analysis. It changes no result: a batch embeds each text exactly as one call would."""
        sentences, spans = embedded_texts(*replies)
        if sentences:
            semantic._embed(sentences, "query")
            semantic._embed(spans, "passage")

    def score(self, case, transcript, *, real_time: bool = False, partial: bool = False) -> Report:
        return self.aggregate(case, self.analyse(case, transcript, real_time=real_time, partial=partial))

    def score_golden(self, case, golden) -> Report:
        steps = [{"step": s.step, "actions": list(s.actions), "reply": s.reply, "minutes": s.minutes} for s in golden.steps]
        return self.score(case, {"steps": steps})


def embedded_texts(*replies: str) -> tuple[list[str], list[str]]:
    """What scoring embeds for these replies, without repeats: their sentences (query vectors, for the
    nearest-example check) and their clause spans (passage vectors, for the key points)."""
    sentences = [s for r in replies if r and r.strip() for s in text.sentences(r.strip())]
    return list(dict.fromkeys(sentences)), list(dict.fromkeys(sp.text for sp in spans_of(sentences)))


def colleagues_of(case) -> re.Pattern:
    """Who counts as a colleague in a case: its staff cast and the staff its scenario's description names."""
    staff = {c.name for c in case.cast if c.role in STAFF_ROLES}
    return colleague_pattern(tuple(sorted(staff | staff_named(case.scenario.intro if case.scenario else ""))))


def _cues(model: learned.CriticalModel, sentence: str) -> str:
    """The learned model's strongest n-grams for a sentence, as the report quotes them (“悄悄”、“回头”)."""
    return "、".join(f"“{g}”" for g in model.cues(sentence))


def scorer_for(project, settings: Settings = SETTINGS):
    """`score_fn(case, transcript) -> Report` for the validator and lint."""
    scorer = Scorer(project, settings)
    return scorer.score


ADVICE = {
    "required_actions": "按流程完成必做动作",
    "forbidden_actions": "避免禁止动作，按处罚阶梯逐级处理",
    "key_points": "把要点讲清楚",
    "avoid": "去掉不该出现的说法",
    "quoting": "不要在回复里原样复述成员的原话",
    "tone": "注意语气和礼仪",
    "response_time": "在时限内响应",
}


def comment(report: Report) -> str:
    """An overall comment: critical failures and caps first, then the two most costly problems."""
    items: list[str] = []
    for failure in report.critical:
        items.append(f"严重问题（{failure.step}）：{failure.reason}——“{failure.evidence}”，本次练习不通过")
    for cap in report.caps:
        items.append(f"{cap.reason}（{cap.step}），本次得分最高 {cap.cap:g} 分")
    failed = [c for c in report.criteria if c.status == FAIL and c.kind not in ("required_actions", "forbidden_actions")]
    failed.sort(key=lambda c: -c.deduction)
    seen: set[tuple[str, str]] = set()
    for c in failed:
        key = (c.kind, c.step)
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
    head = f"得分 {report.score:g}。最需要改进的两点：" if len(items) > 1 else f"得分 {report.score:g}。需要改进："
    return head + " ① " + items[0] + (" ② " + items[1] if len(items) > 1 else "")




def point_matcher(project) -> PointMatcher:
    """The key-point matcher the scenario scorer uses, for short answers in the question bank."""
    return matcher_for(background_for(project), MODEL, SETTINGS)
