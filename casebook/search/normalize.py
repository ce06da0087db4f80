"""Text normalisation shared by queries and documents, and ID recognition in queries.

- ``normalize``: Unicode NFKC (full-width letters, digits and punctuation → half-width),
  Traditional → Simplified Chinese (OpenCC ``t2s``), optionally case folding. Staff paste
  messages from Traditional-script customers and type on full-width input methods; the content
  is Simplified, so both sides are brought to one form before tokenising.
- ``find_ids``: rule, case, question and resolution IDs written in a query (``SANC-03``,
  ``sanc-3``, ``SANC 3``, ``case 5``, ``案例5``, ``CASE-012``, ``RES-1001``; lowercase letters need a
  hyphen, so "data 1 week" is not DATA-01), in the canonical spelling used
  by the index.
"""
from __future__ import annotations

import functools
import re
import threading
import unicodedata

_cc_lock = threading.Lock()


@functools.lru_cache(maxsize=1)
def _t2s():
    """The OpenCC Traditional → Simplified converter (created on first use, never at import)."""
    import opencc
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    if not text:
        return text
    converter = _t2s()
    with _cc_lock:   # one converter shared by threads: serialise calls to the C++ object
        return converter.convert(text)


def normalize(text: str, fold_case: bool = False) -> str:
    """NFKC (full-width → half-width), Traditional → Simplified, optional case folding."""
    text = unicodedata.normalize("NFKC", text or "")
    text = to_simplified(text)
    return text.casefold() if fold_case else text


# ---------------------------------------------------------------- IDs in queries

# letters (2-5) + separator + digits; "Q" marks a quiz question. Matched case-insensitively on the
# normalised query; word boundaries stop matches inside longer Latin words.
_ID_RE = re.compile(
    r"(?<![A-Za-z0-9])"
    r"(?:(?P<res>RES)[-_](?P<res_id>[A-Za-z0-9][A-Za-z0-9._-]{0,59})"
    r"|(?P<case>CASE|案例|案子)[-_ #]?(?P<case_no>\d{1,3})"
    r"|(?P<ch>[A-Za-z]{2,5})[-_ ]?(?P<q>[Qq])?(?P<no>\d{1,3}))"
    r"(?![0-9])",
    re.IGNORECASE)


def _ids_in(text: str):
    """(match, canonical ID) for each ID written in an NFKC-normalised text, in order."""
    for match in _ID_RE.finditer(text):
        if match.group("res"):
            yield match, "RES-" + match.group("res_id").rstrip("._-")
        elif match.group("case"):
            yield match, f"CASE-{int(match.group('case_no')):03d}"
        else:
            letters = match.group("ch")
            separator = text[match.end("ch"):match.start("no") - (1 if match.group("q") else 0)]
            if not letters.isupper() and separator != "-":
                continue   # "data 1 week" is not DATA-01; "DATA 1", "data-1" and "DATA1" are
            number = int(match.group("no"))
            yield match, f"{letters.upper()}-Q{number:02d}" if match.group("q") else f"{letters.upper()}-{number:02d}"


def english_query(query: str) -> bool:
    """Whether to show a query's results with their English titles: no Chinese in it and at least one
    Latin word besides item IDs (an agent typing "SANC-03" reads Chinese)."""
    text = unicodedata.normalize("NFKC", query or "")
    if re.search(r"[\u4e00-\u9fff]", text):
        return False
    rest, end = [], 0
    for match, _ in _ids_in(text):
        rest.append(text[end:match.start()])
        end = match.end()
    rest.append(text[end:])
    return bool(re.search(r"[A-Za-z]{2,}", " ".join(rest)))


def find_ids(query: str) -> list[str]:
    """Candidate item IDs in a query, canonical form, in order of appearance (not checked to exist)."""
    text = unicodedata.normalize("NFKC", query or "")
    return list(dict.fromkeys(candidate for _, candidate in _ids_in(text)))
