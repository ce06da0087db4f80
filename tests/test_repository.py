"""The repository's own content: lint-clean and meeting the rulebook and case-library counts."""
from __future__ import annotations

from collections import Counter

import pytest

from casebook.content import load_project
from tests.conftest import REPO


@pytest.fixture(scope="module")
def project():
    return load_project(REPO)


def test_content_is_lint_clean(project):
    assert [p.format() for p in project.problems.errors] == []


def test_rulebook_counts(project):
    assert len(project.chapters) >= 21
    assert len(project.rules) >= 70
    for chapter in project.chapters:
        assert len(chapter.rules) >= 3, chapter.code


def test_case_library_counts(project):
    assert len(project.cases) >= 24
    chapters = {c.obj.chapter for c in project.cases.values()}
    assert {c.code for c in project.chapters} <= chapters
    for located in project.cases.values():
        case = located.obj
        assert len(case.transcript) >= 6 and sum(m.note is not None for m in case.transcript) >= 3
        assert len(set(case.rules)) >= 2
        assert case.scenario is not None and len(case.scenario.golden) >= 2


def test_required_pages_exist():
    for page in ("quickref.md", "glossary.md", "workflows/problem-handling.md", "workflows/escalation.md",
                 "workflows/dispute.md", "workflows/crisis.md", "workflows/feedback-loop.md", "workflows/sanction-appeal.md"):
        assert (REPO / "docs" / page).is_file(), page


def test_sla_numbers_are_stated(project):
    assert "5分钟" in project.rules["RESP-01"].statement
    assert "24小时" in project.rules["RESP-02"].statement


def test_question_bank_counts(project):
    assert len(project.questions) >= 160
    per_chapter = Counter(q.obj.chapter for q in project.questions.values())
    for chapter in project.chapters:
        assert per_chapter[chapter.code] >= 6, chapter.code
    assert set(Counter(q.obj.type for q in project.questions.values())) == {
        "single", "multiple", "true_false", "ordering", "matching", "short_answer"}
