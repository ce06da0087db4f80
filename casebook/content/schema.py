"""The schema of every content kind, in one place.

Every model is strict: unknown keys are errors. Field-level rules (ID formats, the action
vocabulary, value ranges) live here; rules that need the whole project (does a cited rule
exist? is a step reachable?) live in ``checks.py``.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import (AfterValidator, BaseModel, ConfigDict, Discriminator, Field, PrivateAttr, StringConstraints, Tag,
                      field_validator, model_validator)

RULE_ID_RE = re.compile(r"^[A-Z]{2,5}-\d{2}$")
CHAPTER_RE = re.compile(r"^[A-Z]{2,5}$")
CASE_ID_RE = re.compile(r"^CASE-\d{3}$")
QUESTION_ID_RE = re.compile(r"^[A-Z]{2,5}-Q\d{2,3}$")
STEP_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
TIME_RE = re.compile(r"^(?:d(?P<day>[1-9]\d?) )?(?P<h>[01]\d|2[0-3]):(?P<m>[0-5]\d)$")

#: The fixed action vocabulary shared by case scenarios, the simulator and the scorer.
ACTIONS: dict[str, str] = {
    "reply": "在群内或私聊回复",
    "private_message": "私聊成员",
    "delete_message": "撤回/删除消息",
    "warn_member": "警告成员",
    "mute_member": "禁言成员",
    "remove_member": "移出群聊",
    "escalate": "升级给专业组",
    "classify": "问题分类",
    "create_ticket": "创建工单",
    "publish_announcement": "发布群公告",
    "pin_message": "置顶消息",
    "follow_up": "跟进",
    "no_action": "不采取行动",
}

#: Short Chinese labels for the same actions: buttons, chat lines and reports use these, never the IDs.
ACTION_LABELS: dict[str, str] = {
    "reply": "群内回复",
    "private_message": "私聊",
    "delete_message": "撤回消息",
    "warn_member": "警告",
    "mute_member": "禁言",
    "remove_member": "移出群聊",
    "escalate": "升级",
    "classify": "分类",
    "create_ticket": "建工单",
    "publish_announcement": "发群公告",
    "pin_message": "置顶消息",
    "follow_up": "跟进",
    "no_action": "不处理",
}


def action_label(action: str) -> str:
    """The Chinese label of an action as the vocabulary writes it ("escalate:售后组" -> "升级给售后组")."""
    base, _, arg = action.partition(":")
    label = ACTION_LABELS.get(base.strip(), base.strip())
    arg = arg.strip()
    if not arg:
        return label
    if base == "escalate":
        return f"升级给{arg}"
    if base == "classify":
        return f"分类为「{arg}」"
    return f"{label}（{arg}）"


_ACTION_ID = re.compile(r"\b(" + "|".join(sorted(ACTION_LABELS, key=len, reverse=True)) + r")(?::([^\s、，,；;）)”]+))?")


def humanize_actions(text) -> str:
    """Action IDs inside a text (a scorer's criterion label or evidence) become their Chinese labels."""
    return _ACTION_ID.sub(lambda m: action_label(m.group(0)), str(text or ""))


#: Roles a cast member may have in a case.
CAST_ROLES: dict[str, str] = {
    "agent": "客服",
    "moderator": "管理员",
    "customer": "顾客",
    "repeat_complainer": "反复投诉者",
    "advertiser": "广告发布者",
    "impersonator": "冒充客服者",
    "troll": "捣乱者",
    "new_member": "新成员",
    "member": "普通成员",
    "insider": "内部相关人员",
}

def _check(pattern: re.Pattern, what: str):
    def check(value: str) -> str:
        if not pattern.match(value):
            raise ValueError(f"malformed {what} '{value}'")
        return value
    return check


def _check_action(value: str) -> str:
    name = value.split(":", 1)[0].strip()
    if name not in ACTIONS:
        raise ValueError(f"unknown action '{name}' (known: {', '.join(ACTIONS)})")
    if ":" in value and not value.split(":", 1)[1].strip():
        raise ValueError(f"action '{value}' has an empty argument after ':'")
    return value


def _check_time(value: str) -> str:
    if not TIME_RE.match(value):
        raise ValueError(f"malformed time '{value}' (use \"HH:MM\" or \"d2 HH:MM\")")
    return value


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
RuleId = Annotated[str, AfterValidator(_check(RULE_ID_RE, "rule ID"))]
ChapterCode = Annotated[str, AfterValidator(_check(CHAPTER_RE, "chapter code"))]
CaseId = Annotated[str, AfterValidator(_check(CASE_ID_RE, "case ID"))]
QuestionId = Annotated[str, AfterValidator(_check(QUESTION_ID_RE, "question ID"))]
StepId = Annotated[str, AfterValidator(_check(STEP_ID_RE, "step ID"))]
Action = Annotated[str, AfterValidator(_check_action)]
ClockTime = Annotated[str, AfterValidator(_check_time)]
Difficulty = Annotated[int, Field(ge=1, le=3)]


def time_minutes(value: str) -> int:
    """Minutes since day 1 00:00 for a transcript time ("HH:MM" or "dN HH:MM")."""
    match = TIME_RE.match(value)
    day = int(match.group("day") or 1)
    return (day - 1) * 1440 + int(match.group("h")) * 60 + int(match.group("m"))


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=False, populate_by_name=True)


