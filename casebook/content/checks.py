"""Checks that need the whole project: references, reachability, tags, reviews, links."""
from __future__ import annotations

import datetime as dt
import posixpath
import unicodedata
import re
from collections import Counter

from .itemflaws import check_item_flaws
from .reviews import check_reviews
from .project import Project
from .rules import is_rule_id
from .schema import time_minutes
from .question_types import RED_LINE_TYPES

CASE_REVIEW_DAYS = 365
#: Must-pass exam questions: exact-answer types, citing a privacy, fraud or compensation rule.
RED_LINE_CHAPTERS = frozenset({"PRIV", "FRAUD", "LAW"})
RED_LINE_RULES = frozenset({"COMM-05"})  # no compensation beyond one's authority
RED_LINE_TAGS = frozenset({"隐私", "诈骗", "冒充客服", "补偿"})


def _red_line_rule(project: Project, rule_id: str) -> bool:
    rule = project.rules.get(rule_id)
    tags = set(rule.meta.tags) if rule is not None and rule.meta is not None else set()
    return rule_id.split("-")[0] in RED_LINE_CHAPTERS or rule_id in RED_LINE_RULES or bool(tags & RED_LINE_TAGS)
MIN_NOTES = 3
LINK_RE = re.compile(r"\[[^\]]*\]\(\s*([^)\s]+)(?:\s+\"[^\"]*\")?\s*\)")


def check_project(project: Project) -> None:
    _check_chapters(project)
    _check_rules(project)
    _check_cases(project)
    _check_questions(project)
    check_item_flaws(project)
    _check_exam(project)
    _check_rubric(project)
    _check_search(project)
    _check_links(project)
    check_reviews(project)
    _check_placeholders(project)


#: Marks the text a `casebook new` scaffold asks the trainer to replace; lint fails while any is left.
PLACEHOLDER = "【待填写】"


def _check_placeholders(project: Project) -> None:
    """Every line of a rule chapter or case file that still holds a scaffold's placeholder."""
    paths = sorted({c.path for c in project.chapters} | {located.path for located in project.cases.values()})
    for rel in paths:
        try:
            lines = (project.root / rel).read_text(encoding="utf-8").split("\n")
        except (OSError, UnicodeDecodeError):
            continue
        for number, line in enumerate(lines, start=1):
            if PLACEHOLDER in line:
                project.problems.error(rel, number, f"placeholder from `casebook new` not replaced yet: “{line.strip()[:50]}”"
                                       f" (write the real text and remove {PLACEHOLDER})", "placeholder")


def _check_tags(project: Project, tags, path: str, line: int, owner: str) -> None:
    if not project.tags:
        return
    for tag in tags:
        if tag not in project.tags:
            project.problems.error(path, line, f"{owner}: unknown tag '{tag}' (allowed tags are listed in docs/tags.yml)", "unknown-tag")


def _check_chapters(project: Project) -> None:
    codes: dict[str, str] = {}
    orders: dict[int, str] = {}
    for chapter in project.chapters:
        if chapter.code in codes:
            project.problems.error(chapter.path, 2, f"chapter code {chapter.code} is also used by {codes[chapter.code]}", "duplicate-id")
        codes.setdefault(chapter.code, chapter.path)
        if chapter.order in orders:
            project.problems.error(chapter.path, 2, f"chapter order {chapter.order} is also used by {orders[chapter.order]}", "duplicate-order")
        orders.setdefault(chapter.order, chapter.path)


def _check_rules(project: Project) -> None:
    problems = project.problems
    for chapter in project.chapters:
        for rule in chapter.rules:
            if rule.id in project.rules:
                other = project.rules[rule.id]
                problems.error(rule.path, rule.line, f"duplicate rule ID {rule.id} (also at {other.path}:{other.line})", "duplicate-id")
                continue
            project.rules[rule.id] = rule
    for rule in project.rules.values():
        if rule.meta is None:
            continue
        line = rule.meta_line or rule.line
        for ref in rule.meta.related:
            if ref == rule.id:
                problems.error(rule.path, line, f"rule {rule.id} lists itself as related", "unknown-rule")
            elif ref not in project.rules:
                problems.error(rule.path, line, f"rule {rule.id}: related rule {ref} does not exist", "unknown-rule")
        _check_tags(project, rule.meta.tags, rule.path, line, f"rule {rule.id}")
        due = rule.meta.reviewed + dt.timedelta(days=rule.meta.review_days)
        if rule.meta.reviewed > project.today:
            problems.error(rule.path, line, f"rule {rule.id}: reviewed date {rule.meta.reviewed} is in the future", "review-date")
        elif due < project.today:
            problems.warning(rule.path, line, f"rule {rule.id}: review overdue since {due} (reviewed {rule.meta.reviewed}, every {rule.meta.review_days} days)", "review-overdue")


