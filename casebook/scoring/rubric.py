"""The rubric: criterion kinds, their weights, results, and the rule each criterion links to."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

PASS, FAIL, NA = "pass", "fail", "na"
STATUSES = (PASS, FAIL, NA)

#: Criterion kinds and the weight of one criterion of that kind (QA-scorecard style).
KINDS: dict[str, str] = {
    "required_actions": "必做动作",
    "forbidden_actions": "禁止动作",
    "key_points": "要点传达",
    "avoid": "禁用语",
    "tone": "语气与礼仪",
    "response_time": "响应时间",
}
KINDS["quoting"] = "复述成员原话"
KINDS["language"] = "语言要求"


def kind_label(kind: str) -> str:
    """The Chinese label of a criterion kind (an unknown kind is shown as it is)."""
    return KINDS.get(kind, kind)


@dataclass(frozen=True)
class Settings:
    """Every figure the scorer decides with, in one place. Chosen on the tuning split of the
    trainer-graded validation set (`casebook scenario tune`), never on the held-out split."""
    # the transcript starts at 100 and loses these per failed criterion …
    key_point: float = 18.0       # each key point not conveyed …
    key_point_max: float = 100.0  # … up to this much per step (a reply that misses every point is poor, not void)
    tone: float = 10.0            # rude, blaming or dismissive wording; no apology where one is due
    honorific: float = 3.0        # no 您 in a private message to one member (Chinese replies)
    avoid: float = 15.0           # a phrase the case lists under `avoid`
    late: float = 12.0            # each step answered after its time limit
    # … and is capped by the worst action problem anywhere in it
    cap_forbidden: float = 30.0   # a forbidden action was taken
    cap_missing: float = 55.0     # a required action (other than replying) is missing
    cap_no_reply: float = 40.0    # a reply was required and none was written
    cap_form: float = 35.0        # keyword stuffing, a bare list or an echo instead of a message
    cap_late: float = 60.0        # a step answered after twice its time limit
    cap_quoting: float = 55.0     # the reply repeats a member's public message word for word …
    quote_min_letters: int = 10   # … at least this many letters of it (internal and staff messages excepted)
    cap_opposite: float = 35.0    # the reply states the opposite of a key point
    cap_essential: float = 100.0  # a key point marked essential is said nowhere in the reply (100: no cap)
    cap_near_miss: float = 100.0  # a clause is nearer a rejected example wording of a key point than any good one …
    near_miss_sim: float = 1.01   # … and at least this similar to it (1.01: never)
    cap_long: float = 60.0        # a reply so long that its points drown (over form.MAX_REPLY_CHARS units)
    cap_few_points: float = 100.0  # a step's reply conveys at most this share of the step's key points … (once per transcript)
    few_points_share: float = 0.34  # … a generic reply: polite words, none of what the step asks
    worst_step_weight: float = 0.5  # the transcript blends the mean step score with its worst step
    critical_score: float = 0.0   # any critical failure
    # critical failures by meaning (cosine similarity, multilingual-e5)
    critical_sim: float = 0.90    # the sentence must be at least this close to a labelled example …
    critical_margin: float = 0.02  # … and closer to it than to every safe sentence by this much
    # a possible critical failure for a trainer to review: a sentence on the topic of a critical kind, at
    # least as close to one of its examples as to any safe sentence by this margin, when nothing is flagged
    review_margin: float = 1.01   # 1.01: never
    # the opposite of a key point: the closest span has the other polarity and is plainly about the
    # same thing — at least this similar and sharing at least this much of the point's wording
    contra_sim: float = 0.93
    contra_coverage: float = 0.5
    contra_label_sim: float = 1.01
    contra_max_prob: float = 1.01
    # with a contradiction model (scorer.CONTRA_MODEL): a point not conveyed is contradicted when some span
    # says its opposite with at least this probability
    contra_threshold: float = 0.7
    # with a reversal model (scorer.REVERSAL_MODEL): a point the matcher credits is contradicted when its
    # span says the opposite with at least this probability (1.01: off)
    reversal_threshold: float = 1.01
    # with a learned critical model (cases/scoring/critical-model.json): a transcript with no critical
    # failure whose most likely sentence reaches this probability is sent for a trainer's review (1.01: off)
    learned_review: float = 1.01


#: The start of the reason of the cap for a reply that conveys (almost) none of its step's key points
#: (the scorer writes it; rescoring recognises it).
FEW_POINTS = "回复几乎没有传达本步要点"
#: … and of the cap for an essential key point the reply says nowhere (rescoring finds its point by it)
ESSENTIAL_MISSED = "漏掉了必备要点"


def step_score(losses: list[tuple[str, float]], st: Settings) -> float:
    """A step's score from its failed criteria's (kind, deduction): key points lose at most
    `key_point_max` together. Shared by the scorer and by rescoring (trust/rescore.py)."""
    points = sum(d for kind, d in losses if kind == "key_points")
    other = sum(d for kind, d in losses if kind != "key_points")
    return max(0.0, 100.0 - other - min(points, st.key_point_max))


def transcript_score(step_scores: list[float], caps: list[float], st: Settings) -> tuple[float, float]:
    """(score, raw): the mean and the worst step blended, then every cap applied (caps compound:
    two caps of 50 allow 25, not 50)."""
    mean = sum(step_scores) / len(step_scores) if step_scores else 100.0
    worst = min(step_scores) if step_scores else 100.0
    raw = round((1 - st.worst_step_weight) * mean + st.worst_step_weight * worst, 1)
    combined = 100.0
    for cap in caps:
        combined *= cap / 100.0
    return min(raw, combined), raw


#: Step-level weights of criteria shown in the report (the deductions above decide the score).
WEIGHTS: dict[str, float] = {
    "required_actions": 1,
    "forbidden_actions": 2,
    "key_points": 8,
    "avoid": 6,
    "tone": 2,
    "response_time": 1,
    "quoting": 4,
    "language": 1,
}
TONE_WEIGHTS = {"honorific": 1, "apology": 3}


def pick_rule(candidates: list[str], case_rules: list[str], default: str | None = None) -> str | None:
    for rule in candidates:
        if rule in case_rules:
            return rule
    return default if default is not None else (candidates[0] if candidates else None)


@dataclass
class Criterion:
    step: str
    kind: str
    label: str
    status: str
    weight: float
    evidence: str
    rule: str | None = None
    said: str | None = None      # the agent's own words the verdict is about
    detail: str | None = None    # figures for trainers (similarity, probability)
    deduction: float = 0.0

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Cap:
    step: str
    reason: str
    cap: float
    rule: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class CriticalFailure:
    step: str
    reason: str
    evidence: str
    rule: str | None
    how: str = ""  # how it was found: by pattern, or by meaning with the closest example

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class PossibleCritical:
    """A sentence that may be a critical failure, which neither the patterns nor the meaning threshold
    flag: the score stands, and a trainer is asked to look (with the closest labelled example)."""
    step: str
    reason: str     # the kind's label
    evidence: str   # the sentence
    example: str    # the closest labelled example of the failure
    similarity: float
    margin: float   # how much closer to that example than to the closest safe sentence
    rule: str | None
    basis: str = "meaning"  # "meaning": near a labelled example; "topic": it names a matter members may not be told;
    #                         "learned": the learned model's probability (similarity) is high, below its threshold

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Report:
    case_id: str
    score: float
    max: float
    criteria: list[Criterion]
    critical: list[CriticalFailure] = field(default_factory=list)
    comment: str = ""
    path: list[str] = field(default_factory=list)
    caps: list[Cap] = field(default_factory=list)
    raw: float = 100.0  # the score before caps and critical failures
    review: list[PossibleCritical] = field(default_factory=list)  # for a trainer, when nothing critical is flagged

    def as_dict(self) -> dict:
        return {
            "case": self.case_id,
            "score": self.score,
            "max": self.max,
            "critical": [c.as_dict() for c in self.critical],
            "criteria": [c.as_dict() for c in self.criteria],
            "comment": self.comment,
            "path": self.path,
            "caps": [c.as_dict() for c in self.caps],
            "raw": self.raw,
            "review": [r.as_dict() for r in self.review],
        }


def total(criteria: list[Criterion]) -> float:
    """0-100: passed weight over applicable weight (N/A left out). No applicable criteria: 100."""
    applicable = [c for c in criteria if c.status != NA]
    weight = sum(c.weight for c in applicable)
    if not weight:
        return 100.0
    return round(100.0 * sum(c.weight for c in applicable if c.status == PASS) / weight, 1)
