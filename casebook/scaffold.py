"""Scaffolds for `casebook new`: well-formed starting points trainers fill in. Every text to
write is marked 【待填写】; lint fails, naming the line, until each mark is replaced."""
from __future__ import annotations

import re
from pathlib import Path

from .content import Project
from .content.checks import PLACEHOLDER as P


class ScaffoldError(Exception):
    pass


def new_rule(project: Project, chapter_code: str, title: str) -> tuple[Path, int, str]:
    chapter = project.chapter_by_code.get(chapter_code.upper())
    if chapter is None:
        known = ", ".join(c.code for c in project.chapters) or "none"
        raise ScaffoldError(f"unknown chapter '{chapter_code}' (chapters: {known})")
    numbers = [int(r.id.split("-")[1]) for r in chapter.rules]
    rule_id = f"{chapter.code}-{(max(numbers) + 1 if numbers else 1):02d}"
    path = project.root / chapter.path
    text = path.read_text(encoding="utf-8").rstrip("\n")
    today = project.today.isoformat()
    block = f"""

## {rule_id} {title}

```rule
owner: 社群运营组
reviewed: {today}
review_days: 180
related: []
tags: []
title_en: "English title (for English searches)"
keywords_en: ["english keyword", "another keyword"]
```

**规定**：{P}客服必须……（用一句话写清要求，使用 必须 / 禁止 / 应当 / 不得）。

**原因**：{P}说明这条规则保护了谁、避免了什么问题。

**正确做法**

- {P}客服：“您好，……”（写一个群聊里的正确示范）

**错误做法**

- {P}写一个常见的错误做法，并说明错在哪里
"""
    line = text.count("\n") + 3
    path.write_text(text + block, encoding="utf-8")
    return path, line, rule_id


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "new-case"


def new_case(project: Project, chapter_code: str, slug: str) -> tuple[Path, str]:
    chapter = project.chapter_by_code.get(chapter_code.upper())
    if chapter is None:
        known = ", ".join(c.code for c in project.chapters) or "none"
        raise ScaffoldError(f"unknown chapter '{chapter_code}' (chapters: {known})")
    if len(chapter.rules) < 2:
        raise ScaffoldError(f"chapter {chapter.code} needs at least two rules for a case to cite")
    numbers = [int(c.split("-")[1]) for c in project.cases]
    number = max(numbers) + 1 if numbers else 1
    case_id = f"CASE-{number:03d}"
    r1, r2 = chapter.rules[0].id, chapter.rules[1].id
    today = project.today.isoformat()
    folder = project.root / "cases"
    folder.mkdir(exist_ok=True)
    path = folder / f"{number:03d}-{_slug(slug)}.yml"
    if path.exists():
        raise ScaffoldError(f"{path} already exists")
    path.write_text(f"""# 案例文件格式见 cases/README.md。填完后运行 `casebook lint` 检查。
id: {case_id}
title: {P}案例标题（一句话说清发生了什么）
summary: {P}用一两句话概括情境和处理要点。
chapter: {chapter.code}
tags: []
difficulty: 1
rules: [{r1}, {r2}]
author: 培训组
created: {today}
reviewed: {today}
setting:
  brand: {P}品牌名称
  product: {P}产品
  group_size: 300
  purpose: {P}购买用户的售后与使用交流群
  agent_role: 一线客服，群管理员之一
cast:
  - name: 客服小安
    role: agent
  - name: 顾客甲
    role: customer
transcript:
  - at: "10:00"
    from: 顾客甲
    text: {P}第一条消息。
    note:
      text: {P}这里发生了什么，哪条规则适用。
      rules: [{r1}]
  - at: "10:02"
    from: 客服小安
    text: {P}您好，客服的回复。
    note:
      text: {P}这一步为什么是对的（或错的）。
      rules: [{r2}]
  - at: "10:03"
    from: 顾客甲
    text: {P}顾客的回应。
  - at: "10:05"
    from: 客服小安
    text: {P}客服的跟进。
    note:
      text: {P}说明跟进的要点。
      rules: [{r1}]
  - at: "10:06"
    from: 顾客甲
    text: {P}顾客的回应。
  - at: "10:08"
    from: 客服小安
    text: {P}结束语，确认是否还有其他问题。
handling:
  - text: {P}正确的第一步。
    rules: [{r1}]
mistakes:
  - text: {P}常见的错误做法。
    why: {P}为什么不对。
    rule: {r2}
outcome: {P}结果如何。
lessons:
  - {P}一条经验。
scenario:
  intro: {P}练习开始时给学员看的一句情境说明。
  steps:
    - id: s1
      messages:
        - at: "10:00"
          from: 顾客甲
          text: {P}学员在这一步看到的消息。
      time_limit_min: 5
      expect:
        actions: [reply]
        forbid: [remove_member]
        key_points:
          - {P}回复必须传达的第一个要点
        avoid: []
  golden:
    - name: 示范处理
      expect_score: [80, 100]
      steps:
        - step: s1
          actions: [reply]
          reply: {P}您好，这是示范回复，它传达了回复必须传达的第一个要点。
          minutes: 2
    - name: 有缺陷的处理
      expect_score: [0, 55]
      steps:
        - step: s1
          actions: [remove_member]
          reply: ""
          minutes: 12
""", encoding="utf-8")
    return path, case_id
