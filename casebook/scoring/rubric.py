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
#: Fitted on the golden transcripts (exemplary vs flawed ranges): conveying the key points and
#: wording dominate, as in QA scorecards where the "resolution" and "empathy" sections weigh most.
WEIGHTS: dict[str, float] = {
    "required_actions": 1,
    "forbidden_actions": 2,
    "key_points": 8,
    "avoid": 6,
    "tone": 2,        # polite wording; see TONE_WEIGHTS for 您 and the apology
    "response_time": 1,
}
TONE_WEIGHTS = {"honorific": 2, "apology": 3}

# Rules a criterion links to: the first candidate the case itself cites wins, else the first one.
ACTION_RULES: dict[str, list[str]] = {
    "reply": ["RESP-01", "COMM-04"],
    "private_message": ["COMM-06", "DISP-02", "PRIV-02", "PRIV-03"],
    "delete_message": ["PRIV-02", "MBR-02", "SANC-02", "FRAUD-03", "PRIV-05", "CULT-04"],
    "warn_member": ["SANC-02", "SANC-01"],
    "mute_member": ["SANC-03", "CRIS-06", "SANC-01"],
    "remove_member": ["SANC-04", "FRAUD-03", "SANC-01"],
    "escalate": ["ESC-02", "ESC-03", "CRIS-01", "DISP-05", "PRIV-05"],
    "classify": ["ESC-01"],
    "create_ticket": ["RESP-03", "TOOL-03"],
    "publish_announcement": ["PUB-03", "CRIS-02", "PUB-05", "PUB-01"],
    "pin_message": ["PUB-05", "FRAUD-02", "ONBD-02"],
    "follow_up": ["ESC-05", "RESP-02", "RESP-04", "FDBK-02"],
    "no_action": ["CULT-04", "TOOL-04", "SANC-08"],
}
FORBID_RULES = ["SANC-01", "SANC-08", "SANC-04", "CULT-04", "TOOL-04", "CRIS-03"]
AVOID_RULES = ["COMM-02", "MBR-01", "COMM-01"]
TONE_RULES = {"polite": ["COMM-02", "MBR-01"], "honorific": ["COMM-01"], "apology": ["SANC-07", "COMM-03"]}
TIME_RULES = ["DISP-01", "CRIS-02", "PRIV-02", "PRIV-05", "ONBD-01", "SHIFT-02", "SHIFT-03", "RESP-01"]
CRITICAL_RULES = {"privacy": ["PRIV-01", "MBR-06"], "conduct": ["MBR-01", "COMM-02"],
                  "compensation": ["COMM-05"], "fraud": ["FRAUD-01"]}


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

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class CriticalFailure:
    step: str
    reason: str
    evidence: str
    rule: str | None

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

    @property
    def raw(self) -> float:
        """The weighted score before critical failures are applied."""
        return total(self.criteria)

    def as_dict(self) -> dict:
        return {
            "case": self.case_id,
            "score": self.score,
            "max": self.max,
            "critical": [c.as_dict() for c in self.critical],
            "criteria": [c.as_dict() for c in self.criteria],
            "comment": self.comment,
            "path": self.path,
        }


def total(criteria: list[Criterion]) -> float:
    """0-100: passed weight over applicable weight (N/A left out). No applicable criteria: 100."""
    applicable = [c for c in criteria if c.status != NA]
    weight = sum(c.weight for c in applicable)
    if not weight:
        return 100.0
    return round(100.0 * sum(c.weight for c in applicable if c.status == PASS) / weight, 1)
