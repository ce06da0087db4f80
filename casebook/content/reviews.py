"""Rule changes reach the training material.

docs/reviews.yml (under version control) records, per rule, the hash of the rule's text that a
trainer last confirmed the training material against, with who and when::

    confirmed:
      - rule: SANC-03
        hash: 3f2a9c0d1e4b5a67
        by: 培训组·林老师
        at: 2026-11-30T07:00:00Z

When a rule's text (title and body; not its metadata block) no longer matches its recorded hash,
lint lists every question, case, scenario and golden transcript that cites the rule as "to
re-check" until a trainer runs `casebook review confirm RULE-ID`. A rule without a record is not
tracked yet (new rules start clean; confirm them to start tracking).
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import Field

from .files import Located, load_model
from .problems import ProblemList
from .schema import RuleId, Strict, Text

REVIEWS_FILE = "docs/reviews.yml"
HASH_RE = r"^[0-9a-f]{16}$"
HEADER = """\
# Trainer confirmations that the training material still matches each rule's text.
# Written by `casebook review confirm RULE-ID` (do not edit the hashes by hand). When a rule's text
# changes, `casebook lint` lists the questions, cases, scenarios and goldens citing it as "to
# re-check" until a trainer confirms them again.
"""


class Confirmation(Strict):
    rule: RuleId
    hash: Annotated[str, Field(pattern=HASH_RE)]
    by: Text
    at: dt.datetime


class ReviewsFile(Strict):
    confirmed: list[Confirmation] = []


def rule_hash(rule) -> str:
    """A short hash of a rule's title and text, insensitive to blank lines and trailing spaces."""
    lines = [line.rstrip() for line in rule.body.split("\n")]
    text = rule.title.strip() + "\n" + "\n".join(line for line in lines if line)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def load_reviews(root: Path, problems: ProblemList) -> Located[ReviewsFile] | None:
    path = Path(root) / REVIEWS_FILE
    if not path.is_file():
        return None
    return load_model(ReviewsFile, path, REVIEWS_FILE, problems)


@dataclass
class Citation:
    """One piece of training material that cites a rule."""
    kind: str      # question | case | scenario | golden
    ref: str       # the question or case ID
    path: str
    line: int
    name: str = ""  # a golden's name

    @property
    def label(self) -> str:
        if self.kind == "scenario":
            return f"scenario of {self.ref}"
        if self.kind == "golden":
            return f"golden '{self.name}' of {self.ref}"
        return f"{self.kind} {self.ref}"


def citations(project, rule_id: str) -> list[Citation]:
    """Every question, case, scenario and golden that cites rule_id (a case's scenario and goldens
    are graded against the case, so they cite what the case cites)."""
    found: list[Citation] = []
    for qid, located in sorted(project.questions.items()):
        if rule_id in located.obj.rules:
            found.append(Citation("question", qid, located.path, located.line_of("rules")))
    for case_id, located in sorted(project.cases.items()):
        case = located.obj
        cited = set(case.rules) | {r for m in case.transcript if m.note for r in m.note.rules} \
            | {r for s in case.handling for r in s.rules} | {m.rule for m in case.mistakes}
        if rule_id not in cited:
            continue
        found.append(Citation("case", case_id, located.path, located.line("id")))
        if case.scenario is not None:
            found.append(Citation("scenario", case_id, located.path, located.line("scenario")))
            for g, golden in enumerate(case.scenario.golden):
                found.append(Citation("golden", case_id, located.path, located.line("scenario", "golden", g, "name"), golden.name))
    return found


def changed_rules(project) -> dict[str, Confirmation]:
    """Rules whose text no longer matches their last confirmation: rule ID -> that confirmation."""
    reviews = project.reviews
    if reviews is None:
        return {}
    latest: dict[str, Confirmation] = {}
    for entry in reviews.obj.confirmed:
        if entry.rule not in latest or _stamp(entry.at) >= _stamp(latest[entry.rule].at):
            latest[entry.rule] = entry
    return {rid: entry for rid, entry in latest.items()
            if rid in project.rules and rule_hash(project.rules[rid]) != entry.hash}


def check_reviews(project) -> None:
    """Lint: unknown rules in the file, and the material to re-check for every changed rule."""
    reviews = project.reviews
    if reviews is None:
        return
    problems = project.problems
    for i, entry in enumerate(reviews.obj.confirmed):
        if entry.rule not in project.rules:
            problems.error(reviews.path, reviews.line("confirmed", i, "rule"), f"review record for unknown rule {entry.rule}", "unknown-rule")
    for rule_id, entry in sorted(changed_rules(project).items()):
        rule = project.rules[rule_id]
        cites = citations(project, rule_id)
        problems.warning(rule.path, rule.line,
                         f"rule {rule_id} changed since {entry.by} confirmed it on {entry.at:%Y-%m-%d}; "
                         f"{len(cites)} item(s) to re-check, then run `casebook review confirm {rule_id}`", "review-changed")
        for cite in cites:
            problems.warning(cite.path, cite.line, f"{cite.label}: to re-check, it cites {rule_id}, whose text changed", "review-changed")


def confirm(root: Path, project, rule_ids: list[str], by: str, now: dt.datetime | None = None) -> list[str]:
    """Record the current text of rule_ids as confirmed by `by`; returns the IDs recorded.
    The file keeps one record per rule (the latest), sorted by rule ID."""
    now = (now or dt.datetime.now(dt.timezone.utc)).replace(microsecond=0)
    unknown = [r for r in rule_ids if r not in project.rules]
    if unknown:
        raise ValueError(f"unknown rule(s): {', '.join(unknown)}")
    path = Path(root) / REVIEWS_FILE
    records: dict[str, dict] = {}
    if project.reviews is not None:
        for entry in project.reviews.obj.confirmed:
            records[entry.rule] = {"rule": entry.rule, "hash": entry.hash, "by": entry.by, "at": _stamp(entry.at)}
    for rule_id in rule_ids:
        records[rule_id] = {"rule": rule_id, "hash": rule_hash(project.rules[rule_id]), "by": by, "at": _stamp(now)}
    body = yaml.safe_dump({"confirmed": [records[k] for k in sorted(records)]}, allow_unicode=True, sort_keys=False,
                          default_flow_style=False, width=200)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER + body, encoding="utf-8")
    return list(rule_ids)


def _stamp(value: dt.datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")

