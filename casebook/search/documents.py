"""Searchable documents: one per rule, case (with its handling), quiz question and past resolution."""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Iterable, Protocol

from ..content import Project
from .embcache import content_hash

KINDS: dict[str, str] = {"rule": "规则", "case": "案例", "question": "题目", "resolution": "处理记录"}
SITE_PREFIX = "/docs/"
RESOLUTION_URL = "/search/resolutions/{id}"
#: Passages longer than this are cut before embedding (e5 would window them; this bounds cost).
MAX_PASSAGE_CHARS = 2000
#: a section passage (Document.section_passages) holds at most this many characters besides the title
SECTION_CHARS = 400
#: a case's text lines by their label (documents.case_documents); other labelled lines are the transcript
_CASE_SECTIONS = {"处理": "handling", "常见错误": "mistakes", "结果": "outcome", "经验": "outcome"}


@dataclass
class Document:
    kind: str
    id: str
    title: str
    url: str
    text: str
    tags: list[str] = field(default_factory=list)
    chapter: str | None = None
    date: str | None = None         # ISO date: reviewed (rules, cases) or occurred (resolutions)
    rules: list[str] = field(default_factory=list)  # rule IDs this document applies or cites
    passage: str = ""               # what is embedded; defaults to title + text
    title_en: str = ""              # English title (rules), shown to English queries
    keywords_en: list[str] = field(default_factory=list)  # English keywords (rules), keyword-indexed

    def __post_init__(self):
        if not self.passage:
            # the English title is keyword-indexed (keyword_text), not embedded: e5 is cross-lingual
            # already, and the passage (hence the cached vector) stays what it was
            self.passage = f"{self.title}\n{self.text}"
        self.passage = self.passage[:MAX_PASSAGE_CHARS]

    @property
    def keyword_text(self) -> str:
        """What the keyword index tokenises: titles, tags, English keywords and the text."""
        return "\n".join(p for p in (self.title, self.title_en, " ".join(self.tags), " ".join(self.keywords_en),
                                      self.text) if p)

    @property
    def english_passage(self) -> str:
        """A second, English passage of a rule (its English title and keywords), embedded apart:
        multilingual-e5 matches an English question to English text far better than to the
        Chinese rule (search/README.md, "English passages"). Empty for other documents."""
        if self.kind != "rule" or not (self.title_en or self.keywords_en):
            return ""
        title = self.title_en
        if title.startswith(f"{self.id} "):
            title = title[len(self.id) + 1:]
        return ". ".join(p for p in (title.strip(), ", ".join(self.keywords_en)) if p)

    @property
    def section_passages(self) -> list[str]:
        """Shorter passages of a rule or case, embedded apart, so a query about one do/don't line
        or one step of a case meets that part rather than the average of the whole document
        (search/README.md, "Section passages"; a case is also cut at MAX_PASSAGE_CHARS before
        embedding). A rule: its title with each line (statement, reason, each do and don't). A
        case: its title with each section (summary; handling; mistakes; outcome and lessons; the
        transcript in pieces), each at most SECTION_CHARS characters besides the title. Empty for
        questions and resolutions."""
        if self.kind == "rule":
            return [f"{self.title}\n{line[:SECTION_CHARS]}" for line in self.text.split("\n") if line.strip()]
        if self.kind != "case":
            return []
        parts, current, label = [], "", None
        for number, line in enumerate(line for line in self.text.split("\n") if line.strip()):
            section = "summary" if number == 0 else _CASE_SECTIONS.get(line.split("：", 1)[0], "transcript")
            if current and (section != label or len(current) + len(line) + 1 > SECTION_CHARS):
                parts.append(current)
                current = ""
            current = f"{current}\n{line}" if current else line
            label = section
        if current:
            parts.append(current)
        return [f"{self.title}\n{part[:SECTION_CHARS]}" for part in parts]

    @property
    def hash(self) -> str:
        return content_hash(self.passage)

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Document":
        return cls(**data)


class ResolutionLike(Protocol):
    id: str
    date: dt.date | None
    channel: str
    category: str
    problem: str
    resolution: str
    agent: str
    rules: list[str]


def _lines(*parts: Iterable[str] | str | None) -> str:
    out: list[str] = []
    for part in parts:
        if not part:
            continue
        if isinstance(part, str):
            out.append(part.strip())
        else:
            out.extend(p.strip() for p in part if p and p.strip())
    return "\n".join(out)


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def rule_documents(project: Project) -> list[Document]:
    docs = []
    for rule in project.rules.values():
        text = _lines(f"规定：{rule.statement}" if rule.statement else None,
                      f"原因：{rule.why}" if rule.why else None,
                      [f"正确做法：{d}" for d in rule.do],
                      [f"错误做法：{d}" for d in rule.dont])
        meta = rule.meta
        docs.append(Document(kind="rule", id=rule.id, title=f"{rule.id} {rule.title}",
                             url=SITE_PREFIX + project.rule_url(rule.id), text=text, tags=rule.tags,
                             chapter=rule.chapter, date=_iso(meta.reviewed if meta else None),
                             rules=[rule.id, *rule.related],
                             title_en=f"{rule.id} {meta.title_en}" if meta and meta.title_en else "",
                             keywords_en=list(meta.keywords_en) if meta else []))
    return docs


def case_documents(project: Project) -> list[Document]:
    docs = []
    for case_id, located in project.cases.items():
        case = located.obj
        text = _lines(case.summary,
                      [f"处理：{h.text}" for h in case.handling],
                      [f"常见错误：{m.text}（{m.why}）" for m in case.mistakes],
                      f"结果：{case.outcome}",
                      [f"经验：{lesson}" for lesson in case.lessons],
                      [f"{m.sender}：{m.text}" for m in case.transcript])
        docs.append(Document(kind="case", id=case_id, title=f"{case_id} {case.title}",
                             url=SITE_PREFIX + project.case_url(case_id), text=text, tags=list(case.tags),
                             chapter=case.chapter, date=_iso(case.reviewed), rules=list(case.rules)))
    return docs


def question_documents(project: Project) -> list[Document]:
    docs = []
    for qid, located in project.questions.items():
        question = located.obj
        first_rule = question.rules[0] if question.rules else None
        url = SITE_PREFIX + project.rule_url(first_rule) if first_rule else SITE_PREFIX
        text = _lines(question.prompt, f"解析：{question.explanation}")
        title = question.prompt if len(question.prompt) <= 40 else question.prompt[:39] + "…"
        docs.append(Document(kind="question", id=qid, title=f"{qid} {title}", url=url, text=text,
                             tags=list(question.tags), chapter=question.chapter, rules=list(question.rules)))
    return docs


def resolution_document(res: ResolutionLike) -> Document:
    """A past resolution. Its passage is category + problem + resolution (no ID, date or agent),
    so re-importing the same text under another ID reuses the cached vector."""
    problem = res.problem.strip()
    short = problem if len(problem) <= 40 else problem[:39] + "…"
    title = f"{res.category}：{short}" if res.category else short
    text = _lines(f"问题：{problem}", f"处理：{res.resolution.strip()}")
    passage = _lines(f"{res.category}：{problem}" if res.category else problem, res.resolution)
    return Document(kind="resolution", id=res.id, title=title, url=RESOLUTION_URL.format(id=res.id), text=text,
                    tags=[res.category] if res.category else [], chapter=None, date=_iso(res.date),
                    rules=list(res.rules or []), passage=passage)


def content_documents(project: Project) -> list[Document]:
    """Every rule, case and quiz question of a content tree."""
    return rule_documents(project) + case_documents(project) + question_documents(project)