# ---------------------------------------------------------------- tags and rules

class TagsFile(Strict):
    tags: dict[Text, Text]


class ChapterFront(Strict):
    chapter: ChapterCode
    title: Text
    order: Annotated[int, Field(ge=1, le=999)]


class PageFront(Strict):
    """Front matter of any other page (workflows, quick reference...)."""
    title: Text | None = None
    tags: list[Text] = []
    hide: list[Text] = []


class RuleMeta(Strict):
    owner: Text
    reviewed: dt.date
    review_days: Annotated[int, Field(ge=1, le=3650)]
    related: list[RuleId] = []
    tags: list[Text] = []
    #: English title and keywords: indexed for keyword search and shown to English queries
    title_en: Text
    keywords_en: Annotated[list[Text], Field(min_length=1)]


# ---------------------------------------------------------------- cases

class Note(Strict):
    text: Text
    rules: Annotated[list[RuleId], Field(min_length=1)]


class ChatMessage(Strict):
    at: ClockTime
    sender: Text = Field(alias="from")
    text: Text
    private: bool = False   # sent to the agent privately (e.g. by a member who was removed from the group)


class ScenarioMessage(ChatMessage):
    #: Quoting it in order to correct or warn amplifies nothing (a helpful member's wrong answer, a scam's
    #: script): the scorer's "does not repeat the member's words" check skips it. Insults, ads with contact
    #: details, leaked material and rumours stay unquotable.
    quotable: bool = False


class TranscriptMessage(ChatMessage):
    note: Note | None = None


class Setting(Strict):
    brand: Text
    product: Text
    group_size: Annotated[int, Field(ge=2, le=100000)]
    purpose: Text
    agent_role: Text


class CastMember(Strict):
    name: Text
    role: Literal[tuple(CAST_ROLES)]  # type: ignore[valid-type]


class HandlingStep(Strict):
    text: Text
    rules: Annotated[list[RuleId], Field(min_length=1)]


class Mistake(Strict):
    text: Text
    why: Text
    rule: RuleId


class KeyPoint(Strict):
    """A key point with labelled example wordings for the scorer: `accept` are replies a trainer
    credits as conveying it, `reject` are near-misses (the opposite, a vague or wrong-number version)
    that a trainer does not credit."""
    point: Text
    accept: list[Text] = []
    reject: list[Text] = []
    #: near-misses that state the opposite of the point (不能水洗 → 可以水洗; 不会私下承诺 → 我来赔您)
    opposite: list[Text] = []
    #: without this point an otherwise good reply is not yet acceptable (the scam warning, the safety step,
    #: the answer the member asked for): the grading guide's "an important key point missing"
    essential: bool = False

    @model_validator(mode="after")
    def _distinct(self):
        if self.point in self.accept or self.point in self.reject or self.point in self.opposite:
            raise ValueError("an example repeats the key point itself")
        both = sorted(set(self.accept) & (set(self.reject) | set(self.opposite)))
        if both:
            raise ValueError(f"a wording is both accepted and rejected: {both[0]!r}")
        twice = sorted(set(self.reject) & set(self.opposite))
        if twice:
            raise ValueError(f"a wording is listed under both reject and opposite: {twice[0]!r}")
        return self


#: A key point is written as a plain string or as a mapping {point, accept, reject}.
KeyPointEntry = Annotated[
    Annotated[Text, Tag("text")] | Annotated[KeyPoint, Tag("mapping")],
    Discriminator(lambda v: "mapping" if isinstance(v, (dict, KeyPoint)) else "text"),
]


