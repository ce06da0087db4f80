"""Scenario commands: list the playable scenarios, score a transcript file."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click
import yaml

from ..content import load_project
from .options import root_option


def register(cli: click.Group) -> None:
    cli.add_command(scenario)


@click.group()
def scenario():
    """Practice scenarios: list them, score transcripts."""


@scenario.command("list")
@root_option
@click.option("--json", "as_json", is_flag=True, help="Machine-readable list.")
def list_cmd(root, as_json):
    """List the cases that have a practice scenario."""
    project = load_project(root)
    rows = []
    for case_id, located in sorted(project.cases.items()):
        sc = located.obj.scenario
        if sc is None:
            continue
        branching = any(len(s.branches()) > 1 for s in sc.steps)
        rows.append({"case": case_id, "title": located.obj.title, "steps": len(sc.steps), "branching": branching,
                     "time_scale": sc.time_scale, "goldens": len(sc.golden), "difficulty": located.obj.difficulty})
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for r in rows:
        flag = "分支" if r["branching"] else "线性"
        click.echo(f"{r['case']}  {r['steps']}步 {flag} 难度{r['difficulty']}  {r['title']}")
    click.echo(f"{len(rows)} scenario(s)")


def load_transcript(path: Path):
    """A transcript from a YAML or JSON file; click errors with a clear message otherwise."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"cannot read {path}: {exc}")
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise click.ClickException(f"{path} is not valid {'JSON' if path.suffix.lower() == '.json' else 'YAML'}: {exc}")
    if not isinstance(data, dict) or "steps" not in data:
        raise click.ClickException(f"{path}: a transcript needs a top-level `steps` list of {{step, actions, reply, minutes}}")
    return data


def format_report(report, project) -> str:
    lines = [f"{report.case_id}  得分 {report.score:g} / {report.max:g}  路径 {' → '.join(report.path)}"]
    for c in report.critical:
        lines.append(f"  严重问题 [{c.step}] {c.reason}：“{c.evidence}”  {c.rule or ''}")
    marks = {"pass": "✓", "fail": "✗", "na": "–"}
    for c in report.criteria:
        lines.append(f"  {marks[c.status]} [{c.step}] {c.kind:17} ×{c.weight:g}  {c.label}  — {c.evidence}"
                     + (f"  ({c.rule})" if c.rule else ""))
    lines.append(report.comment)
    return "\n".join(lines)


@scenario.command("score")
@root_option
@click.argument("case_id")
@click.option("--transcript", "transcript", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="YAML or JSON file with `steps`: [{step, actions, reply, minutes}].")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def score_cmd(root, case_id, transcript, as_json):
    """Score a transcript of CASE_ID's scenario (same shape as a golden transcript)."""
    from ..scoring import Scorer, TranscriptError
    project = load_project(root)
    located = project.cases.get(case_id.upper())
    if located is None:
        raise click.ClickException(f"no case {case_id} (see `casebook scenario list`)")
    if located.obj.scenario is None:
        raise click.ClickException(f"{case_id} has no scenario")
    data = load_transcript(transcript)
    try:
        report = Scorer(project).score(located.obj, data)
    except TranscriptError as exc:
        raise click.ClickException(f"{transcript}: {exc}")
    if as_json:
        out = report.as_dict()
        for item in out["criteria"] + out["critical"]:
            item["rule_url"] = f"/docs/{project.rule_url(item['rule'])}" if item.get("rule") else None
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        click.echo(format_report(report, project))
    sys.exit(0)


@scenario.command("validate")
@root_option
@click.option("--json", "as_json", is_flag=True, help="Print the figures and every transcript's score as JSON.")
@click.option("--items", "show_items", is_flag=True, help="Also list every transcript: trainer grade, score, kind.")
@click.option("--split", type=click.Choice(["all", "tuning", "heldout"]), default="all",
              help="With --items: which part to list.")
