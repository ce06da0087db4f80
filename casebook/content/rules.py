"""Rulebook chapters: Markdown pages whose `##` sections are rules.

A rule section looks like::

    ## SANC-01 标题

    ```rule
    owner: 社群运营组
    reviewed: 2026-10-15
    review_days: 180
    related: [SANC-02]
    ```

    **规定**：……（含 必须 / 禁止 / 应当 / 不得）
    **原因**：……
    **正确做法**  followed by bullets
    **错误做法**  followed by bullets
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .problems import ProblemList
from .schema import ChapterFront, RuleMeta, RULE_ID_RE
from .source import load_yaml, read_text, split_front_matter
from .validate import validate

HEADING_RE = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
RULE_HEADING_RE = re.compile(r"^(?P<id>[A-Z]{2,5}-\d{2})\s+(?P<title>.+?)(?:\s*\{#(?P<anchor>[^}]*)\})?$")
FENCE_RE = re.compile(r"^(`{3,}|~{3,})\s*([\w-]*)")
LABEL_RE = re.compile(r"^\*\*(规定|原因|正确做法|错误做法)\*\*\s*[:：]?\s*(.*)$")
BULLET_RE = re.compile(r"^\s*[-*+]\s+(.*)$")
NORMATIVE = ("必须", "禁止", "应当", "不得")


@dataclass
class Rule:
    id: str
    title: str
    chapter: str
    path: str
    line: int
    statement: str = ""
    why: str = ""
    do: list[str] = field(default_factory=list)
    dont: list[str] = field(default_factory=list)
    meta: RuleMeta | None = None
    meta_line: int = 0
    body: str = ""

    @property
    def related(self) -> list[str]:
        return list(self.meta.related) if self.meta else []

    @property
    def tags(self) -> list[str]:
        return list(self.meta.tags) if self.meta else []


@dataclass
class Chapter:
    code: str
    title: str
    order: int
    path: str
    intro: str
    rules: list[Rule]


@dataclass
class Fence:
    info: str
    start: int  # line of the opening fence
    lines: list[str]


def _sections(body_lines: list[str], first_line: int):
    """Yield ('heading', level, text, line) and ('line', text, line) and ('fence', Fence)."""
    fence: Fence | None = None
    marker = ""
    for offset, raw in enumerate(body_lines):
        line_no = first_line + offset
        stripped = raw.rstrip()
        if fence is not None:
            if stripped.strip().startswith(marker) and set(stripped.strip()) == {marker[0]} and len(stripped.strip()) >= len(marker):
                yield ("fence", fence)
                fence = None
            else:
                fence.lines.append(raw)
            continue
        match = FENCE_RE.match(stripped.lstrip()) if len(stripped) - len(stripped.lstrip()) < 4 else None
        if match:
            marker = match.group(1)
            fence = Fence(match.group(2), line_no, [])
            continue
        heading = HEADING_RE.match(stripped)
        if heading and len(stripped) - len(stripped.lstrip()) == 0:
            yield ("heading", len(heading.group(1)), heading.group(2), line_no)
            continue
        yield ("line", raw, line_no)
    if fence is not None:
        yield ("unclosed", fence)


def load_chapter(path: Path, rel: str, problems: ProblemList) -> Chapter | None:
    text = read_text(path, rel, problems)
    if text is None:
        return None
    front_text, body, body_start = split_front_matter(text)
    if front_text is None:
        if text.startswith("---"):
            problems.error(rel, 1, "front matter is not closed with '---'", "front-matter")
        else:
            problems.error(rel, 1, "missing front matter (chapter, title, order)", "front-matter")
        return None
    data, lines = load_yaml(front_text, rel, problems, line_offset=1)
    front = validate(ChapterFront, data, rel, lines, problems)
    if front is None:
        return None

    rules: list[Rule] = []
    intro: list[str] = []
    current: Rule | None = None
    label = ""
    section_lines: list[str] = []
    seen_labels: dict[str, int] = {}

    def finish(rule: Rule | None):
        if rule is None:
            return
        rule.body = "\n".join(section_lines).strip()
        if rule.meta is None and rule.meta_line == 0:
            problems.error(rel, rule.line, f"rule {rule.id} has no ```rule metadata block (owner, reviewed, review_days)", "rule-meta")
        for name, attr in (("规定", "statement"), ("原因", "why")):
            if not getattr(rule, attr):
                problems.error(rel, rule.line, f"rule {rule.id} is missing **{name}**", "rule-part")
        if not rule.do:
            problems.error(rel, rule.line, f"rule {rule.id} is missing **正确做法** with at least one bullet", "rule-part")
        if not rule.dont:
            problems.error(rel, rule.line, f"rule {rule.id} is missing **错误做法** with at least one bullet", "rule-part")
        if rule.statement and not any(word in rule.statement for word in NORMATIVE):
            problems.error(rel, seen_labels.get("规定", rule.line),
                           f"rule {rule.id}: the statement must be normative (use 必须, 禁止, 应当 or 不得)", "rule-normative")

    for item in _sections(body.split("\n"), body_start):
        kind = item[0]
        if kind == "heading":
            _, level, title, line_no = item
            if level == 1:
                if current is not None:
                    problems.error(rel, line_no, "a '#' title may only appear before the first rule", "structure")
                continue
            if level == 2:
                finish(current)
                section_lines = []
                seen_labels = {}
                label = ""
                match = RULE_HEADING_RE.match(title)
                if not match:
                    problems.error(rel, line_no, f"'## {title}' is not a rule heading: write '## {front.chapter}-NN 标题'", "rule-heading")
                    current = None
                    continue
                rule_id = match.group("id")
                if match.group("anchor") not in (None, rule_id):
                    problems.error(rel, line_no, f"rule {rule_id}: heading anchor '#{match.group('anchor')}' must equal the rule ID", "rule-heading")
                if not rule_id.startswith(front.chapter + "-"):
                    problems.error(rel, line_no, f"rule {rule_id} does not belong to chapter {front.chapter} (IDs here start with {front.chapter}-)", "rule-id")
                current = Rule(rule_id, match.group("title").strip(), front.chapter, rel, line_no)
                rules.append(current)
                continue
            # deeper headings are ordinary content
            if current is not None:
                section_lines.append("#" * level + " " + title)
            else:
                intro.append("#" * level + " " + title)
            continue
        if kind in ("fence", "unclosed"):
            fence: Fence = item[1]
            if kind == "unclosed":
                problems.error(rel, fence.start, "code block is never closed (missing ```)", "structure")
            if current is not None and fence.info == "rule":
                if current.meta_line:
                    problems.error(rel, fence.start, f"rule {current.id} has a second ```rule block", "rule-meta")
                    continue
                current.meta_line = fence.start
                data, lines = load_yaml("\n".join(fence.lines), rel, problems, line_offset=fence.start)
                current.meta = validate(RuleMeta, data, rel, lines, problems, context=f"rule {current.id}")
                continue
            if fence.info == "rule":
                problems.error(rel, fence.start, "```rule block outside a rule section", "rule-meta")
                continue
            block = "\n".join([f"```{fence.info}", *fence.lines, "```"])
            (section_lines if current is not None else intro).append(block)
            continue
        _, raw, line_no = item
        if current is None:
            intro.append(raw)
            continue
        section_lines.append(raw)
        labelled = LABEL_RE.match(raw.strip())
        if labelled:
            label, rest = labelled.group(1), labelled.group(2).strip()
            if label in seen_labels:
                problems.error(rel, line_no, f"rule {current.id}: **{label}** appears twice", "rule-part")
            seen_labels[label] = line_no
            if label == "规定":
                current.statement = rest
            elif label == "原因":
                current.why = rest
            elif rest:
                (current.do if label == "正确做法" else current.dont).append(rest)
            continue
        bullet = BULLET_RE.match(raw)
        if bullet and label in ("正确做法", "错误做法"):
            (current.do if label == "正确做法" else current.dont).append(bullet.group(1).strip())
        elif raw.strip() and label in ("规定", "原因") and not bullet:
            attr = "statement" if label == "规定" else "why"
            setattr(current, attr, (getattr(current, attr) + raw.strip()))
        elif not raw.strip():
            if label in ("规定", "原因"):
                label = label + "-done"
    finish(current)
    if not rules:
        problems.error(rel, body_start, f"chapter {front.chapter} has no rules ('## {front.chapter}-01 标题')", "rule-count")
    return Chapter(front.chapter, front.title, front.order, rel, "\n".join(intro).strip(), rules)


def is_rule_id(value: str) -> bool:
    return bool(RULE_ID_RE.match(value))
