"""Recall of the redactor per kind on a corpus (a YAML file of texts and the values that must
disappear), and the ordinary texts it changed by mistake.

    python -m casebook.bench.redaction [CORPUS]      (default: tests/search/redaction_corpus.yml)
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

from ..search.redact import normalise, redact

DEFAULT = Path("tests/search/redaction_corpus.yml")


def _fold(text: str) -> str:
    return re.sub(r"[\s\-.()]", "", normalise(text)).lower()


def survives(value: str, redacted: str) -> bool:
    """True when the value (or its digits/letters without separators) is still readable."""
    return value in redacted or _fold(value) in _fold(redacted)


def evaluate(corpus: dict) -> dict:
    """{section: {kind: (found, total, [missed texts])}, "negatives": (changed, total, [texts])}."""
    out: dict = {}
    for section in ("tune", "heldout"):
        kinds = {}
        for kind, cases in (corpus.get(section) or {}).items():
            found, total, missed = 0, 0, []
            for case in cases:
                redacted = redact(case["text"]).text
                for value in case["values"]:
                    total += 1
                    if survives(value, redacted):
                        missed.append(case["text"])
                    else:
                        found += 1
            kinds[kind] = (found, total, missed)
        out[section] = kinds
    negatives = corpus.get("negatives") or []
    changed = [t for t in negatives if redact(t).text != t]
    out["negatives"] = (len(changed), len(negatives), changed)
    return out


def report(result: dict) -> str:
    lines = ["| kind | tuning set | held-out set |", "| --- | --- | --- |"]
    kinds = list(dict.fromkeys([*result["tune"], *result["heldout"]]))
    for kind in kinds:
        cells = []
        for section in ("tune", "heldout"):
            found, total, _ = result[section].get(kind, (0, 0, []))
            cells.append(f"{found}/{total} ({found / total:.0%})" if total else "–")
        lines.append(f"| {kind} | {cells[0]} | {cells[1]} |")
    changed, total, texts = result["negatives"]
    lines.append(f"\nordinary texts changed by mistake: {changed}/{total}")
    for section in ("tune", "heldout"):
        for kind, (_, _, missed) in result[section].items():
            for text in missed:
                lines.append(f"missed ({section}, {kind}): {text}")
    lines.extend(f"changed: {t}" for t in texts)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else DEFAULT
    if not path.is_file():
        print(f"{path}: no such corpus file", file=sys.stderr)
        return 2
    print(report(evaluate(yaml.safe_load(path.read_text(encoding="utf-8")))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