def _check_rubric(project: Project) -> None:
    """Every rule the scenario scorer cites (cases/scoring/rubric.yml) exists."""
    located = project.rubric
    if located is None:
        return
    rubric = located.obj
    for field_name in type(rubric.rules).model_fields:
        value = getattr(rubric.rules, field_name)
        groups = value.items() if isinstance(value, dict) else [(None, value)]
        for key, ids in groups:
            for i, rule_id in enumerate(ids):
                loc = ("rules", field_name, key, i) if key else ("rules", field_name, i)
                _rule_ref(project, rule_id, located.path, located.line(*loc), "scorer rubric")
    for kind, spec in rubric.critical.items():
        for i, rule_id in enumerate(spec.rules):
            _rule_ref(project, rule_id, located.path, located.line("critical", kind, "rules", i), f"critical failure '{kind}'")


def _rule_ref(project: Project, rule_id: str, path: str, line: int, owner: str) -> None:
    if rule_id not in project.rules:
        project.problems.error(path, line, f"{owner}: unknown rule {rule_id}", "unknown-rule")


def _check_cases(project: Project) -> None:
    problems = project.problems
    for case_id, located in project.cases.items():
        case, path, at = located.obj, located.path, located.line
        stem = path.rsplit("/", 1)[-1]
        number = case_id.split("-")[1]
        if not stem.startswith(number):
            problems.warning(path, at("id"), f"file name should start with the case number {number} (e.g. {number}-slug.yml)", "file-name")
        if project.chapters and case.chapter not in project.chapter_by_code:
            problems.error(path, at("chapter"), f"unknown chapter {case.chapter}", "unknown-chapter")
        _check_tags(project, case.tags, path, at("tags"), f"case {case_id}")
        for i, rule_id in enumerate(case.rules):
            _rule_ref(project, rule_id, path, at("rules", i), f"case {case_id}")
        if case.reviewed < case.created:
            problems.error(path, at("reviewed"), "reviewed date is before the created date", "review-date")
        if case.reviewed > project.today:
            problems.error(path, at("reviewed"), f"reviewed date {case.reviewed} is in the future", "review-date")
        elif case.reviewed + dt.timedelta(days=CASE_REVIEW_DAYS) < project.today:
            problems.warning(path, at("reviewed"), f"case review overdue (reviewed {case.reviewed}, every {CASE_REVIEW_DAYS} days)", "review-overdue")

        names = Counter(member.name for member in case.cast)
        for i, member in enumerate(case.cast):
            if names[member.name] > 1:
                problems.error(path, at("cast", i, "name"), f"cast name '{member.name}' is used twice", "duplicate-id")
                names[member.name] = 1
        cast = set(names)

        previous = -1
        notes = 0
        for i, message in enumerate(case.transcript):
            if message.sender not in cast:
                problems.error(path, at("transcript", i, "from"), f"transcript message from '{message.sender}', who is not in the cast", "unknown-cast")
            minutes = time_minutes(message.at)
            if minutes < previous:
                problems.error(path, at("transcript", i, "at"), f"time {message.at} is earlier than the message before it (times must not go backwards)", "time-order")
            previous = max(previous, minutes)
            if message.note is not None:
                notes += 1
                for j, rule_id in enumerate(message.note.rules):
                    _rule_ref(project, rule_id, path, at("transcript", i, "note", "rules", j), f"case {case_id}")
        if notes < MIN_NOTES:
            problems.error(path, at("transcript"), f"transcript has {notes} annotated messages; at least {MIN_NOTES} need a note", "notes")
        for i, step in enumerate(case.handling):
            for j, rule_id in enumerate(step.rules):
                _rule_ref(project, rule_id, path, at("handling", i, "rules", j), f"case {case_id}")
        for i, mistake in enumerate(case.mistakes):
            _rule_ref(project, mistake.rule, path, at("mistakes", i, "rule"), f"case {case_id}")
        if case.scenario is not None:
            _check_scenario(project, located, cast)


def _base(action: str) -> str:
    return action.split(":", 1)[0]


def next_step(step, actions) -> str | None:
    """The step that follows `step` when `actions` were taken (None ends the scenario)."""
    taken = {_base(a) for a in actions} | set(actions)
    for branch in step.branches():
        if branch.if_any is None:
            return branch.goto
        if any(a in taken for a in branch.if_any):
            return branch.goto
    return None


