"""Benchmark commands: casebook bench search | bench scoring | bench trust | bench insight | bench load.
They print figures (never pass/fail)."""
from __future__ import annotations

import json
import os
from pathlib import Path

import click

from ..content import load_project
from .options import root_option, settings


def register(cli: click.Group) -> None:
    cli.add_command(bench)


@click.group()
def bench():
    """Benchmarks: print figures (never a pass/fail test)."""


@click.command("search")
@root_option
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Review file (default: ../shared/benchmarks/online_shopping_10_cats.csv beside the root).")
@click.option("--sizes", default="10000,all", show_default=True,
              help="Collection sizes for the latency runs, comma-separated ('all' = every review).")
@click.option("--build-docs", default=1000, show_default=True, type=click.IntRange(10, 100000),
              help="Documents for the cold build-throughput run.")
@click.option("--queries", "n_queries", default=200, show_default=True, type=click.IntRange(10, 10000))
@click.option("--no-build", is_flag=True, help="Skip the cold build-throughput run.")
@click.option("--dense", "dense_only", is_flag=True, help="Only compare faiss Flat vs HNSW (threshold measurement).")
@click.option("--json", "as_json", is_flag=True)
def bench_search(root, csv_path, sizes, build_docs, n_queries, no_build, dense_only, as_json):
    """Index build throughput and warm query latency (p50/p99) on the review benchmark."""
    from ..bench import search as benchmod
    csv_path = csv_path or (Path(root) / benchmod.BENCH_CSV).resolve()
    if not csv_path.is_file():
        raise click.ClickException(f"{csv_path} not found: pass --csv")
    try:
        size_list = [None if s.strip() == "all" else int(s) for s in sizes.split(",") if s.strip()]
    except ValueError:
        raise click.UsageError("--sizes: comma-separated numbers or 'all'")
    if dense_only:
        rows = benchmod.dense_threshold(root, csv_path, [s for s in size_list if s] or [1000, 10000, 30000, 62774],
                                        embedder_spec=settings().embedder, cache_file=settings().search_cache_file)
        click.echo(json.dumps(rows, indent=1) if as_json else benchmod.format_dense(rows))
        return
    results = benchmod.run(root, csv_path, size_list, build_docs=None if no_build else build_docs,
                           n_queries=n_queries, log=lambda m: click.echo(m, err=True),
                           embedder_spec=settings().embedder, cache_file=settings().search_cache_file)
    click.echo(json.dumps(results, ensure_ascii=False, indent=1) if as_json else benchmod.format_results(results))


@click.command("scoring")
@root_option
@click.option("--runs", default=10, show_default=True, help="Warm runs (each with new reply text, so nothing is cached).")
def bench_scoring(root, runs):
    """Time to score the longest scenario's exemplary transcript in-process: cold and warm."""
    import statistics
    import time

    from ..scoring import Scorer, semantic
    from ..scoring.scorer import embedded_texts
    from ..search.embcache import content_hash
    project = load_project(root)
    case = max((loc.obj for loc in project.scenarios.values()), key=lambda c: len(c.scenario.golden[0].steps))
    golden = max(case.scenario.golden, key=lambda g: g.expect_score[0])

    def transcript(tag: str) -> dict:
        return {"steps": [{"step": s.step, "actions": list(s.actions), "minutes": s.minutes,
                           "reply": s.reply.replace("。", f"（{tag}）。", 1)} for s in golden.steps]}

    def reply_texts(data: dict) -> set[str]:
        """Every text the scorer embeds for the replies: their sentences and spans."""
        sentences, spans = embedded_texts(*(step["reply"] for step in data["steps"]))
        return set(sentences) | set(spans)

    service = semantic._service()
    saved = (service.store, service.legacy, dict(service._memory))
    service.store, service.legacy = None, None  # cold: no embedding on disk or in memory
    service._memory.clear()
    try:
        start = time.perf_counter()
        scorer = Scorer(project)
        scorer.score(case, transcript("cold"))
        cold = time.perf_counter() - start
        # warm: the model, the background and the rubric are in memory; every span and sentence of
        # the replies is embedded afresh (removed from memory before each run)
        def forget(data: dict) -> int:
            spans = reply_texts(data)
            for h in {content_hash(t) for t in spans}:
                service._memory.pop(("query", h), None)
                service._memory.pop(("passage", h), None)
            return len(spans)

        warm, texts, per_step, report = [], 0, [], []
        for i in range(runs):
            data = transcript(f"run {i}")
            texts = forget(data)
            start = time.perf_counter()
            scorer.score(case, data)
            warm.append(time.perf_counter() - start)
            # in practice: each reply is embedded as it is sent (practice.answer → Scorer.prefetch), so
            # the report at the end only analyses
            data = transcript(f"practice {i}")
            forget(data)
            for step in data["steps"]:
                start = time.perf_counter()
                scorer.prefetch(step["reply"])
                per_step.append(time.perf_counter() - start)
            start = time.perf_counter()
            scorer.score(case, data)
            report.append(time.perf_counter() - start)
    finally:
        service.store, service.legacy = saved[0], saved[1]
        service._memory.clear()
        service._memory.update(saved[2])
    sentences = sum(len(s.reply) > 0 for s in golden.steps)
    click.echo(f"{case.id}: {len(golden.steps)} steps ({sentences} replies), exemplary golden")
    click.echo(f"cold (model load, background of {len(scorer.background.all)} key points, every sentence embedded): {cold * 1000:.0f} ms")
    click.echo(f"warm (model in memory; all {texts} reply spans embedded afresh, {runs} runs): median "
               f"{statistics.median(warm) * 1000:.0f} ms, max {max(warm) * 1000:.0f} ms")
    click.echo(f"in practice (each reply embedded as it is sent): per step median {statistics.median(per_step) * 1000:.0f} ms, "
               f"max {max(per_step) * 1000:.0f} ms; the report at the end median {statistics.median(report) * 1000:.0f} ms, "
               f"max {max(report) * 1000:.0f} ms")


