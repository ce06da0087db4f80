"""The rulebook site: strict MkDocs build, rule anchors, generated pages, backlinks, search index."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from casebook.site.build import BuildError, build_site
from tests.conftest import REPO, edit


@pytest.fixture(scope="module")
def repo_site(tmp_path_factory) -> Path:
    """The real repository's site, built once with `mkdocs build --strict`."""
    out = tmp_path_factory.mktemp("site")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
                            cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return out


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_every_rule_has_its_id_as_anchor(repo_site):
    from casebook.content import load_project
    project = load_project(REPO)
    for rule in project.rules.values():
        page = repo_site / "rules" / Path(rule.path).stem / "index.html"
        html = page.read_text(encoding="utf-8")
        assert f'id="{rule.id}"' in html, rule.id


def test_rule_shows_id_owner_and_review_date(repo_site):
    html = (repo_site / "rules/sanc/index.html").read_text(encoding="utf-8")
    text = _text(html)
    assert re.search(r"SANC-01 负责人：\S+ 最近复核：\d{4}-\d{2}-\d{2} 复核周期：\d+ 天", text)


def test_rule_index_lists_every_rule(repo_site):
    from casebook.content import load_project
    html = (repo_site / "rules/index.html").read_text(encoding="utf-8")
    for rule_id in load_project(REPO).rules:
        assert f"#{rule_id}" in html


def test_browser_search_index_finds_mute_in_sanction_rules(repo_site):
    """The built-in search, segmented with jieba, indexes 禁言 in the SANC rule sections."""
    index = json.loads((repo_site / "search/search_index.json").read_text(encoding="utf-8"))
    hits = [doc["location"] for doc in index["docs"] if "禁言" in doc["text"].replace("\u200b", "") or "禁言" in doc["title"]]
    assert any(loc.startswith("rules/sanc/#SANC-03") for loc in hits), hits[:20]
    assert index["config"]["lang"] == ["zh"]
    # jieba segmented the text: 禁言 stands as its own token somewhere
    assert any("\u200b禁言\u200b" in doc["text"] or doc["text"].startswith("禁言\u200b") for doc in index["docs"])


def test_mermaid_workflows_render(repo_site):
    for name in ("problem-handling", "escalation", "dispute", "crisis", "feedback-loop", "sanction-appeal"):
        html = (repo_site / "workflows" / name / "index.html").read_text(encoding="utf-8")
        assert 'class="mermaid"' in html, name


def test_case_page_puts_annotation_beside_its_message(mini, tmp_path):
    out = build_site(mini, out=tmp_path / "site")
    html = (out / "cases/case-001/index.html").read_text(encoding="utf-8")
    rows = re.findall(r'<div class="cb-row">(.*?)</div>\s*</div>|<div class="cb-row">(.*?)<div></div>', html, re.S)
    # the message "您好，请勿发广告。" is in the same row as its note "正确" which links AAA-02
    row = next(r for r in re.split(r'<div class="cb-row">', html) if "您好，请勿发广告。" in r)
    assert "cb-note" in row and "正确" in row and "AAA-02" in row
    other = next(r for r in re.split(r'<div class="cb-row">', html) if "还有问题随时找我" in r)
    assert "cb-note" not in other.split('<div class="cb-row">')[0].split("</div>\n</div>")[0]


def test_backlinks_from_rule_to_case(mini, tmp_path):
    out = build_site(mini, out=tmp_path / "site")
    html = (out / "rules/aaa/index.html").read_text(encoding="utf-8")
    section = html.split('id="AAA-02"', 1)[1]
    assert "应用本规则的案例" in section and "../../cases/case-001/" in section


def test_case_index_by_chapter_tag_and_difficulty(mini, tmp_path):
    out = build_site(mini, out=tmp_path / "site")
    text = _text((out / "cases/index.html").read_text(encoding="utf-8"))
    assert "按章节" in text and "按难度" in text and "按标签" in text and "CASE-001 示例案例" in text


def test_strict_build_fails_on_broken_content(mini, tmp_path):
    edit(mini / "docs/rules/aaa.md", "related: [AAA-02]", "related: [AAA-09]")
    with pytest.raises(BuildError, match="AAA-09"):
        build_site(mini, out=tmp_path / "site")