#: Cast roles a moderator removes or mutes; the target of remove_member/mute_member is one of them.
OFFENDER_ROLES = ("impersonator", "advertiser", "troll", "repeat_complainer")
STAFF_ROLES = ("agent", "moderator")


def sanction_target(case, step) -> str | None:
    """Who remove_member / mute_member at `step` acts on (the actions take no argument): the last
    offender (by cast role) speaking in the step, else the case's only offender, else the last
    member speaking in the step who is not staff."""
    roles = {member.name: member.role for member in case.cast}
    senders = [m.sender for m in step.messages]
    for sender in reversed(senders):
        if roles.get(sender) in OFFENDER_ROLES:
            return sender
    offenders = [m.name for m in case.cast if m.role in OFFENDER_ROLES]
    if len(offenders) == 1:
        return offenders[0]
    for sender in reversed(senders):
        if roles.get(sender) not in STAFF_ROLES:
            return sender
    return None


def _check_removed_speakers(problems, case, path, at, by_id: dict, index: dict) -> None:
    """Warn when a branch taken after remove_member leads to a step where the removed member still
    speaks in the group (the simulator shows such a message as a private one)."""
    for i, step in enumerate(case.scenario.steps):
        target = sanction_target(case, step)
        if target is None:
            continue
        for k, branch in enumerate(step.branches()):
            removes = ("remove_member" in branch.if_any) if branch.if_any is not None else \
                any(_base(a) == "remove_member" for a in step.expect.actions)
            following = by_id.get(branch.goto)
            if not removes or following is None:
                continue
            for j, message in enumerate(following.messages):
                if message.sender == target and not message.private:
                    problems.warning(path, at("scenario", "steps", index[following.id], "messages", j, "from"),
                                     f"step '{following.id}': '{target}' speaks in the group after being removed at step "
                                     f"'{step.id}' (mark the message `private: true`, or let another member speak)", "removed-speaks")


def _check_scenario(project: Project, located, cast: set[str]) -> None:
    problems = project.problems
    case, path, at = located.obj, located.path, located.line
    scenario = case.scenario
    ids: dict[str, int] = {}
    for i, step in enumerate(scenario.steps):
        if step.id in ids:
            problems.error(path, at("scenario", "steps", i, "id"), f"duplicate step ID '{step.id}'", "duplicate-id")
        ids.setdefault(step.id, i)
    for i, step in enumerate(scenario.steps):
        for j, message in enumerate(step.messages):
            if message.sender not in cast:
                problems.error(path, at("scenario", "steps", i, "messages", j, "from"), f"message from '{message.sender}', who is not in the cast", "unknown-cast")
        overlap = {_base(a) for a in step.expect.actions} & {_base(a) for a in step.expect.forbid}
        if overlap:
            problems.error(path, at("scenario", "steps", i, "expect"), f"step '{step.id}': actions both required and forbidden: {', '.join(sorted(overlap))}", "expect")
        needs_reply = any(_base(a) in ("reply", "private_message") for a in step.expect.actions)
        if needs_reply and not step.expect.key_points:
            problems.error(path, at("scenario", "steps", i, "expect"), f"step '{step.id}' requires a reply but lists no key_points", "expect")
        branches = step.branches()
        for k, branch in enumerate(branches):
            loc = ("scenario", "steps", i, "next") if isinstance(step.next, str) else ("scenario", "steps", i, "next", k, "goto")
            if branch.goto not in ids:
                problems.error(path, at(*loc), f"step '{step.id}' points to missing step '{branch.goto}'", "missing-step")
            elif branch.goto == step.id:
                problems.error(path, at(*loc), f"step '{step.id}' points to itself", "missing-step")
        defaults = [b for b in branches if b.if_any is None]
        if len(defaults) > 1 or (defaults and branches[-1].if_any is not None):
            problems.error(path, at("scenario", "steps", i, "next"), f"step '{step.id}': the default branch (no if_any) must be the last and only one", "branch")
    # the simulated clock never runs backwards: within a step, and from a step to any step it leads to
    for i, step in enumerate(scenario.steps):
        times = [time_minutes(m.at) for m in step.messages]
        for j in range(1, len(times)):
            if times[j] < times[j - 1]:
                problems.error(path, at("scenario", "steps", i, "messages", j, "at"),
                               f"step '{step.id}': time {step.messages[j].at} is earlier than the message before it "
                               "(times must not go backwards)", "time-order")
        if not times:
            continue
        for branch in step.branches():
            k = ids.get(branch.goto)
            following = scenario.steps[k] if k is not None else None
            if following is not None and following.messages and time_minutes(following.messages[0].at) < max(times):
                problems.error(path, at("scenario", "steps", k, "messages", 0, "at"),
                               f"step '{following.id}' starts at {following.messages[0].at}, before step '{step.id}' that leads "
                               f"to it ends ({step.messages[times.index(max(times))].at}): times must not go backwards on any path",
                               "time-order")
    # reachability from the first step
    reachable: set[str] = set()
    frontier = [scenario.steps[0].id]
    by_id = {s.id: s for s in scenario.steps}
    while frontier:
        current = frontier.pop()
        if current in reachable or current not in by_id:
            continue
        reachable.add(current)
        frontier.extend(b.goto for b in by_id[current].branches())
    _check_removed_speakers(problems, case, path, at, by_id, ids)
    for i, step in enumerate(scenario.steps):
        if step.id not in reachable:
            problems.error(path, at("scenario", "steps", i, "id"), f"step '{step.id}' can never be reached from the first step '{scenario.steps[0].id}' (a step without `next` ends the scenario: add `next: {step.id}` or a branch to the step that leads here)", "unreachable")
    # golden transcripts follow the branches their actions take
    for g, golden in enumerate(scenario.golden):
        expected = scenario.steps[0].id
        for s, gstep in enumerate(golden.steps):
            where = at("scenario", "golden", g, "steps", s, "step")
            if gstep.step not in by_id:
                problems.error(path, where, f"golden '{golden.name}': unknown step '{gstep.step}'", "missing-step")
                break
            if expected is None:
                problems.error(path, where, f"golden '{golden.name}': the scenario has already ended before step '{gstep.step}'", "golden-path")
                break
            if gstep.step != expected:
                problems.error(path, where, f"golden '{golden.name}': expected step '{expected}' here (the path its actions take), found '{gstep.step}'", "golden-path")
                break
            expected = next_step(by_id[gstep.step], gstep.actions)
        else:
            if expected is not None:
                problems.error(path, at("scenario", "golden", g, "steps"), f"golden '{golden.name}' stops before the scenario ends (step '{expected}' comes next)", "golden-path")


