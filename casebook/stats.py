"""Content counts for trainers (`casebook stats`)."""
from __future__ import annotations

from collections import Counter

from .content import Project


def compute(project: Project, resolutions: int = 0) -> dict:
    """The counts of a project; `resolutions` is the number of imported resolutions (the caller
    counts them in the store: `casebook stats` does)."""
    scenarios = project.scenarios
    stats = {
        "rules": len(project.rules),
        "chapters": len(project.chapters),
        "cases": len(project.cases),
        "questions": len(project.questions),
        "scenarios": len(scenarios),
        "resolutions": resolutions,
        "rules_per_chapter": {c.code: len(c.rules) for c in project.chapters},
        "chapter_titles": {c.code: c.title for c in project.chapters},
        "cases_per_chapter": dict(Counter(c.obj.chapter for c in project.cases.values())),
        "cases_per_difficulty": {str(k): v for k, v in sorted(Counter(c.obj.difficulty for c in project.cases.values()).items())},
        "questions_by_type": dict(Counter(q.obj.type for q in project.questions.values())),
        "questions_per_chapter": dict(Counter(q.obj.chapter for q in project.questions.values())),
        "scenario_steps": sum(len(c.obj.scenario.steps) for c in scenarios.values()),
        "golden_transcripts": sum(len(c.obj.scenario.golden) for c in scenarios.values()),
    }
    return stats


def format_table(stats: dict) -> str:
    lines = [
        f"章节 chapters      {stats['chapters']}",
        f"规则 rules         {stats['rules']}",
        f"案例 cases         {stats['cases']}",
        f"题目 questions     {stats['questions']}",
        f"情景 scenarios     {stats['scenarios']}",
        f"处理记录 resolutions {stats['resolutions']}",
        "",
        "rules per chapter:",
    ]
    titles = stats["chapter_titles"]
    for code, count in stats["rules_per_chapter"].items():
        q = stats["questions_per_chapter"].get(code, 0)
        c = stats["cases_per_chapter"].get(code, 0)
        lines.append(f"  {code:<6} {count:>3} rules {q:>3} questions {c:>2} cases  {titles.get(code, '')}")
    if stats["questions_by_type"]:
        lines.append("questions by type: " + ", ".join(f"{k} {v}" for k, v in sorted(stats["questions_by_type"].items())))
    return "\n".join(lines)