def validate_cmd(root, as_json, show_items, split):
    """How valid is the score: agreement with the trainer-graded set in cases/validation/."""
    from ..content.problems import ProblemList
    from ..scoring import scorer_for
    from ..scoring.validation import THRESHOLDS, below_bar, kind_table, table, validate_project
    project = load_project(root)
    problems = ProblemList()
    items, parts = validate_project(project, scorer_for(project), problems)
    for p in problems:
        click.echo(f"{p.path}:{p.line}: {p.message}", err=True)
    if not items:
        raise click.ClickException("no validation transcripts in cases/validation/")
    if as_json:
        click.echo(json.dumps({
            "parts": {k: v.as_dict() for k, v in parts.items()},
            "thresholds": {k: list(v) for k, v in THRESHOLDS.items()},
            "held_out_below_bar": below_bar(parts["held-out"]),
            "items": [{"id": i.id, "case": i.case, "kind": i.kind, "split": i.split, "grade": i.grade,
                       "critical": i.critical, "score": i.score, "auto_critical": i.auto_critical, "error": i.error}
                      for i in items],
        }, ensure_ascii=False, indent=2))
        return
    click.echo(table(parts))
    click.echo()
    click.echo(kind_table(parts["all"]))
    errors = [i for i in items if i.error]
    for i in errors:
        click.echo(f"{i.path}:{i.line}: {i.id} cannot be scored: {i.error}", err=True)
    if show_items:
        click.echo()
        for i in sorted(items, key=lambda i: (i.case, i.id)):
            if split != "all" and i.split != split:
                continue
            if i.score is None:
                continue
            flag = ("C" if i.critical else " ") + ("c" if i.auto_critical else " ")
            click.echo(f"{i.id:14} {i.split:7} {i.kind:20} trainer {i.grade:5.0f}  scorer {i.score:5.1f} {flag} "
                       f"Δ{i.score - i.grade:+6.1f}")
    from ..scoring.validation import FLOOR
    missed = below_bar(parts["held-out"])
    floor = below_bar(parts["held-out"], FLOOR)
    click.echo()
    click.echo("held-out, target bar: " + ("met" if not missed else "not met: " + "; ".join(missed)))
    click.echo("held-out, regression floor (enforced by casebook lint): " + ("held" if not floor else "BROKEN: " + "; ".join(floor)))


@scenario.command("tune")
@root_option
def tune_cmd(root):
    """Choose the scorer's settings on the tuning split of cases/validation/ and print them (held-out untouched)."""
    from ..scoring.tune import tune
    project = load_project(root)
    tune(project, log=click.echo)


@scenario.command("learn-critical")
@root_option
@click.option("--exclude-round", "exclude", type=int, multiple=True,
              help="Leave this round out of the fit (a round not yet measured unseen). Repeatable.")
@click.option("--check", "check", default="", metavar="FIRST-LAST",
              help="Also measure the recipe leaving one round out, for rounds FIRST to LAST (e.g. 12-27).")
@click.option("--dry-run", is_flag=True, help="Print the figures; do not write the model file.")
def learn_critical_cmd(root, exclude, check, dry_run):
    """Fit the learned critical-failure model on cases/validation/ and write cases/scoring/critical-model.json."""
    from ..content.problems import ProblemList
    from ..scoring import learn
    from ..scoring.learned import MODEL_FILE
    from ..scoring.validation import load_set
    project = load_project(root)
    if project.rubric is None:
        raise click.ClickException("cases/scoring/rubric.yml is missing")
    problems = ProblemList()
    items = learn.usable(load_set(project.root, problems), set(exclude))
    for p in problems:
        click.echo(f"{p.path}:{p.line}: {p.message}", err=True)
    cases = {cid: located.obj for cid, located in project.cases.items()}
    labels = {k: v.label for k, v in project.rubric.obj.critical.items()}
    examples = learn.examples(items, cases, labels)
    eligible = learn.kind_gate(project.rubric.obj.critical, examples)
    if check:
        try:
            first, last = (int(x) for x in check.split("-"))
        except ValueError:
            raise click.BadParameter("give the rounds as FIRST-LAST, e.g. 12-27", param_hint="--check") from None
        rounds = [r for r in range(first, last + 1) if any(e.round == r for e in examples)]
        click.echo("leave one round out (fitted on the other rounds):")
        click.echo("| round | critical found | of those the patterns miss | false (new: not flagged by patterns) |")
        click.echo("|---|---|---|---|")
        figures = learn.leave_one_round_out(examples, rounds, eligible=eligible)
        for f in [*figures, learn.total(figures)]:
            click.echo(f"| {f.round} | {f.found}/{f.critical} | {f.found_of_missed}/{f.missed_by_patterns} | "
                       f"{f.false}/{f.other} ({f.false_new}) |")
    try:
        model = learn.fit(examples, eligible=eligible)
    except ValueError as e:
        raise click.ClickException(str(e)) from None
    m = model.meta
    click.echo(f"fitted on {m['transcripts']} transcripts ({m['critical_transcripts']} critical), "
               f"{m['sentences']['critical']} critical and {m['sentences']['other']} other sentences, "
               f"{len(model.vocabulary)} n-grams, rounds {', '.join(map(str, m['rounds']))}; threshold {model.threshold:.3f}")
    if not dry_run:
        path = Path(project.root) / MODEL_FILE
        path.write_text(json.dumps(model.to_json(), ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
        click.echo(f"wrote {MODEL_FILE} ({path.stat().st_size // 1024} KB)")