def _check_questions(project: Project) -> None:
    problems = project.problems
    for qid, located in project.questions.items():
        question, at = located.obj, located.line_of
        if project.chapters and question.chapter not in project.chapter_by_code:
            problems.error(located.path, at("chapter"), f"question {qid}: unknown chapter {question.chapter}", "unknown-chapter")
        if not qid.startswith(question.chapter + "-"):
            problems.error(located.path, at("id"), f"question {qid}: ID must start with its chapter code {question.chapter}-", "question-id")
        for j, rule_id in enumerate(question.rules):
            _rule_ref(project, rule_id, located.path, at("rules", j), f"question {qid}")
        _check_tags(project, question.tags, located.path, at("tags"), f"question {qid}")


def _check_exam(project: Project) -> None:
    located = project.exam
    if located is None:
        return
    bank = Counter(q.obj.chapter for q in project.questions.values())
    for code, count in located.obj.blueprint.items():
        line = located.line("blueprint", code)
        if project.chapters and code not in project.chapter_by_code:
            project.problems.error(located.path, line, f"exam blueprint: unknown chapter {code}", "unknown-chapter")
        elif count > bank[code]:
            project.problems.error(located.path, line, f"exam blueprint asks {count} {code} questions; the bank has {bank[code]}", "exam")
    red = located.obj.red_line
    if red is None:
        return
    seen: set[str] = set()
    usable = 0
    for i, qid in enumerate(red.questions):
        line = located.line("red_line", "questions", i)
        question = project.questions.get(qid)
        if qid in seen:
            project.problems.error(located.path, line, f"red-line question {qid} is listed twice", "exam")
            continue
        seen.add(qid)
        if question is None:
            project.problems.error(located.path, line, f"red-line question {qid} does not exist", "exam")
            continue
        q = question.obj
        if q.type not in RED_LINE_TYPES:
            project.problems.error(located.path, line, f"red-line question {qid} is {q.type}; a must-pass question needs an exact answer ({', '.join(RED_LINE_TYPES)})", "exam")
            continue
        if q.chapter not in located.obj.blueprint:
            project.problems.error(located.path, line, f"red-line question {qid} is in chapter {q.chapter}, which the blueprint does not draw from", "exam")
            continue
        if not any(_red_line_rule(project, r) for r in q.rules):
            project.problems.error(located.path, line, f"red-line question {qid} cites no privacy, fraud or compensation rule (a rule of {'/'.join(sorted(RED_LINE_CHAPTERS))}, {', '.join(sorted(RED_LINE_RULES))}, or one tagged {'/'.join(sorted(RED_LINE_TAGS))})", "exam")
            continue
        usable += 1
    if red.per_exam > usable:
        project.problems.error(located.path, located.line("red_line", "per_exam"), f"red_line.per_exam is {red.per_exam} but only {usable} valid red-line questions are listed", "exam")
    elif red.per_exam > sum(located.obj.blueprint.values()):
        project.problems.error(located.path, located.line("red_line", "per_exam"), f"red_line.per_exam ({red.per_exam}) is more than the exam's {sum(located.obj.blueprint.values())} questions", "exam")


