"""Draws: unseen questions first, filters, the exam blueprint."""
from __future__ import annotations

import random

import pytest

from casebook.content import load_project
from casebook.quiz import draw
from tests.conftest import REPO


@pytest.fixture(scope="module")
def project():
    return load_project(REPO)


def test_practice_prefers_unseen(project):
    chapter = project.chapters[0].code
    pool = sorted(q for q, lq in project.questions.items() if lq.obj.chapter == chapter)
    seen = set(pool[:-3])
    for seed in range(10):
        ids = draw.practice(project, seen=seen, chapter=chapter, count=3, rng=random.Random(seed))
        assert set(ids) == set(pool[-3:])
    more = draw.practice(project, seen=seen, chapter=chapter, count=5, rng=random.Random(1))
    assert set(pool[-3:]) <= set(more) and len(set(more)) == 5


def test_practice_filters(project):
    ids = draw.practice(project, difficulty=3, count=500)
    assert ids and all(project.questions[i].obj.difficulty == 3 for i in ids)
    tag = next(t for q in project.questions.values() for t in q.obj.tags)
    assert all(tag in project.questions[i].obj.tags for i in draw.practice(project, tag=tag, count=5))
    with pytest.raises(draw.DrawError):
        draw.practice(project, tag="没有这个标签")


def test_exam_blueprint_from_content(project):
    config = draw.load_exam_config(project)
    assert config.pass_mark == 0.8 and config.time_limit_min == 45
    assert set(config.blueprint) == {c.code for c in project.chapters}
    assert draw.check_exam_config(project) == []
    ids = draw.exam(project, config, rng=random.Random(2))
    assert len(ids) == sum(config.blueprint.values()) == 46 and len(set(ids)) == 46  # 23 chapters x 2
    for code, n in config.blueprint.items():
        assert sum(project.questions[i].obj.chapter == code for i in ids) == n


def test_bank_short_answers_reward_the_reference_not_a_generic_answer(project):
    """Short answers use the scenario scorer's matcher: every reference answer earns most of its points,
    a generic answer that fits any question (issue #11) earns at most one point of any question."""
    from casebook.quiz.types import grade
    from casebook.scoring import point_matcher
    matcher = point_matcher(project)
    generic = "按规则处理，先安抚用户，说明原因，及时升级并跟进，最后登记记录。"
    shorts = [q.obj for q in project.questions.values() if q.obj.type == "short_answer"]
    assert shorts
    reference = [grade(q, {"text": q.reference[0]}, matcher).score for q in shorts]
    template = [grade(q, {"text": generic}, matcher).score for q in shorts]
    assert sum(reference) / len(shorts) >= 0.8
    assert max(template) < 0.5 and sum(template) / len(shorts) <= 0.15


def test_exam_draws_the_red_line_questions_within_the_blueprint(project):
    config = draw.load_exam_config(project)
    assert config.red_line and config.red_line_per_exam >= 1
    for seed in range(20):
        ids = draw.exam(project, config, rng=random.Random(seed))
        assert len(draw.red_line_drawn(config, ids)) == config.red_line_per_exam
        for code, n in config.blueprint.items():
            assert sum(project.questions[i].obj.chapter == code for i in ids) == n


def test_exam_red_line_prefers_unseen(project):
    config = draw.load_exam_config(project)
    first_of_chapter = {}
    for qid in config.red_line:
        first_of_chapter.setdefault(project.questions[qid].obj.chapter, qid)
    fresh = set(list(first_of_chapter.values())[:config.red_line_per_exam])
    assert len(fresh) == config.red_line_per_exam
    seen = set(config.red_line) - fresh
    for seed in range(5):
        ids = draw.exam(project, config, seen=seen, rng=random.Random(seed))
        assert set(draw.red_line_drawn(config, ids)) == fresh
