"""MkDocs hooks: render rule metadata, generate the rule index, case pages and backlinks.

Loaded through `hooks:` in mkdocs.yml (no plugin). All content comes from the content model,
so the site shows exactly what `casebook lint` validated.
"""
from __future__ import annotations

import logging
import re
import sys
from pathlib import Path

from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

try:  # loaded by path from mkdocs.yml: make sure the package is importable
    from casebook.content import load_project
    from casebook.site import pages
except ImportError:  # pragma: no cover - running from a source checkout without install
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from casebook.content import load_project
    from casebook.site import pages

log = logging.getLogger("mkdocs.plugins.casebook")
_state: dict = {}

RULE_HEADING = re.compile(r"^## (?P<id>[A-Z]{2,5}-\d{2}) (?P<title>.+?)\s*(?:\{#[^}]*\})?\s*$")


@event_priority(100)
def on_config(config):
    root = Path(config.config_file_path).resolve().parent
    project = load_project(root)
    for problem in project.problems.errors:
        log.warning(f"content: {problem.format()}")
    _state["project"] = project
    _state["backlinks"] = pages.case_backlinks(project)  # rule ID -> cases, once per build
    _state["recheck"] = recheck_notices(project)          # changed rules -> material to re-check
    tags_plugin = config.plugins.get("material/tags")
    if tags_plugin is not None and project.tags:
        from material.plugins.tags.structure.tag import Tag
        tags_plugin.config.tags_allowed = {Tag(name) for name in project.tags}
    return config


def on_files(files, config):
    project = _state["project"]
    generated = {
        "rules/index.md": pages.rule_index(project),
        "cases/index.md": pages.case_index(project),
        "tags.md": pages.tags_page(project),
    }
    for case_id, located in project.cases.items():
        generated[f"cases/{project.case_slug(case_id)}.md"] = pages.case_page(project, located.obj)
    for uri, content in generated.items():
        existing = files.get_file_from_path(uri)
        if existing is not None:
            files.remove(existing)
        files.append(File.generated(config, uri, content=content))
    return files


def on_page_markdown(markdown, page, config, files):
    project = _state["project"]
    src = page.file.src_uri
    chapter = next((c for c in project.chapters if c.path == f"docs/{src}"), None)
    if chapter is None:
        return markdown
    tags = sorted({t for r in chapter.rules for t in r.tags})
    if tags:
        page.meta["tags"] = sorted(set(page.meta.get("tags") or []) | set(tags))
    return render_chapter(project, markdown, _state["backlinks"], _state.get("recheck"))


def recheck_notices(project) -> dict[str, str]:
    """Rule ID -> the "本规则已修改" notice, for rules changed since their last confirmation."""
    from casebook.content.reviews import changed_rules, citations
    return {rule_id: pages.rule_recheck(project, project.rules[rule_id], entry, citations(project, rule_id))
            for rule_id, entry in changed_rules(project).items()}


def render_chapter(project, markdown: str, backlinks: dict, recheck: dict | None = None) -> str:
    """Anchor rule headings by ID, show their metadata, related rules and case backlinks."""
    out: list[str] = []
    lines = markdown.split("\n")
    current = None
    in_fence = False
    fence_marker = ""
    skipping_meta = False

    def close_section():
        if current is not None:
            out.extend(["", pages.rule_footer(project, current, backlinks), ""])

    for line in lines:
        stripped = line.strip()
        if skipping_meta:
            if stripped.startswith(fence_marker):
                skipping_meta = False
            continue
        if in_fence:
            out.append(line)
            if stripped.startswith(fence_marker):
                in_fence = False
            continue
        if stripped.startswith(("```", "~~~")):
            fence_marker = stripped[:3]
            if stripped[3:].strip() == "rule" and current is not None:
                skipping_meta = True
                out.append(pages.rule_meta(current))
                if recheck and current.id in recheck:
                    out.extend(["", recheck[current.id], ""])
                continue
            in_fence = True
            out.append(line)
            continue
        match = RULE_HEADING.match(line)
        if match:
            close_section()
            current = project.rules.get(match.group("id"))
            out.append(f"## {match.group('id')} {match.group('title')} {{#{match.group('id')}}}")
            continue
        out.append(line)
    close_section()
    return "\n".join(out)
