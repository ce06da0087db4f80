"""Loaders for the YAML content kinds: cases, quiz files, tags and search content."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from pydantic import BaseModel

from .problems import ProblemList
from .question_types import QuizFile
from .schema import (Case, ContradictionsFile, EvalFile, ExamFile, RubricFile, SynonymsFile, TagsFile,
                     ValidationFile)
from .source import LineMap, load_yaml, read_text
from .validate import validate

M = TypeVar("M", bound=BaseModel)


@dataclass
class Located(Generic[M]):
    """A validated content object with the file and line map it came from."""
    obj: M
    path: str
    lines: LineMap

    def line(self, *loc) -> int:
        return self.lines.line(loc)


def load_model(model: type[M], path: Path, rel: str, problems: ProblemList) -> Located[M] | None:
    text = read_text(path, rel, problems)
    if text is None:
        return None
    if not text.strip():
        problems.error(rel, 1, "file is empty", "empty")
        return None
    data, lines = load_yaml(text, rel, problems)
    if data is None:
        if not problems or problems[-1].path != rel:
            problems.error(rel, 1, "file holds no YAML data", "empty")
        return None
    if not isinstance(data, dict):
        problems.error(rel, 1, f"expected a mapping of keys at the top of the file, found {type(data).__name__}", "schema")
        return None
    obj = validate(model, data, rel, lines, problems)
    return Located(obj, rel, lines) if obj is not None else None


def load_case(path: Path, rel: str, problems: ProblemList) -> Located[Case] | None:
    return load_model(Case, path, rel, problems)


def load_validation(path: Path, rel: str, problems: ProblemList) -> Located[ValidationFile] | None:
    return load_model(ValidationFile, path, rel, problems)


def load_contradictions(path: Path, rel: str, problems: ProblemList) -> Located[ContradictionsFile] | None:
    return load_model(ContradictionsFile, path, rel, problems)


def load_rubric(path: Path, rel: str, problems: ProblemList) -> Located[RubricFile] | None:
    return load_model(RubricFile, path, rel, problems)


def load_quiz(path: Path, rel: str, problems: ProblemList) -> Located[QuizFile] | None:
    return load_model(QuizFile, path, rel, problems)


def load_exam(path: Path, rel: str, problems: ProblemList) -> Located[ExamFile] | None:
    return load_model(ExamFile, path, rel, problems)


def load_tags(path: Path, rel: str, problems: ProblemList) -> Located[TagsFile] | None:
    return load_model(TagsFile, path, rel, problems)


def load_synonyms(path: Path, rel: str, problems: ProblemList) -> Located[SynonymsFile] | None:
    return load_model(SynonymsFile, path, rel, problems)


def load_eval(path: Path, rel: str, problems: ProblemList) -> Located[EvalFile] | None:
    return load_model(EvalFile, path, rel, problems)


def load_userdict(path: Path, rel: str, problems: ProblemList) -> list[str]:
    """A jieba user dictionary: 'word [freq] [tag]' per line."""
    text = read_text(path, rel, problems)
    if text is None:
        return []
    words: list[str] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        if len(parts) > 3 or (len(parts) >= 2 and not parts[1].isdigit()):
            problems.error(rel, number, f"expected 'word [frequency] [tag]', got {line!r}", "userdict")
            continue
        if parts[0] in seen:
            problems.warning(rel, number, f"'{parts[0]}' is already listed on line {seen[parts[0]]}", "userdict")
            continue
        seen[parts[0]] = number
        words.append(parts[0])
    return words
