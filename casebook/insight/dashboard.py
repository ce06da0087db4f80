"""The data behind the trainer dashboard's charts, each as a table (columns + rows): the chart, its
collapsible table and its CSV download all come from the same rows. Plain SQLAlchemy, no Flask.

Agents only (role `agent`): trainers' own practice would distort the cohort's figures. Days are
calendar days in the time zone the caller passes (the organisation's, as pages show times)."""
from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict

from sqlalchemy import select

from ..quiz import trainer
from ..quiz.stats import MIN_RESPONSES
from ..scoring.agreement import cohen_kappa
from ..scoring.rubric import kind_label
from ..scoring.stats import kind_pass_rates
from ..content.question_types import QUESTION_TYPE_LABELS
from ..store.models import User
from ..store.scenario_models import ScenarioAttempt, ScenarioGrade
from ..store.training_models import Attempt, Certificate

#: Chart ids in the order the dashboard shows them.
CHARTS = ("progress", "mastery", "scores", "items", "criteria", "agreement")
BINS = [(0, 10), (10, 20), (20, 30), (30, 40), (40, 50), (50, 60), (60, 70), (70, 80), (80, 90), (90, 101)]


def _day(moment: dt.datetime, tz) -> str:
    return moment.replace(tzinfo=dt.timezone.utc).astimezone(tz).date().isoformat()


def _agents(session) -> dict[int, User]:
    return {u.id: u for u in session.scalars(select(User).where(User.role == "agent").order_by(User.username))}


def _name(user: User) -> str:
    return user.display_name or user.username


def progress_over_time(session, tz) -> dict:
    """Per day: quizzes submitted and their mean score, scenarios finished and their mean score,
    agents certified so far and agents active so far."""
    agents = _agents(session)
    quiz = defaultdict(list)
    scen = defaultdict(list)
    active_first: dict[int, str] = {}
    for uid, submitted, score in session.execute(select(Attempt.user_id, Attempt.submitted_at, Attempt.score)
                                                 .where(Attempt.submitted_at.is_not(None))):
        if uid in agents:
            day = _day(submitted, tz)
            quiz[day].append(100 * (score or 0.0))
            active_first[uid] = min(active_first.get(uid, day), day)
    for uid, finished, score in session.execute(select(ScenarioAttempt.user_id, ScenarioAttempt.finished_at,
                                                       ScenarioAttempt.score)
                                                .where(ScenarioAttempt.status == "finished",
                                                       ScenarioAttempt.finished_at.is_not(None))):
        if uid in agents:
            day = _day(finished, tz)
            scen[day].append(float(score or 0.0))
            active_first[uid] = min(active_first.get(uid, day), day)
    certified_first: dict[int, str] = {}
    for uid, issued in session.execute(select(Certificate.user_id, Certificate.issued_at)):
        if uid in agents:
            day = _day(issued, tz)
            certified_first[uid] = min(certified_first.get(uid, day), day)
    days = sorted(set(quiz) | set(scen) | set(certified_first.values()))
    rows = []
    for day in days:
        rows.append([day, len(quiz[day]), round(sum(quiz[day]) / len(quiz[day]), 1) if quiz[day] else None,
                     len(scen[day]), round(sum(scen[day]) / len(scen[day]), 1) if scen[day] else None,
                     sum(1 for d in certified_first.values() if d <= day),
                     sum(1 for d in active_first.values() if d <= day)])
    return {"id": "progress", "title": "学员进度（按天）",
            "columns": ["日期", "提交测验数", "测验平均分", "完成情景演练数", "情景演练平均分", "累计认证人数", "累计参与人数"],
            "rows": rows}


def mastery(db, project) -> dict:
    """Agents × chapters: the mean score (%) of every answer in the chapter's questions."""
    progress = trainer.agent_progress(db, project)
    chapters = [c.code for c in project.chapters]
    rows = []
    for p in progress:
        rows.append([p["display_name"] or p["username"]] + [p["chapters"][code]["mean"] for code in chapters])
    return {"id": "mastery", "title": "各章节掌握程度（平均得分 %）", "columns": ["客服"] + chapters, "rows": rows,
            "chapter_titles": {c.code: c.title for c in project.chapters}, "progress": progress}


def score_distributions(session) -> dict:
    """How many practice quizzes, exams and scenario attempts scored in each 10-point band."""
    agents = _agents(session)
    counts = {"practice": [0] * len(BINS), "exam": [0] * len(BINS), "scenario": [0] * len(BINS)}

    def put(series, score):
        for i, (low, high) in enumerate(BINS):
            if low <= score < high:
                counts[series][i] += 1
                return
    for uid, kind, score in session.execute(select(Attempt.user_id, Attempt.kind, Attempt.score)
                                            .where(Attempt.submitted_at.is_not(None))):
        if uid in agents and kind in counts:
            put(kind, 100 * (score or 0.0))
    for uid, score in session.execute(select(ScenarioAttempt.user_id, ScenarioAttempt.score)
                                      .where(ScenarioAttempt.status == "finished")):
        if uid in agents:
            put("scenario", float(score or 0.0))
    rows = [[f"{low}–{min(high, 100)}", counts["practice"][i], counts["exam"][i], counts["scenario"][i]]
            for i, (low, high) in enumerate(BINS)]
    return {"id": "scores", "title": "得分分布", "columns": ["分数段", "练习", "认证考试", "情景演练"], "rows": rows}


