"""`casebook lint` checks of the scorer: goldens inside their ranges, and the validation bar held."""
from __future__ import annotations

from ..content import Problem
from . import learn, learned
from .scorer import Scorer, TranscriptError
from .validation import (FLOOR, RUBRIC_HINT, TUNED_ROUNDS, below_bar, check_items, figures, load_contradictions, load_set,
                         score_items)


#: Goldens carry a trainer's range; the scorer is held to keeping at least this share of them inside.
#: A golden outside its range is a warning (a disagreement to look at, not a content error).
GOLDEN_FLOOR = 0.85


def check_goldens(project, scorer: Scorer) -> list[Problem]:
    """Golden transcripts against their trainer ranges: a warning per golden outside, an error below the floor."""
    problems: list[Problem] = []
    total = outside = 0
    for case_id, located in sorted(project.cases.items()):
        case = located.obj
        if case.scenario is None:
            continue
        for i, golden in enumerate(case.scenario.golden):
            line = located.line("scenario", "golden", i)
            try:
                report = scorer.score_golden(case, golden)
            except TranscriptError as exc:
                problems.append(Problem(located.path, line, f"golden '{golden.name}' cannot be scored: {exc}", "error", "golden-score"))
                continue
            low, high = golden.expect_score
            total += 1
            if not low <= report.score <= high:
                outside += 1
                why = f" (critical: {report.critical[0].reason})" if report.critical else \
                    (f" (capped: {report.caps[0].reason})" if report.caps else "")
                problems.append(Problem(located.path, line,
                                        f"golden '{golden.name}' scored {report.score:g}, trainer range [{low:g}, {high:g}]{why}",
                                        "warning", "golden-score"))
    if total and (total - outside) / total < GOLDEN_FLOOR:
        problems.append(Problem("cases", 1, f"only {total - outside} of {total} golden transcripts score inside their "
                                f"trainer ranges (floor {GOLDEN_FLOOR:.0%})", "error", "golden-floor"))
    return problems


def check_validation(project, scorer: Scorer | None) -> list[Problem]:
    """The validation set loads, every transcript follows its scenario, and held-out figures meet the bar.
    Only the held-out split is scored (the floor is about it); every other transcript is checked for its
    shape and path alone, so lint's time does not grow with each new round. Without a scorer (blind
    lint) nothing is scored and the bar is not checked."""
    from ..content.problems import ProblemList
    problems = ProblemList()
    items = load_set(project.root, problems)
    on_floor = [scorer is not None and i.round in TUNED_ROUNDS and i.split == "heldout" for i in items]
    floor_items = [i for i, f in zip(items, on_floor) if f]
    if floor_items:
        score_items(floor_items, project.cases, scorer.score)
    check_items([i for i, f in zip(items, on_floor) if not f], project.cases)
    out = list(problems)
    for item in items:
        if item.error:
            out.append(Problem(item.path, item.line, f"validation transcript {item.id} cannot be scored: {item.error}",
                               "error", "validation"))
        else:
            out.extend(_unknown_points(item, project))
    out.extend(_contradiction_labels(project, items))
    out.extend(check_critical_model(project, items)[0])
    if floor_items:  # the floor is about the blind set, not disputes alone
        missed = below_bar(figures(floor_items), FLOOR)
        if missed:
            out.append(Problem(items[0].path.rsplit("/", 1)[0], 1,
                               "the scorer fell below its held-out regression floor: " + "; ".join(missed) + RUBRIC_HINT,
                               "error", "validation-bar"))
    return out


