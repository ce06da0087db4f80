"""The search, resolutions and stats commands."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from casebook.cli import cli

from .conftest import RESOLUTIONS_CSV


@pytest.fixture
def run(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")

    def invoke(*args, input=None):
        return CliRunner().invoke(cli, [str(a) for a in args], input=input, catch_exceptions=False)
    return invoke


@pytest.fixture
def imported(run, mini, tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(RESOLUTIONS_CSV + "bad,2026-99-01,群,广告,坏日期,处理,小安,\n", encoding="utf-8")
    result = run("resolutions", "import", path, "--root", mini)
    return mini, result


def test_import_reports_summary_bad_rows_and_redaction(imported):
    mini, result = imported
    assert result.exit_code == 0
    assert "row 5: date '2026-99-01'" in result.output
    assert "4 rows read: 3 new, 0 updated, 0 unchanged, 1 bad" in result.output
    assert "手机号 1" in result.output and "订单号 1" in result.output and "13800001234" not in result.output
    assert "index built" in result.output


def test_search_json_has_the_documented_fields(imported, run):
    mini, _ = imported
    result = run("search", "群里有人发微商广告怎么办", "--json", "-k", "3", "--root", mini)
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert len(data["hits"]) == 3
    assert {"id", "kind", "title", "url", "score", "snippet", "text"} <= set(data["hits"][0])
    assert data["hits"][0]["id"] == "RES-1001"


def test_search_filters_and_text_output(imported, run):
    mini, _ = imported
    result = run("search", "广告", "--kind", "rule", "--root", mini)
    assert result.exit_code == 0 and "[规则] AAA-01" in result.output and "RES-" not in result.output
    tagged = run("search", "快递", "--tag", "物流", "--json", "--root", mini)
    assert [h["id"] for h in json.loads(tagged.stdout)["hits"]] == ["RES-1002"]
    bad = run("search", "广告", "--kind", "video", "--root", mini)
    assert bad.exit_code == 2 and "video" in bad.output


def test_stdin_gives_one_json_line_per_query(imported, run):
    mini, _ = imported
    result = run("search", "--json", "-k", "2", "--root", mini, input="发广告怎么办\n\n快递没到\n" + "x" * 3000 + "\n")
    lines = [json.loads(line) for line in result.stdout.strip().splitlines()]
    assert [line["query"] for line in lines[:2]] == ["发广告怎么办", "快递没到"]
    assert len(lines[0]["hits"]) == 2 and "too long" in lines[2]["error"]


def test_search_builds_a_missing_index_and_index_command(run, mini):
    result = run("search", "发广告", "--json", "--root", mini)
    assert result.exit_code == 0 and json.loads(result.stdout)["hits"]
    again = run("search", "index", "--root", mini)
    assert "index built" in again.output and "embedded 0" in again.output


def test_gaps_lists_weak_queries(imported, run):
    mini, _ = imported
    run("search", "明年的高考是哪天", "--root", mini)
    result = run("search", "gaps", "--root", mini)
    assert "明年的高考是哪天" in result.output
    data = json.loads(run("search", "gaps", "--json", "--root", mini).stdout)
    assert data[0]["query"] == "明年的高考是哪天" and data[0]["count"] == 1


def test_eval_prints_three_modes(imported, run):
    mini, _ = imported
    result = run("search", "eval", "--root", mini)
    assert result.exit_code == 0
    for word in ("keyword", "dense", "hybrid", "Recall@5", "MRR", "nDCG@10", "heldout"):
        assert word in result.output
    data = json.loads(run("search", "eval", "--json", "--root", mini).stdout)
    hybrid = next(r for r in data["rows"] if r["split"] == "all" and r["mode"] == "hybrid")
    assert hybrid["n"] == 1 and float(hybrid["recall@5"]) == 1.0


def test_stats_counts_resolutions(imported, run):
    mini, _ = imported
    assert json.loads(run("stats", "--json", "--root", mini).stdout)["resolutions"] == 3


def test_import_of_unreadable_file_fails_cleanly(run, mini, tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("id,date\n1,2026-10-01\n", encoding="utf-8")
    result = run("resolutions", "import", path, "--root", mini)
    assert result.exit_code == 1 and "lacks required column" in result.output