def item_scatter(db, project, min_responses: int = MIN_RESPONSES) -> dict:
    """Per question: facility (x) and discrimination (y), flagged when negative with enough responses."""
    stats = trainer.question_statistics(db, project, min_responses=min_responses)
    rows = [[s["question_id"], s["chapter"], QUESTION_TYPE_LABELS.get(s["type"] or "", s["type"]), s["attempts"],
             s["facility"], s["discrimination"], "是" if s["negative_discrimination"] else "否"]
            for s in stats["items"]]
    return {"id": "items", "title": "题目难度系数与区分度",
            "columns": ["题目", "章节", "题型", "作答次数", "难度系数 %", "区分度 %", "需检查"], "rows": rows,
            "stats": stats, "min_responses": min_responses}


def _finished_reports(session, agents_only: bool = True):
    agents = _agents(session) if agents_only else None
    for attempt in session.scalars(select(ScenarioAttempt).where(ScenarioAttempt.status == "finished",
                                                                 ScenarioAttempt.report_json.is_not(None))
                                   .order_by(ScenarioAttempt.id)):
        if agents is not None and attempt.user_id not in agents:
            continue
        try:
            yield attempt, json.loads(attempt.report_json)
        except ValueError:
            continue


def criterion_pass_rates(session) -> dict:
    """Across all scenarios: per criterion kind, how often it applied and the share passing."""
    rates = kind_pass_rates([report for _attempt, report in _finished_reports(session)])
    rows = [[kind_label(r["kind"]), r["responses"], r["passes"], r["pass_rate"]] for r in rates]
    return {"id": "criteria", "title": "情景演练各类评分项通过率",
            "columns": ["评分项类型", "适用次数", "通过次数", "通过率 %"], "rows": rows}


def agreement_over_time(session, tz) -> dict:
    """Per day a trainer graded: criteria graded (every trainer's grade counts), the share where the
    trainer agreed with the automatic verdict, and Cohen's kappa of that day's grades."""
    by_day: dict[str, tuple[list, list]] = {}
    grades = session.execute(select(ScenarioGrade.attempt_id, ScenarioGrade.criterion, ScenarioGrade.status,
                                    ScenarioGrade.created_at, ScenarioGrade.auto_status)
                             .order_by(ScenarioGrade.created_at)).all()
    reports: dict[int, list] = {}
    graded = select(ScenarioGrade.attempt_id).distinct().scalar_subquery()
    for attempt_id, text in session.execute(select(ScenarioAttempt.id, ScenarioAttempt.report_json)
                                            .where(ScenarioAttempt.id.in_(graded))):
        try:
            reports[attempt_id] = json.loads(text)["criteria"] if text else []
        except (ValueError, KeyError, TypeError):
            reports[attempt_id] = []
    for attempt_id, index, status, created, auto_status in grades:
        criteria = reports.get(attempt_id, [])
        if not 0 <= index < len(criteria):
            continue
        auto, human = by_day.setdefault(_day(created, tz), ([], []))
        # the scorer's verdict as the trainer saw it when grading (older grades: the stored report's)
        auto.append(auto_status or criteria[index]["status"])
        human.append(status)
    rows = []
    for day in sorted(by_day):
        auto, human = by_day[day]
        kappa = cohen_kappa(auto, human)
        rows.append([day, len(auto), round(100 * sum(a == h for a, h in zip(auto, human)) / len(auto), 1),
                     round(kappa, 3) if kappa is not None else None])
    return {"id": "agreement", "title": "自动评分与培训师评分的一致性（按天）",
            "columns": ["日期", "人工评分项数", "一致率 %", "Cohen's kappa"], "rows": rows}


def _with_session(db, build):
    def run(*args):
        with db.session() as session:
            return build(session, *args)
    return run


def _builders(db, project, tz, min_responses: int) -> dict:
    return {
        "progress": lambda: _with_session(db, progress_over_time)(tz),
        "mastery": lambda: mastery(db, project),
        "scores": lambda: _with_session(db, score_distributions)(),
        "items": lambda: item_scatter(db, project, min_responses),
        "criteria": lambda: _with_session(db, criterion_pass_rates)(),
        "agreement": lambda: _with_session(db, agreement_over_time)(tz),
    }


def dashboard(db, project, tz, min_responses: int = MIN_RESPONSES) -> dict[str, dict]:
    """Every chart's table, by chart id (CHARTS order)."""
    builders = _builders(db, project, tz, min_responses)
    return {chart_id: builders[chart_id]() for chart_id in CHARTS}


def chart_table(db, project, tz, chart_id: str, min_responses: int = MIN_RESPONSES) -> dict | None:
    """One chart's table (for its CSV), or None for an unknown id."""
    if chart_id not in CHARTS:
        return None
    return _builders(db, project, tz, min_responses)[chart_id]()
