"""Markdown for generated pages: rule index, case pages, case index, tags, rule footers."""
from __future__ import annotations

import html
from collections import defaultdict
from pathlib import Path

from ..content.schema import CAST_ROLES

DIFFICULTY = {1: "入门", 2: "进阶", 3: "挑战"}
AGENT_ROLES = {"agent", "moderator"}


def _rule_link(project, rule_id: str, from_dir: str) -> str:
    rule = project.rules.get(rule_id)
    if rule is None:
        return rule_id
    page = Path(rule.path).name
    prefix = "" if from_dir == "rules" else "../rules/"
    return f"[{rule_id}]({prefix}{page}#{rule_id})"


def _rule_link_titled(project, rule_id: str, from_dir: str) -> str:
    rule = project.rules.get(rule_id)
    title = f" {rule.title}" if rule else ""
    return _rule_link(project, rule_id, from_dir) + title


def case_backlinks(project) -> dict[str, list]:
    """rule ID -> cases that cite it anywhere (rules list, notes, handling, mistakes)."""
    links: dict[str, list] = defaultdict(list)
    for case_id in sorted(project.cases):
        case = project.cases[case_id].obj
        cited = set(case.rules)
        cited.update(r for m in case.transcript if m.note for r in m.note.rules)
        cited.update(r for h in case.handling for r in h.rules)
        cited.update(m.rule for m in case.mistakes)
        for rule_id in cited:
            links[rule_id].append(case)
    return links


def rule_meta(rule) -> str:
    meta = rule.meta
    if meta is None:
        return f'<div class="cb-rule-meta"><span class="cb-id">{rule.id}</span></div>'
    return (
        f'<div class="cb-rule-meta"><span class="cb-id">{rule.id}</span>'
        f"<span>负责人：{html.escape(meta.owner)}</span>"
        f"<span>最近复核：{meta.reviewed.isoformat()}</span>"
        f"<span>复核周期：{meta.review_days} 天</span></div>"
    )


def rule_recheck(project, rule, entry, cites) -> str:
    """The notice on a rule whose text changed since a trainer last confirmed the material."""
    lines = ['!!! warning "本规则已修改，以下题目/案例待复核"', "",
             f"    规则文字在 {entry.at:%Y-%m-%d} 由{html.escape(entry.by)}确认之后有改动。培训师逐条复核下列材料后，"
             f"运行 `casebook review confirm {rule.id}`，本提示即消失。", ""]
    if not cites:
        lines.append("    目前没有题目或案例引用本规则。")
    for cite in cites:
        if cite.kind == "question":
            lines.append(f"    - 题目 {cite.ref}（`{cite.path}`）")
        elif cite.kind == "case":
            title = html.escape(project.cases[cite.ref].obj.title) if cite.ref in project.cases else ""
            lines.append(f"    - 案例 [{cite.ref} {title}](../cases/{project.case_slug(cite.ref)}.md)")
        elif cite.kind == "scenario":
            lines.append(f"    - 案例 {cite.ref} 的练习场景")
        else:
            lines.append(f"    - 案例 {cite.ref} 的示范对话“{html.escape(cite.name)}”")
    return "\n".join(lines)


def rule_footer(project, rule, backlinks) -> str:
    related = [_rule_link_titled(project, r, "rules") for r in rule.related]
    cases = [f"[{c.id} {c.title}](../cases/{project.case_slug(c.id)}.md)" for c in backlinks.get(rule.id, [])]
    lines = ['!!! info "相关规则与案例"', ""]
    lines.append("    **相关规则**：" + ("；".join(related) if related else "无"))
    lines.append("")
    lines.append("    **应用本规则的案例**：" + ("；".join(cases) if cases else "暂无案例"))
    return "\n".join(lines)


def rule_index(project) -> str:
    lines = ["---", "title: 规则索引", "---", "", "# 规则索引", "",
             f"规则手册共 {len(project.chapters)} 章、{len(project.rules)} 条规则。每条规则都有固定编号，可直接链接到 `规则页#编号`。", ""]
    for chapter in project.chapters:
        page = Path(chapter.path).name
        lines += [f"## {chapter.title}", "", f"[进入本章]({page}) · 章节代码 `{chapter.code}`", "",
                  "| 编号 | 规则 | 负责人 | 最近复核 |", "| --- | --- | --- | --- |"]
        for rule in chapter.rules:
            owner = rule.meta.owner if rule.meta else ""
            reviewed = rule.meta.reviewed.isoformat() if rule.meta else ""
            lines.append(f"| [{rule.id}]({page}#{rule.id}) | {rule.title} | {owner} | {reviewed} |")
        lines.append("")
    return "\n".join(lines)