class Expect(Strict):
    actions: list[Action] = []
    forbid: list[Action] = []
    #: After validation the key points are plain strings; their example wordings are in `examples`.
    key_points: list[KeyPointEntry] = []
    avoid: list[Text] = []
    _examples: dict = PrivateAttr(default_factory=dict)
    _essential: list = PrivateAttr(default_factory=list)

    @model_validator(mode="after")
    def _split_examples(self):
        points: list[str] = []
        for entry in self.key_points:
            if isinstance(entry, KeyPoint):
                points.append(entry.point)
                if entry.accept or entry.reject or entry.opposite:
                    self._examples[entry.point] = entry
                if entry.essential:
                    self._essential.append(entry.point)
            else:
                points.append(entry)
        if len(set(points)) != len(points):
            dup = next(p for p in points if points.count(p) > 1)
            raise ValueError(f"key point listed twice: {dup!r}")
        self.key_points = points
        return self

    @property
    def examples(self) -> dict[str, KeyPoint]:
        """The labelled example wordings by key point (only points that have some)."""
        return dict(self._examples)

    @property
    def essential(self) -> list[str]:
        """The key points marked `essential: true`."""
        return list(self._essential)


class Branch(Strict):
    if_any: list[Action] | None = None
    goto: StepId


class ScenarioStep(Strict):
    id: StepId
    messages: Annotated[list[ScenarioMessage], Field(min_length=1)]
    time_limit_min: Annotated[float, Field(gt=0, le=10080)]
    expect: Expect
    next: StepId | list[Branch] | None = None

    def branches(self) -> list[Branch]:
        if self.next is None:
            return []
        if isinstance(self.next, str):
            return [Branch(goto=self.next)]
        return list(self.next)


class GoldenStep(Strict):
    step: StepId
    actions: list[Action] = []
    reply: str = ""
    minutes: Annotated[float, Field(ge=0, le=100000)]


class Golden(Strict):
    name: Text
    expect_score: tuple[Annotated[float, Field(ge=0, le=100)], Annotated[float, Field(ge=0, le=100)]]
    steps: Annotated[list[GoldenStep], Field(min_length=1)]

    @field_validator("expect_score")
    @classmethod
    def _ordered(cls, value):
        if value[0] > value[1]:
            raise ValueError("expect_score must be [low, high] with low <= high")
        return value


class Scenario(Strict):
    intro: Text
    time_scale: Annotated[float, Field(gt=0, le=100)] = 1.0
    steps: Annotated[list[ScenarioStep], Field(min_length=1)]
    golden: Annotated[list[Golden], Field(min_length=2)]


class Case(Strict):
    id: CaseId
    title: Text
    summary: Text
    chapter: ChapterCode
    tags: list[Text] = []
    difficulty: Difficulty
    rules: Annotated[list[RuleId], Field(min_length=2)]
    author: Text
    created: dt.date
    reviewed: dt.date
    setting: Setting
    cast: Annotated[list[CastMember], Field(min_length=2)]
    transcript: Annotated[list[TranscriptMessage], Field(min_length=6)]
    handling: Annotated[list[HandlingStep], Field(min_length=1)]
    mistakes: Annotated[list[Mistake], Field(min_length=1)]
    outcome: Text
    lessons: Annotated[list[Text], Field(min_length=1)]
    scenario: Scenario | None = None


# ---------------------------------------------------------------- quiz

class Option(Strict):
    text: Text
    correct: bool = False
    feedback: Text | None = None


class Pair(Strict):
    left: Text
    right: Text


class QuestionBase(Strict):
    """What every question has; each question type (content/question_types/) adds its own
    fields in a subclass, and the quiz file's schema is the union of those."""
    id: QuestionId
    chapter: ChapterCode
    tags: list[Text] = []
    difficulty: Difficulty
    rules: Annotated[list[RuleId], Field(min_length=1)]
    prompt: Text
    explanation: Text


class RedLine(Strict):
    """Must-pass questions: every exam draws `per_exam` of them; a wrong answer to any one fails
    the exam whatever the total score."""
    questions: Annotated[list[QuestionId], Field(min_length=1)]
    per_exam: Annotated[int, Field(ge=1, le=50)] = 3


class ExamFile(Strict):
    """quiz/exam/exam.yml: the certification exam's blueprint (questions per chapter)."""
    blueprint: dict[ChapterCode, Annotated[int, Field(ge=1, le=100)]]
    time_limit_min: Annotated[float, Field(gt=0, le=600)] = 45
    pass_mark: Annotated[float, Field(gt=0, le=1)] = 0.8
    red_line: RedLine | None = None


# ---------------------------------------------------------------- search content

class SynonymsFile(Strict):
    groups: list[Annotated[list[Text], Field(min_length=2)]]


EVAL_KINDS = ("short", "typo", "traditional", "pasted", "abbrev", "negation", "synonym", "english", "mixed", "id")
Grade = Annotated[int, Field(ge=1, le=3)]