@click.command("insight")
@root_option
@click.option("--agents", default=200, show_default=True, type=click.IntRange(1, 100000), help="Agents in the cohort.")
@click.option("--quizzes", default=20, show_default=True, type=click.IntRange(1, 1000),
              help="Practice quizzes (10 questions each) per agent.")
@click.option("--scenarios", default=6, show_default=True, type=click.IntRange(1, 1000),
              help="Scenario attempts per agent.")
@click.option("--runs", default=5, show_default=True, type=click.IntRange(1, 100))
def bench_insight(root, agents, quizzes, scenarios, runs):
    """Time the trainer dashboard, one scenario's statistics and one agent's xAPI export on a
    synthetic cohort in a throwaway SQLite store."""
    from ..bench import insight as benchmod
    project = load_project(root)
    figures = benchmod.run(project, agents, quizzes, scenarios, runs, log=lambda m: click.echo(m, err=True))
    click.echo(benchmod.format_results(figures))


bench.add_command(bench_search, "search")
bench.add_command(bench_insight, "insight")
bench.add_command(bench_scoring, "scoring")


@click.command("load")
@root_option
@click.option("--agents", default=200, show_default=True, type=click.IntRange(1, 1000), help="Simulated agents.")
@click.option("--servers", default=2, show_default=True, type=click.IntRange(1, 8), help="App server processes.")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64), help="Threads per app process.")
@click.option("--ramp", default=60.0, show_default=True, type=click.FloatRange(0, 600),
              help="Seconds over which the agents start (the same minute).")
@click.option("--answers", default=10, show_default=True, type=click.IntRange(0, 200),
              help="Answers each agent saves before submitting.")
@click.option("--think", default="1,3", show_default=True, help="Seconds between answers: min,max.")
@click.option("--signin-ramp", default=60.0, show_default=True, type=click.FloatRange(0, 600),
              help="Seconds over which the agents sign in, before the exam minute.")
@click.option("--json", "as_json", is_flag=True)
def bench_load(root, agents, servers, threads, ramp, answers, think, signin_ramp, as_json):
    """Start PostgreSQL, Redis and app processes on 127.0.0.1; AGENTS agents sign in, then start the
    exam within RAMP seconds, answer and submit; print requests/s, p50/p95/p99 and errors."""
    from ..bench import load
    try:
        low, high = (float(x) for x in think.split(","))
        if not 0 <= low <= high:
            raise ValueError
    except ValueError:
        raise click.UsageError("--think: two numbers min,max with 0 <= min <= max, e.g. 1,3")
    before = " ".join(f"{x:.2f}" for x in os.getloadavg())
    log = (lambda m: click.echo(m, err=True))
    try:
        stack = load.start_stack(root, servers, agents, threads, settings().search_cache_file, log)
    except load.LoadError as exc:
        raise click.ClickException(str(exc))
    try:
        log(f"running {agents} agents ...")
        signin_samples, samples, seconds = load.run_agents(stack.servers, agents, ramp, answers, (low, high),
                                                           signin_ramp)
    finally:
        stack.stop()
    summary = load.summarise(samples, seconds)
    signin = load.summarise(signin_samples, max(signin_ramp, 1.0))
    options = {"agents": agents, "servers": servers, "ramp": ramp, "answers": answers, "think": (low, high),
               "signin_ramp": signin_ramp, "load": before}
    if as_json:
        click.echo(json.dumps({**options, **summary, "sign_in": signin}, ensure_ascii=False, indent=1))
    else:
        click.echo(load.format_summary(summary, options, signin))
    if summary["errors"] or signin["errors"]:
        raise SystemExit(1)


bench.add_command(bench_load, "load")


@click.command("trust")
@click.option("--attempts", default=2000, show_default=True, type=click.IntRange(1, 100000),
              help="Finished attempts in the throwaway store (each: 20 criteria graded by two trainers).")
@click.option("--runs", default=5, show_default=True, type=click.IntRange(1, 100))
def bench_trust(attempts, runs):
    """Agreement tables and gates, a report with disputes and gates, one rescore: milliseconds."""
    from ..bench.trust import run
    out = run(attempts, runs)
    click.echo(f"{out['attempts']} attempts, {out['grades']} trainer grades (SQLite, throwaway)")
    for key, label in (("agreement_tables_ms", "agreement tables and gates (calibration page)"),
                       ("report_with_gates_ms", "report with disputes applied and gates checked"),
                       ("rescore_ms", "one rescore (20 criteria)")):
        median, worst = out[key]
        click.echo(f"{label}: median {median:.2f} ms, max {worst:.2f} ms")


bench.add_command(bench_trust, "trust")
