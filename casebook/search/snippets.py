"""Snippets: the passage of a text that best matches the query, with the matches in <mark>.

The snippet is an HTML fragment: the text is escaped, and only the <mark> tags are markup.
"""
from __future__ import annotations

import html
import re
from typing import Sequence

WIDTH = 110
LEAD = 20
MARK_OPEN, MARK_CLOSE = "<mark>", "</mark>"


def _useful(term: str) -> bool:
    term = term.strip()
    if not term:
        return False
    if term.isascii():
        return len(term) >= 2
    return len(term) >= 2


def find_spans(text: str, terms: Sequence[str]) -> list[tuple[int, int]]:
    """Non-overlapping (start, end) matches of terms in text, longer terms first, case-insensitive."""
    lowered = text.lower()
    spans: list[tuple[int, int]] = []
    taken = bytearray(len(text))
    for term in sorted({t.lower() for t in terms if _useful(t)}, key=len, reverse=True):
        pattern = re.escape(term)
        if term.isascii() and re.match(r"\w", term):
            pattern = r"(?<![A-Za-z0-9])" + pattern + r"(?![A-Za-z0-9])"
        for match in re.finditer(pattern, lowered):
            start, end = match.span()
            if any(taken[start:end]):
                continue
            taken[start:end] = b"\x01" * (end - start)
            spans.append((start, end))
    return sorted(spans)


def make_snippet(text: str, terms: Sequence[str], width: int = WIDTH) -> str:
    text = re.sub(r"\s+", " ", text or "").strip()
    spans = find_spans(text, terms)
    if len(text) <= width:
        start, end = 0, len(text)
    elif not spans:
        start, end = 0, width
    else:
        best, best_start = -1, 0
        for s, _e in spans:
            begin = max(0, s - LEAD)
            inside = [sp for sp in spans if sp[0] >= begin and sp[1] <= begin + width]
            score = len({text[a:b].lower() for a, b in inside}) * 10 + len(inside)
            if score > best:
                best, best_start = score, begin
        start = min(best_start, max(0, len(text) - width))
        end = min(len(text), start + width)
    out = ["…" if start > 0 else ""]
    cursor = start
    for s, e in spans:
        if s < start or e > end:
            continue
        out.append(html.escape(text[cursor:s]))
        out.append(MARK_OPEN + html.escape(text[s:e]) + MARK_CLOSE)
        cursor = e
    out.append(html.escape(text[cursor:end]))
    if end < len(text):
        out.append("…")
    return "".join(out)


def plain(snippet: str, open_mark: str = "[", close_mark: str = "]") -> str:
    """The snippet as plain text, marks shown with the given delimiters (for the terminal)."""
    text = snippet.replace(MARK_OPEN, open_mark).replace(MARK_CLOSE, close_mark)
    return html.unescape(text)
