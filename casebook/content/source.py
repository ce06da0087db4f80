"""Reading content files safely: text decoding, YAML with a line for every value.

Nothing here raises on bad input: each function returns data (or None) and records
problems with the file path and line.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .problems import ProblemList

MAX_FILE_BYTES = 2 * 1024 * 1024

Loc = tuple  # a path into the data: keys and list indexes


class LineMap:
    """Maps a location in loaded YAML data to the 1-based line it came from."""

    def __init__(self, lines: dict[Loc, int] | None = None, offset: int = 0):
        self.lines = lines or {}
        self.offset = offset

    def line(self, loc: Loc = ()) -> int:
        loc = tuple(loc)
        while loc and loc not in self.lines:
            loc = loc[:-1]
        return self.lines.get(loc, 1) + self.offset


def read_text(path: Path, rel: str, problems: ProblemList) -> str | None:
    """Read a file as UTF-8 text; report size, encoding and NUL problems."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            problems.error(rel, 1, f"file is too large ({size} bytes; the limit is {MAX_FILE_BYTES})", "too-large")
            return None
        raw = path.read_bytes()
    except OSError as exc:
        problems.error(rel, 1, f"cannot read file: {exc.strerror or exc}", "unreadable")
        return None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.error(rel, line, "file is not valid UTF-8 text (save it as UTF-8)", "encoding")
        return None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        problems.error(rel, line, "file contains a NUL character", "encoding")
        return None
    return text


def _walk(node: yaml.Node, loc: Loc, lines: dict, dups: list) -> None:
    lines.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key in seen:
                dups.append((key, key_node.start_mark.line + 1))
            seen.add(key)
            child = loc + (key,)
            lines[child] = key_node.start_mark.line + 1
            _walk(value_node, child, lines, dups)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, loc + (index,), lines, dups)


#: libyaml's parser when PyYAML was built with it (the same safe constructor, about ten times faster;
#: `casebook lint` reads every content file), else the pure-Python one.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str, rel: str, problems: ProblemList, line_offset: int = 0) -> tuple[Any, LineMap]:
    """Parse one YAML document. Returns (data, line map); data is None on failure."""
    try:
        loader = _LOADER(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return None, LineMap(offset=line_offset)
            lines: dict = {}
            dups: list = []
            _walk(node, (), lines, dups)
            data = loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 if mark else 1) + line_offset
        reason = exc.problem or exc.context or "invalid YAML"
        problems.error(rel, line, f"YAML syntax error: {reason}", "yaml")
        return None, LineMap(offset=line_offset)
    except (yaml.YAMLError, RecursionError, ValueError, TypeError, OverflowError) as exc:
        problems.error(rel, 1 + line_offset, f"YAML cannot be read: {type(exc).__name__}: {exc}"[:300], "yaml")
        return None, LineMap(offset=line_offset)
    for key, line in dups:
        problems.error(rel, line + line_offset, f"duplicate key '{key}'", "duplicate-key")
    return data, LineMap(lines, line_offset)


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """Split '---' front matter from Markdown. Returns (front, body, body_start_line)."""
    if not text.startswith("---"):
        return None, text, 1
    lines = text.split("\n")
    if lines[0].strip() != "---":
        return None, text, 1
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            front = "\n".join(lines[1:index])
            body = "\n".join(lines[index + 1:])
            return front, body, index + 2
    return None, text, 1
