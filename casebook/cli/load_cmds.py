"""casebook bench load: agents sitting the exam at once against several app processes."""
from __future__ import annotations

import json
import os

import click

from .options import root_option, settings


def register(cli: click.Group) -> None:
    existing = cli.commands.get("bench")
    if not isinstance(existing, click.Group):
        existing = click.Group("bench", help="Benchmarks: print figures (never a pass/fail test).")
        cli.add_command(existing)
    existing.add_command(bench_load, "load")


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
    from ..benchmarks import load
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