#: Synonym groups larger than this are rejected by lint (keep groups tight).
MAX_SYNONYM_GROUP = 12


def _check_search(project: Project) -> None:
    known = set(project.rules) | set(project.cases) | set(project.questions)
    for source in project.eval_sets.values():
        for i, query in enumerate(source.obj.queries):
            graded = isinstance(query.relevant, dict)
            for j, ref in enumerate(query.relevant):
                where = ref if graded else j   # the line of the key, or of the list item
                if ref not in known and not ref.startswith("RES-"):
                    project.problems.error(source.path, source.line("queries", i, "relevant", where), f"eval query '{query.q}': unknown ID {ref}", "unknown-rule")
    source = project.synonyms_source
    if source is not None:
        seen: dict[str, int] = {}
        for i, group in enumerate(project.synonyms):
            line = source.line("groups", i)
            if len(group) > MAX_SYNONYM_GROUP:
                project.problems.error(source.path, line, f"synonym group {i + 1} has {len(group)} terms (at most {MAX_SYNONYM_GROUP}): a loose group makes unrelated questions match; split it", "synonyms")
            in_group: set[str] = set()
            for term in group:
                key = unicodedata.normalize("NFKC", term).casefold().strip()
                if key in in_group:
                    project.problems.error(source.path, line, f"synonym '{term}' appears twice in group {i + 1}", "synonyms")
                in_group.add(key)
                if key in seen and seen[key] != i:
                    project.problems.error(source.path, line, f"synonym '{term}' is in two groups ({seen[key] + 1} and {i + 1}); merge them", "synonyms")
                seen[key] = i
                if len(key) < 2:
                    project.problems.error(source.path, line, f"synonym '{term}' is a single character: it would match inside almost every query", "synonyms")


def _anchors_of(project: Project, target: str) -> set[str] | None:
    """Rule anchors known for a docs-relative page, or None when not a rule page."""
    for chapter in project.chapters:
        if chapter.path == "docs/" + target:
            return {r.id for r in chapter.rules}
    return None


def _check_links(project: Project) -> None:
    docs = project.root / "docs"
    generated = {f"cases/{project.case_slug(c)}.md" for c in project.cases} | {"cases/index.md", "rules/index.md", "tags.md"}
    sources = [(p.path, p.text) for p in project.pages]
    for chapter in project.chapters:
        try:
            sources.append((chapter.path, (project.root / chapter.path).read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError):
            continue
    for rel, text in sources:
        page_dir = posixpath.dirname(rel[len("docs/"):])
        in_fence = False
        for number, line in enumerate(text.split("\n"), start=1):
            if line.lstrip().startswith(("```", "~~~")):
                in_fence = not in_fence
            if in_fence:
                continue
            for match in LINK_RE.finditer(line):
                target = match.group(1)
                if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("/"):
                    continue
                page, _, anchor = target.partition("#")
                if not page:
                    resolved = rel[len("docs/"):]
                else:
                    resolved = posixpath.normpath(posixpath.join(page_dir, page))
                    if resolved.endswith("/"):
                        resolved += "index.md"
                    if not resolved.endswith(".md"):
                        if not (docs / resolved).exists():
                            project.problems.error(rel, number, f"broken link '{target}': no such file", "broken-link")
                        continue
                    if not (docs / resolved).is_file() and resolved not in generated:
                        project.problems.error(rel, number, f"broken link '{target}': no page docs/{resolved}", "broken-link")
                        continue
                if anchor and is_rule_id(anchor):
                    anchors = _anchors_of(project, resolved)
                    if anchors is not None and anchor not in anchors:
                        project.problems.error(rel, number, f"broken link '{target}': rule {anchor} is not in docs/{resolved}", "broken-link")
