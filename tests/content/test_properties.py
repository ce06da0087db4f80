"""Property-based tests: whatever the input, loaders report problems and never raise."""
from __future__ import annotations

import datetime as dt
import string

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casebook.content import load_project
from casebook.content.problems import ProblemList
from casebook.content.rules import load_chapter
from casebook.content.files import load_case, load_quiz

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

markdown_bits = st.sampled_from([
    "---\n", "chapter: AAA\n", "title: 标题\n", "order: 1\n", "order: x\n", "## AAA-01 规则\n", "## 不是规则\n",
    "```rule\n", "```\n", "owner: 组\n", "reviewed: 2026-10-01\n", "reviewed: 昨天\n", "review_days: 180\n",
    "related: [AAA-02]\n", "related: {a: 1}\n", "**规定**：必须这样。\n", "**原因**：因为。\n", "**正确做法**\n",
    "**错误做法**\n", "- 示例\n", "# 标题\n", "\n", "[链接](x.md#AAA-01)\n", ": : :\n", "\t\x0b\n", "{{{\n",
])

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=20),
                    st.dates(), st.sampled_from(["CASE-001", "AAA-01", "reply", "10:00", "d2 09:00", "s1"]))
keys = st.sampled_from(["id", "title", "summary", "chapter", "tags", "difficulty", "rules", "author", "created",
                        "reviewed", "setting", "cast", "transcript", "handling", "mistakes", "outcome", "lessons",
                        "scenario", "steps", "golden", "expect", "next", "at", "from", "text", "note", "questions",
                        "type", "options", "answer", "items", "pairs", "x"])
documents = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=5),
                                                           st.dictionaries(keys, inner, max_size=6)), max_leaves=30)


def _no_raise(loader, path, rel):
    problems = ProblemList()
    loader(path, rel, problems)  # must not raise
    for problem in problems:
        assert problem.path == rel and problem.line >= 1 and problem.message


@SETTINGS
@given(st.lists(markdown_bits, max_size=40))
def test_chapter_loader_never_raises(tmp_path, parts):
    path = tmp_path / "ch.md"
    path.write_text("".join(parts), encoding="utf-8")
    _no_raise(load_chapter, path, "docs/rules/ch.md")


@SETTINGS
@given(st.binary(max_size=300))
def test_loaders_survive_arbitrary_bytes(tmp_path, data):
    path = tmp_path / "f.yml"
    path.write_bytes(data)
    for loader in (load_chapter, load_case, load_quiz):
        _no_raise(loader, path, "cases/f.yml")


@SETTINGS
@given(documents)
def test_case_loader_never_raises_on_arbitrary_yaml(tmp_path, doc):
    path = tmp_path / "case.yml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    _no_raise(load_case, path, "cases/case.yml")
    _no_raise(load_quiz, path, "quiz/q.yml")


@SETTINGS
@given(st.text(alphabet=string.printable + "：规定必须", max_size=400))
def test_case_loader_never_raises_on_text(tmp_path, text):
    path = tmp_path / "case.yml"
    path.write_text(text, encoding="utf-8")
    _no_raise(load_case, path, "cases/case.yml")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(mutation=st.tuples(st.sampled_from(["cases/001-sample.yml", "quiz/aaa.yml", "docs/rules/aaa.md"]),
                          st.integers(min_value=0, max_value=4000), st.integers(min_value=0, max_value=40),
                          st.text(max_size=10)))
def test_project_loader_never_raises_on_mutated_files(mini, mutation):
    rel, start, length, insert = mutation
    path = mini / rel
    original = path.read_text(encoding="utf-8")
    start = min(start, len(original))
    path.write_text(original[:start] + insert + original[start + length:], encoding="utf-8")
    try:
        project = load_project(mini, today=dt.date(2026, 11, 23))
        for problem in project.problems:
            assert problem.line >= 1
    finally:
        path.write_text(original, encoding="utf-8")