def _escape(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")


def case_page(project, case) -> str:
    chapter = project.chapter_by_code.get(case.chapter)
    roles = {m.name: m.role for m in case.cast}
    tags = "\n".join(f"  - {t}" for t in case.tags)
    lines = ["---", f"title: \"{case.id} {case.title}\"", "tags:" + ("\n" + tags if tags else " []"), "---", "",
             f"# {case.id} {case.title}", "",
             f'<div class="cb-rule-meta"><span class="cb-id">{case.id}</span>'
             f"<span>难度：{DIFFICULTY[case.difficulty]}</span><span>作者：{html.escape(case.author)}</span>"
             f"<span>最近复核：{case.reviewed.isoformat()}</span></div>", "",
             f"!!! abstract \"概要\"", "", f"    {case.summary}", "",
             "## 情境", "",
             "| 项目 | 内容 |", "| --- | --- |",
             f"| 品牌 | {case.setting.brand} |",
             f"| 产品 | {case.setting.product} |",
             f"| 群规模 | {case.setting.group_size} 人 |",
             f"| 群定位 | {case.setting.purpose} |",
             f"| 学员角色 | {case.setting.agent_role} |",
             f"| 所属章节 | [{chapter.title if chapter else case.chapter}](../rules/{project.chapter_slug(case.chapter)}.md) |", "",
             "**人物**：" + "；".join(f"{m.name}（{CAST_ROLES[m.role]}）" for m in case.cast), "",
             "## 对话还原", "", "右侧批注说明每一步做得对或错，以及依据的规则。", "",
             '<div class="cb-chat" markdown="1">']
    for message in case.transcript:
        side = "cb-agent" if roles.get(message.sender) in AGENT_ROLES else "cb-member"
        lines.append('<div class="cb-row" markdown="1">')
        lines.append(f'<div class="cb-msg {side}"><span class="cb-who">{html.escape(message.sender)}</span>'
                     f'<span class="cb-at">{message.at}</span><p>{_escape(message.text)}</p></div>')
        if message.note:
            refs = "、".join(_rule_link(project, r, "cases") for r in message.note.rules)
            lines.append(f'<div class="cb-note" markdown="1">{_escape(message.note.text)}（依据：{refs}）</div>')
        else:
            lines.append("<div></div>")
        lines.append("</div>")
    lines += ["</div>", "", "## 正确处理", ""]
    for number, step in enumerate(case.handling, start=1):
        refs = "、".join(_rule_link(project, r, "cases") for r in step.rules)
        lines.append(f"{number}. {step.text}（{refs}）")
    lines += ["", "## 常见错误", "", "| 错误做法 | 为什么不对 | 违反规则 |", "| --- | --- | --- |"]
    for mistake in case.mistakes:
        lines.append(f"| {mistake.text} | {mistake.why} | {_rule_link(project, mistake.rule, 'cases')} |")
    lines += ["", "## 结果", "", case.outcome, "", "## 经验", ""]
    lines += [f"- {lesson}" for lesson in case.lessons]
    lines += ["", "## 涉及规则", ""]
    lines += [f"- {_rule_link_titled(project, r, 'cases')}" for r in case.rules]
    if case.scenario is not None:
        steps = len(case.scenario.steps)
        lines += ["", "## 情景练习", "", f"本案例附带 {steps} 步的模拟练习：{case.scenario.intro}", "",
                  f'<a class="md-button md-button--primary" href="/scenarios/{case.id}">开始练习</a>', ""]
    return "\n".join(lines) + "\n"


def case_index(project) -> str:
    cases = [project.cases[k].obj for k in sorted(project.cases)]
    lines = ["---", "title: 案例库", "---", "", "# 案例库", "",
             f"共 {len(cases)} 个带批注的案例。每个案例都有对话还原、正确处理、常见错误和可练习的情景。", "",
             "## 全部案例", "", "| 案例 | 章节 | 难度 | 标签 |", "| --- | --- | --- | --- |"]
    titles = {c.code: c.title for c in project.chapters}
    for case in cases:
        lines.append(f"| [{case.id} {case.title}]({project.case_slug(case.id)}.md) | {titles.get(case.chapter, case.chapter)} "
                     f"| {DIFFICULTY[case.difficulty]} | {'、'.join(case.tags)} |")
    lines += ["", "## 按章节", ""]
    by_chapter = defaultdict(list)
    for case in cases:
        by_chapter[case.chapter].append(case)
    for chapter in project.chapters:
        if by_chapter.get(chapter.code):
            links = "；".join(f"[{c.id} {c.title}]({project.case_slug(c.id)}.md)" for c in by_chapter[chapter.code])
            lines.append(f"- **{chapter.title}**：{links}")
    lines += ["", "## 按难度", ""]
    for level, name in DIFFICULTY.items():
        chosen = [c for c in cases if c.difficulty == level]
        if chosen:
            lines.append(f"- **{name}**：" + "；".join(f"[{c.id} {c.title}]({project.case_slug(c.id)}.md)" for c in chosen))
    lines += ["", "## 按标签", ""]
    by_tag = defaultdict(list)
    for case in cases:
        for tag in case.tags:
            by_tag[tag].append(case)
    for tag in sorted(by_tag):
        lines.append(f"- **{tag}**：" + "；".join(f"[{c.id}]({project.case_slug(c.id)}.md)" for c in by_tag[tag]))
    return "\n".join(lines) + "\n"


def tags_page(project) -> str:
    return "---\ntitle: 标签\n---\n\n# 标签\n\n按标签浏览规则章节和案例。\n\n<!-- material/tags -->\n"