def _unknown_points(item, project) -> list[Problem]:
    """A trainer's key-point verdict must name a key point of that step, word for word: a misspelt one
    would silently drop out of the key-point agreement figures."""
    located = project.cases.get(item.case)
    steps = {s.id: s for s in located.obj.scenario.steps} if located and located.obj.scenario else {}
    out = []
    for step_id, verdicts in item.verdicts:
        step = steps.get(step_id)
        if step is None:
            continue
        known = set(step.expect.key_points)
        for point in verdicts.get("key_points", {}):
            if point not in known:
                out.append(Problem(item.path, item.line, f"validation transcript {item.id}, step {step_id}: "
                                   f"verdict for '{point}', which is not a key point of that step "
                                   f"(the step's points: {'; '.join(step.expect.key_points) or 'none'})",
                                   "error", "validation"))
    return out


def _contradiction_labels(project, items) -> list[Problem]:
    """Each blind contradiction label names a validation transcript, one of its steps, a key point the
    trainer marked not conveyed there, and words of that step's reply."""
    from ..content.problems import ProblemList
    problems = ProblemList()
    labels = load_contradictions(project.root, problems)
    out = list(problems)
    by_id = {i.id: i for i in items}
    for c in labels.labels:
        item = by_id.get(c.transcript)
        steps = dict(item.verdicts) if item else {}
        replies = {s["step"]: s["reply"] or "" for s in item.steps} if item else {}
        if item is None:
            why = f"no validation transcript {c.transcript}"
        elif c.step not in steps:
            why = f"transcript {c.transcript} has no step {c.step}"
        elif (steps[c.step].get("key_points") or {}).get(c.point) is not False:
            why = f"the trainer did not mark '{c.point}' as not conveyed at {c.transcript} {c.step}"
        elif c.says not in replies.get(c.step, ""):
            why = f"'{c.says}' is not in the reply of {c.transcript} {c.step}"
        elif not labels.covers(item):
            why = (f"{c.transcript} ({item.case}, round {item.round}) is outside what the labels cover: list its "
                   "case under `covered` and its round under `rounds`")
        else:
            continue
        out.append(Problem(c.path, c.line, f"contradiction label: {why}", "error", "contradictions"))
    return out


def check_critical_model(project, items) -> tuple[list[Problem], learned.CriticalModel | None]:
    """cases/scoring/critical-model.json loads, names only cases of the project, and was fitted on the
    validation set as it stands (a warning when transcripts were added or removed since: measure a new
    round unseen first, then refit with `casebook scenario learn-critical`)."""
    path = learned.MODEL_FILE
    try:
        model = learned.load_model(project.root)
    except ValueError as e:
        return [Problem(path, 1, f"{e} (refit it with `casebook scenario learn-critical`)", "error", "critical-model")], None
    if model is None:
        return [], None
    out = []
    unknown = sorted(model.cases - set(project.cases))
    if unknown:
        out.append(Problem(path, 1, f"fitted on cases that do not exist: {', '.join(unknown)}", "error", "critical-model"))
    usable = learn.usable(items)
    if model.meta.get("fingerprint") != learn.fingerprint([i.id for i in usable]):
        newer = sorted({i.round for i in usable} - set(model.meta.get("rounds", [])))
        out.append(Problem(path, 1, f"fitted on {model.meta.get('transcripts', '?')} validation transcripts; "
                           f"{len(usable)} may be used now" + (f" (rounds not fitted on: {', '.join(map(str, newer))})" if newer else "")
                           + ": measure a new round unseen first, then run `casebook scenario learn-critical`",
                           "warning", "critical-model"))
    return out, model


def check_scoring(project, blind: bool = False) -> list[Problem]:
    """Both scorer checks with one scorer (embeddings shared). `blind`: only the checks that show no score
    (validation files' shape, paths, key-point names and contradiction labels), for a trainer writing
    blind validation transcripts, who must not see what the scorer makes of the goldens."""
    if project.rubric is None:
        return []
    if blind:
        return check_validation(project, None)
    try:
        scorer = Scorer(project)
    except ValueError:  # a damaged critical-model.json: reported by check_validation, scored without it
        scorer = Scorer(project, critical_model=None)
    return check_goldens(project, scorer) + check_validation(project, scorer)