class EvalQuery(Strict):
    q: Text
    lang: Literal["zh", "en", "mixed"]
    #: what the query tests (search/README.md); None in the original set
    kind: Literal[EVAL_KINDS] | None = None  # type: ignore[valid-type]
    #: graded relevance {ID: grade} (2 = answers it, 1 = related), or a list of IDs (each grade 2)
    relevant: Annotated[list[Text], Field(min_length=1)] | Annotated[dict[Text, Grade], Field(min_length=1)]

    @property
    def grades(self) -> dict[str, int]:
        if isinstance(self.relevant, dict):
            return dict(self.relevant)
        return {ref: 2 for ref in self.relevant}


class EvalFile(Strict):
    queries: Annotated[list[EvalQuery], Field(min_length=1)]


# ---------------------------------------------------------------- scorer validation set

ValidationKind = Literal[
    "excellent", "excellent_reworded", "excellent_english", "concise_complete", "missing_key_point",
    "wrong_action", "generic_template", "subtly_unacceptable", "opposite", "quotes_offender",
    "keyword_stuffing", "late_but_good", "mediocre", "safe_near_miss", "other",
    "dispute",  # an agent's dispute a trainer resolved (files with `round: disputes`)
]
Verdict = Literal["pass", "fail"]


class ValidationVerdicts(Strict):
    """A trainer's per-criterion verdicts at one step (each optional: only where it matters)."""
    actions: Verdict | None = None
    key_points: dict[str, bool] = {}
    tone: Verdict | None = None
    time: Verdict | None = None


class ValidationStep(GoldenStep):
    verdicts: ValidationVerdicts | None = None


class ValidationTranscript(Strict):
    id: Annotated[str, StringConstraints(pattern=r"^CASE-\d{3}-[A-Z]+\d{2,6}$")]
    kind: ValidationKind
    grade: Annotated[float, Field(ge=0, le=100)]
    critical: bool = False
    reason: Text
    steps: Annotated[list[ValidationStep], Field(min_length=1)]

    @model_validator(mode="after")
    def _critical_is_low(self):
        if self.critical and self.grade >= 10:
            raise ValueError("a critical transcript is graded 0-9 (the grading guide in cases/README.md)")
        return self


class ValidationFile(Strict):
    """cases/validation/CASE-NNN.yml: transcripts graded by a trainer who has not seen the scorer."""
    case: CaseId
    grader: Text
    #: 1: written before the scorer was tuned; 2, 3, …: written later, each reported as a column of its own;
    #: "disputes": agents' disputes resolved by a trainer (not blind: reported on their own, never tuned on).
    round: Annotated[int, Field(ge=1)] | Literal["disputes"] = 1
    transcripts: Annotated[list[ValidationTranscript], Field(min_length=1)]


class ContradictionLabel(Strict):
    """A key point a reply contradicts (not merely omits), labelled blind by a trainer."""
    transcript: Text
    step: StepId
    point: Text
    says: Text      # the words of the reply that contradict the point, copied exactly


class ContradictionsFile(Strict):
    """cases/scoring/contradictions-*.yml: blind labels the scorer's contradiction model is fitted on."""
    labeller: Text
    covered: list[CaseId] = []
    #: the validation rounds whose transcripts of the covered cases the labeller went through completely:
    #: only those transcripts teach the contradiction model (elsewhere an unlabelled contradiction would
    #: be taken for a point merely left out)
    rounds: Annotated[list[Annotated[int, Field(ge=1)]], Field(min_length=1)]
    contradictions: list[ContradictionLabel]


# ---------------------------------------------------------------- scorer rubric (cases/scoring/rubric.yml)

class RubricRules(Strict):
    actions: dict[str, list[RuleId]]
    forbidden: list[RuleId]
    avoid: list[RuleId]
    quoting: list[RuleId]
    polite: list[RuleId]
    honorific: list[RuleId]
    apology: list[RuleId]
    time: list[RuleId]

    @field_validator("actions")
    @classmethod
    def _known_actions(cls, value):
        for name in value:
            if name not in ACTIONS:
                raise ValueError(f"unknown action '{name}' (known: {', '.join(ACTIONS)})")
        return value


class CriticalKind(Strict):
    label: Text
    rules: Annotated[list[RuleId], Field(min_length=1)]
    public_only: bool = False
    examples: Annotated[list[Text], Field(min_length=2)]
    safe: Annotated[list[Text], Field(min_length=2)]


class RubricFile(Strict):
    rules: RubricRules
    critical: dict[Literal["privacy", "internal", "compensation", "fraud", "conduct"], CriticalKind]
