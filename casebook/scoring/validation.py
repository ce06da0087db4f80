"""How valid is the scenario score: agreement with transcripts graded blind by trainers.

The validation set lives in cases/validation/CASE-NNN.yml (schema: content.schema.ValidationFile).
It is split once, by a fixed hash of each transcript's id, into a tuning part (settings are chosen
on it) and a held-out part (reported, never tuned on). ``casebook scenario validate`` prints the
table; ``casebook lint`` fails when the held-out figures fall below THRESHOLDS.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from ..content.files import Located, load_validation
from ..content.files import load_contradictions as load_contradiction_file  # one file; this: every file
from ..content.problems import ProblemList
from ..correlation import pearson, quadratic_kappa, spearman
from .agreement import cohen_kappa
from .rubric import FAIL, NA, PASS, Report

VALIDATION_DIR = "cases/validation"
PASS_MARK = 70.0
HELD_OUT_SHARE = 30  # percent of transcripts held out, chosen by hash
#: Rounds whose tuning part the settings were chosen on (`casebook scenario tune`). Later rounds were
#: written after the settings were chosen and are reported in a column of their own, never tuned on.
TUNED_ROUNDS = (1, 2, 3)
RUBRIC_HINT = " (`casebook scenario validate --items` lists every transcript)"
#: Development rounds (written after tuning, each measured once unseen, then studied): the contradiction
#: model and the deductions and caps are fitted on them together with the tuning split of TUNED_ROUNDS
#: (the key-point matcher on that tuning split alone). The held-out split and later rounds are never fitted on.
DEV_ROUNDS = (4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18)
#: Where trainers' blind labels of contradicted key points live (cases/scoring/contradictions-*.yml).
CONTRA_GLOB = "cases/scoring/contradictions-*.yml"

#: The round of files that hold agents' disputes resolved by trainers (cases/validation/*.disputes.yml).
DISPUTES = "disputes"

#: The bar the held-out part must clear (issue #11). `casebook lint` fails below it.
THRESHOLDS = {
    "spearman": (">=", 0.80),
    "mae": ("<=", 12.0),
    "false_pass_rate": ("<=", 0.10),
    "false_fail_rate": ("<=", 0.10),
    "critical_recall": (">=", 1.0),
    "false_criticals": ("<=", 0),
}


def split_of(transcript_id: str) -> str:
    """'heldout' or 'tuning', fixed by the SHA-256 of the id (never by content or score)."""
    bucket = int(hashlib.sha256(transcript_id.encode("utf-8")).hexdigest()[:8], 16) % 100
    return "heldout" if bucket < HELD_OUT_SHARE else "tuning"


@dataclass
class Item:
    """One graded transcript and what the scorer made of it."""
    id: str
    case: str
    kind: str
    split: str
    grade: float
    critical: bool
    reason: str
    steps: list[dict]
    verdicts: list[tuple[str, dict]]  # (step id, trainer verdicts)
    path: str = ""
    line: int = 0
    round: int | str = 1  # 1, 2, … or DISPUTES
    score: float | None = None
    auto_critical: bool = False
    report: Report | None = None
    error: str | None = None


def load_set(root: str | Path, problems: ProblemList | None = None) -> list[Item]:
    """Every transcript of cases/validation/*.yml (schema problems go to `problems`)."""
    root = Path(root)
    problems = problems if problems is not None else ProblemList()
    folder = root / VALIDATION_DIR
    items: list[Item] = []
    if not folder.is_dir():
        return items
    for path in sorted(p for p in folder.iterdir() if p.suffix in (".yml", ".yaml")):
        rel = path.relative_to(root).as_posix()
        located: Located | None = load_validation(path, rel, problems)
        if located is None:
            continue
        for i, t in enumerate(located.obj.transcripts):
            steps = [{"step": s.step, "actions": list(s.actions), "reply": s.reply, "minutes": s.minutes}
                     for s in t.steps]
            verdicts = [(s.step, s.verdicts.model_dump(exclude_none=True) if s.verdicts else {}) for s in t.steps]
            items.append(Item(t.id, located.obj.case, t.kind, split_of(t.id), t.grade, t.critical, t.reason,
                              steps, verdicts, rel, located.line("transcripts", i), located.obj.round))
    return items


def _for_each(items: list[Item], cases: dict, work) -> None:
    """`work(item, case)` for each item whose case exists; an unknown case, a wrong path or shape
    (TranscriptError) is kept as the item's error."""
    for item in items:
        located = cases.get(item.case)
        if located is None:
            item.error = f"unknown case {item.case}"
            continue
        try:
            work(item, located.obj)
        except ValueError as exc:  # TranscriptError: wrong path or shape
            item.error = str(exc)


def score_items(items: list[Item], cases: dict, score_fn) -> None:
    """Fill each item's score with `score_fn(case, {"steps": …}) -> Report` (errors kept per item)."""
    def work(item: Item, case) -> None:
        item.report = score_fn(case, {"steps": item.steps})
        item.score = item.report.score
        item.auto_critical = bool(item.report.critical)
    _for_each(items, cases, work)


def check_items(items: list[Item], cases: dict) -> None:
    """Check each item's shape and path through its scenario without scoring it (errors kept per item)."""
    from .scorer import checked_turns
    _for_each(items, cases, lambda item, case: checked_turns(case, {"steps": item.steps}))


def _auto_verdicts(report: Report, step: str) -> dict:
    """The scorer's verdicts at a step, in the trainer's vocabulary."""
    crit = [c for c in report.criteria if c.step == step and c.status != NA]
    out: dict = {"key_points": {}}
    actions = [c for c in crit if c.kind in ("required_actions", "forbidden_actions")]
    if actions:
        out["actions"] = PASS if all(c.status == PASS for c in actions) else FAIL
    tone = [c for c in crit if c.kind == "tone"]
    if tone:
        out["tone"] = PASS if all(c.status == PASS for c in tone) else FAIL
    time = [c for c in crit if c.kind == "response_time"]
    if time:
        out["time"] = time[0].status
    for c in crit:
        if c.kind == "key_points":
            out["key_points"][c.label] = c.status == PASS
    return out


@dataclass
class Figures:
    n: int = 0
    spearman: float | None = None
    pearson: float | None = None
    mae: float | None = None
    qwk: float | None = None
    false_pass_rate: float | None = None
    false_fail_rate: float | None = None
    bad: int = 0
    good: int = 0
    false_passes: int = 0
    false_fails: int = 0
    criticals: int = 0
    critical_recall: float | None = None
    false_criticals: int = 0
    # possible critical failures sent to a trainer for review (Report.review): the missed criticals it
    # catches, and the share of the other transcripts it sends
    missed_criticals: int = 0
    review_caught: int = 0
    unflagged: int = 0
    review_sent: int = 0
    kappa: dict = field(default_factory=dict)  # criterion kind -> (kappa, n)
    by_kind: dict = field(default_factory=dict)  # transcript kind -> (n, mean trainer, mean scorer, MAE)
    errors: int = 0

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def figures(items: list[Item]) -> Figures:
    f = Figures()
    scored = [i for i in items if i.score is not None]
    f.errors = len(items) - len(scored)
    f.n = len(scored)
    if not scored:
        return f
    grades = [i.grade for i in scored]
    autos = [i.score for i in scored]
    f.spearman = spearman(grades, autos)
    f.pearson = pearson(grades, autos)
    f.mae = sum(abs(a - b) for a, b in zip(grades, autos)) / len(scored)
    band = lambda x: min(9, int(x // 10))  # noqa: E731
    f.qwk = quadratic_kappa([band(g) for g in grades], [band(a) for a in autos], 10)
    bad = [i for i in scored if i.grade < PASS_MARK]
    good = [i for i in scored if i.grade >= PASS_MARK]
    f.bad, f.good = len(bad), len(good)
    f.false_passes = sum(i.score >= PASS_MARK for i in bad)
    f.false_fails = sum(i.score < PASS_MARK for i in good)
    f.false_pass_rate = f.false_passes / len(bad) if bad else None
    f.false_fail_rate = f.false_fails / len(good) if good else None
    crit = [i for i in scored if i.critical]
    f.criticals = len(crit)
    f.critical_recall = sum(i.auto_critical for i in crit) / len(crit) if crit else None
    f.false_criticals = sum(i.auto_critical for i in scored if not i.critical)
    review = lambda i: bool(i.report is not None and i.report.review)  # noqa: E731
    missed = [i for i in crit if not i.auto_critical]
    f.missed_criticals, f.review_caught = len(missed), sum(review(i) for i in missed)
    others = [i for i in scored if not i.critical and not i.auto_critical]
    f.unflagged, f.review_sent = len(others), sum(review(i) for i in others)
    pairs: dict[str, tuple[list, list]] = {}
    for item in scored:
        for step, human in item.verdicts:
            auto = _auto_verdicts(item.report, step)
            for kind in ("actions", "tone", "time"):
                if kind in human and kind in auto:
                    a, b = pairs.setdefault(kind, ([], []))
                    a.append(human[kind])
                    b.append(auto[kind])
            for point, ok in (human.get("key_points") or {}).items():
                if point in auto["key_points"]:
                    a, b = pairs.setdefault("key_points", ([], []))
                    a.append(PASS if ok else FAIL)
                    b.append(PASS if auto["key_points"][point] else FAIL)
    f.kappa = {k: (cohen_kappa(a, b), len(a)) for k, (a, b) in sorted(pairs.items())}
    kinds: dict[str, list[Item]] = {}
    for item in scored:
        kinds.setdefault(item.kind, []).append(item)
    f.by_kind = {k: (len(v), sum(i.grade for i in v) / len(v), sum(i.score for i in v) / len(v),
                     sum(abs(i.grade - i.score) for i in v) / len(v)) for k, v in sorted(kinds.items())}
    return f


#: The regression floor `casebook lint` enforces on the held-out part: the figures this scorer
#: reached (README, "How valid is the score"), less a small margin. It stops a change from making
#: the score less valid; THRESHOLDS above is the bar the scorer is meant to reach and does not yet.
FLOOR = {
    "spearman": (">=", 0.86),
    "mae": ("<=", 12.0),
    "false_pass_rate": ("<=", 0.12),
    "false_fail_rate": ("<=", 0.15),
    "critical_recall": (">=", 0.93),
    "false_criticals": ("<=", 1),
}


def below_bar(f: Figures, bar: dict | None = None) -> list[str]:
    """The thresholds a part misses, as readable strings (empty: the bar is met)."""
    out = []
    for name, (op, bar) in (bar or THRESHOLDS).items():
        value = getattr(f, name)
        if value is None:
            if name == "critical_recall" and f.criticals == 0:
                continue
            out.append(f"{name} undefined")
            continue
        ok = value >= bar if op == ">=" else value <= bar
        if not ok:
            out.append(f"{name} {value:.3g} (needs {op} {bar:g})")
    return out


def _fmt(v, pct=False) -> str:
    if v is None:
        return "–"
    if pct:
        return f"{100 * v:.0f}%"
    return f"{v:.2f}" if isinstance(v, float) else str(v)


def table(parts: dict[str, Figures]) -> str:
    """A Markdown table of the figures per part (tuning, held-out, all)."""
    names = list(parts)
    rows = [
        ("transcripts", lambda f: str(f.n)),
        ("Spearman", lambda f: _fmt(f.spearman)),
        ("Pearson", lambda f: _fmt(f.pearson)),
        ("mean absolute error", lambda f: _fmt(f.mae)),
        ("quadratic-weighted kappa (10-point bands)", lambda f: _fmt(f.qwk)),
        ("false passes (bad work ≥ 70)", lambda f: f"{f.false_passes}/{f.bad} ({_fmt(f.false_pass_rate, True)})"),
        ("false fails (good work < 70)", lambda f: f"{f.false_fails}/{f.good} ({_fmt(f.false_fail_rate, True)})"),
        ("critical recall", lambda f: f"{_fmt(f.critical_recall, True)} of {f.criticals}"),
        ("false criticals", lambda f: str(f.false_criticals)),
        ("missed criticals sent for review", lambda f: f"{f.review_caught}/{f.missed_criticals}"),
        ("other transcripts sent for review", lambda f: f"{f.review_sent}/{f.unflagged}"),
    ]
    kinds = sorted({k for f in parts.values() for k in f.kappa})
    for kind in kinds:
        rows.append((f"Cohen's kappa: {kind}",
                     lambda f, k=kind: (f"{_fmt(f.kappa[k][0])} (n={f.kappa[k][1]})" if k in f.kappa else "–")))
    out = ["| | " + " | ".join(names) + " |", "| --- |" + " --- |" * len(names)]
    for label, get in rows:
        out.append(f"| {label} | " + " | ".join(get(parts[n]) for n in names) + " |")
    return "\n".join(out)


def kind_table(f: Figures) -> str:
    out = ["| transcript kind | n | trainer mean | scorer mean | MAE |", "| --- | --- | --- | --- | --- |"]
    for kind, (n, g, s, mae) in f.by_kind.items():
        out.append(f"| {kind} | {n} | {g:.0f} | {s:.0f} | {mae:.0f} |")
    return "\n".join(out)


def validate_project(project, score_fn, problems: ProblemList | None = None) -> tuple[list[Item], dict[str, Figures]]:
    """Load, score and measure the whole validation set of a project."""
    items = load_set(project.root, problems)
    score_items(items, project.cases, score_fn)
    tuned = [i for i in items if i.round in TUNED_ROUNDS]
    parts = {
        "tuning": figures([i for i in tuned if i.split == "tuning"]),
        "held-out": figures([i for i in tuned if i.split == "heldout"]),
    }
    blind = [i for i in items if i.round != DISPUTES]
    for n in sorted({i.round for i in blind} - set(TUNED_ROUNDS)):
        parts[f"round {n} (written after tuning)"] = figures([i for i in items if i.round == n])
    parts["all"] = figures(blind)
    disputes = [i for i in items if i.round == DISPUTES]
    if disputes:  # trainer-corrected, not blind: a group of its own, outside "all" and never tuned on
        parts["disputes (trainer-corrected, not blind)"] = figures(disputes)
    return items, parts


@dataclass(frozen=True)
class Contradiction:
    transcript: str
    step: str
    point: str
    says: str       # the words of the reply that contradict the point
    path: str
    line: int


@dataclass(frozen=True)
class ContradictionLabels:
    """Every blind contradiction label, and the (case, round) pairs their labellers went through completely."""
    labels: list[Contradiction]
    covered: frozenset[tuple[str, int]]

    def covers(self, item: Item) -> bool:
        """The labellers went through this transcript: a contradiction in it, if any, is labelled."""
        return (item.case, item.round) in self.covered


def load_contradictions(root, problems: ProblemList | None = None) -> ContradictionLabels:
    """The blind contradiction labels of every cases/scoring/contradictions-*.yml with what they cover (a
    file that does not load is reported to `problems`, with file and line, and left out)."""
    problems = problems if problems is not None else ProblemList()
    out: list[Contradiction] = []
    covered: set[tuple[str, int]] = set()
    for path in sorted(Path(root).glob(CONTRA_GLOB)):
        located = load_contradiction_file(path, path.relative_to(root).as_posix(), problems)
        if located is None:
            continue
        covered.update((case, n) for case in located.obj.covered for n in located.obj.rounds)
        for i, c in enumerate(located.obj.contradictions):
            out.append(Contradiction(c.transcript, c.step, c.point, c.says, located.path,
                                     located.line("contradictions", i)))
    return ContradictionLabels(out, frozenset(covered))
