"""Load a whole content tree (docs/, cases/, quiz/, search/) into one Project."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from .files import Located, load_case, load_eval, load_exam, load_quiz, load_rubric, load_synonyms, load_tags, load_userdict
from .problems import ProblemList
from .rules import Chapter, Rule, load_chapter
from .question_types import Question
from .schema import Case, EvalQuery, PageFront
from .source import load_yaml, read_text, split_front_matter
from .validate import validate

RULES_DIR = "docs/rules"
TAGS_FILE = "docs/tags.yml"
CASES_DIR = "cases"
QUIZ_DIR = "quiz"
EXAM_FILE = "quiz/exam/exam.yml"
RUBRIC_FILE = "cases/scoring/rubric.yml"
SEARCH_DIR = "search"


@dataclass
class Page:
    """Any other Markdown page in docs/ (workflows, quick reference, glossary...)."""
    path: str       # relative to the project root
    title: str | None
    tags: list[str]
    text: str


@dataclass
class LocatedQuestion:
    obj: Question
    path: str
    line: int
    source: Located | None = None
    index: int = 0

    def line_of(self, *loc) -> int:
        """The file line of a value inside this question (e.g. line_of("rules", 0))."""
        return self.source.line("questions", self.index, *loc) if self.source else self.line


@dataclass
class Project:
    root: Path
    chapters: list[Chapter] = field(default_factory=list)
    rules: dict[str, Rule] = field(default_factory=dict)
    cases: dict[str, Located[Case]] = field(default_factory=dict)
    questions: dict[str, LocatedQuestion] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)
    synonyms: list[list[str]] = field(default_factory=list)
    userdict: list[str] = field(default_factory=list)
    eval_queries: list[EvalQuery] = field(default_factory=list)
    eval_source: Located | None = None
    #: every evaluation set in search/eval/*.yml by file stem (queries, blind, …)
    eval_sets: dict[str, Located] = field(default_factory=dict)
    synonyms_source: Located | None = None
    exam: Located | None = None
    rubric: Located | None = None
    reviews: Located | None = None   # docs/reviews.yml: trainers' confirmations per rule
    pages: list[Page] = field(default_factory=list)
    problems: ProblemList = field(default_factory=ProblemList)
    today: dt.date = field(default_factory=dt.date.today)

    @property
    def chapter_by_code(self) -> dict[str, Chapter]:
        return {c.code: c for c in self.chapters}

    def chapter_slug(self, code: str) -> str:
        chapter = self.chapter_by_code.get(code)
        return Path(chapter.path).stem if chapter else code.lower()

    def rule_url(self, rule_id: str) -> str:
        """Site-relative URL of a rule (directory URLs, as MkDocs builds them)."""
        rule = self.rules.get(rule_id)
        slug = Path(rule.path).stem if rule else rule_id.split("-")[0].lower()
        return f"rules/{slug}/#{rule_id}"

    @staticmethod
    def case_slug(case_id: str) -> str:
        return case_id.lower()

    def case_url(self, case_id: str) -> str:
        return f"cases/{self.case_slug(case_id)}/"

    @property
    def scenarios(self) -> dict[str, Located[Case]]:
        return {k: v for k, v in self.cases.items() if v.obj.scenario is not None}


def _rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def _yaml_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix in (".yml", ".yaml"))


def read_project(root: str | Path, today: dt.date | None = None) -> Project:
    """Read every content file under root, each checked on its own (schema, syntax); the checks
    across files are `checks.check_project` (`loader.load_project` runs both). Never raises on bad
    content: see project.problems."""
    root = Path(root).resolve()
    project = Project(root=root)
    if today:
        project.today = today
    problems = project.problems

    tags_path = root / TAGS_FILE
    if tags_path.is_file():
        loaded = load_tags(tags_path, TAGS_FILE, problems)
        if loaded:
            project.tags = dict(loaded.obj.tags)
    else:
        problems.error(TAGS_FILE, 1, "the allowed tag list is missing", "missing-file")

    rules_dir = root / RULES_DIR
    for path in sorted(rules_dir.glob("*.md")) if rules_dir.is_dir() else []:
        chapter = load_chapter(path, _rel(root, path), problems)
        if chapter is not None:
            project.chapters.append(chapter)
    project.chapters.sort(key=lambda c: (c.order, c.code))

    docs = root / "docs"
    for path in sorted(docs.rglob("*.md")) if docs.is_dir() else []:
        rel = _rel(root, path)
        if rel.startswith(RULES_DIR + "/"):
            continue
        text = read_text(path, rel, problems)
        if text is None:
            continue
        front_text, _, _ = split_front_matter(text)
        front = PageFront()
        if front_text is not None:
            data, lines = load_yaml(front_text, rel, problems, line_offset=1)
            if data is not None:
                front = validate(PageFront, data, rel, lines, problems) or PageFront()
        project.pages.append(Page(rel, front.title, list(front.tags), text))

    for path in _yaml_files(root / CASES_DIR):
        loaded = load_case(path, _rel(root, path), problems)
        if loaded is None:
            continue
        case_id = loaded.obj.id
        if case_id in project.cases:
            other = project.cases[case_id]
            problems.error(loaded.path, loaded.line("id"), f"duplicate case ID {case_id} (also in {other.path}:{other.line('id')})", "duplicate-id")
            continue
        project.cases[case_id] = loaded

    for path in _yaml_files(root / QUIZ_DIR):
        loaded = load_quiz(path, _rel(root, path), problems)
        if loaded is None:
            continue
        for index, question in enumerate(loaded.obj.questions):
            line = loaded.line("questions", index)
            if question.id in project.questions:
                other = project.questions[question.id]
                problems.error(loaded.path, loaded.line("questions", index, "id"),
                               f"duplicate question ID {question.id} (also in {other.path}:{other.line})", "duplicate-id")
                continue
            project.questions[question.id] = LocatedQuestion(question, loaded.path, line, loaded, index)

    if (root / EXAM_FILE).is_file():
        project.exam = load_exam(root / EXAM_FILE, EXAM_FILE, problems)
    if (root / RUBRIC_FILE).is_file():
        project.rubric = load_rubric(root / RUBRIC_FILE, RUBRIC_FILE, problems)

    search = root / SEARCH_DIR
    if (search / "synonyms.yml").is_file():
        loaded = load_synonyms(search / "synonyms.yml", f"{SEARCH_DIR}/synonyms.yml", problems)
        if loaded:
            project.synonyms = [list(g) for g in loaded.obj.groups]
            project.synonyms_source = loaded
    if (search / "userdict.txt").is_file():
        project.userdict = load_userdict(search / "userdict.txt", f"{SEARCH_DIR}/userdict.txt", problems)
    for eval_path in sorted((search / "eval").glob("*.yml")) if (search / "eval").is_dir() else []:
        loaded = load_eval(eval_path, f"{SEARCH_DIR}/eval/{eval_path.name}", problems)
        if loaded:
            project.eval_sets[eval_path.stem] = loaded
            if eval_path.name == "queries.yml":
                project.eval_queries = list(loaded.obj.queries)
                project.eval_source = loaded

    from .reviews import load_reviews
    project.reviews = load_reviews(root, problems)

    return project
