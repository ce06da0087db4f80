"""Import past resolutions from CSV or JSON Lines: validate, redact, upsert by id.

Columns (CSV header or JSON keys):
  id (required), date (required, YYYY-MM-DD; YYYY/MM/DD and a trailing time are accepted),
  channel, category, problem (required), resolution (required), agent, rules (optional:
  rule IDs separated by commas/semicolons/spaces, or a JSON list in JSON Lines).

IDs are stored with a ``RES-`` prefix (``1024`` becomes ``RES-1024``; ``RES-1024`` stays).
Personal data is redacted from every text field before it is stored. A bad row is reported
with its row number (the line in the file where the record starts) and the reason; the good
rows still load.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from sqlalchemy import select

from ..content.schema import RULE_ID_RE
from ..store.models import utcnow
from ..store.search_models import Resolution
from .redact import contains_personal_data, format_counts, pseudonym, redact, shown

COLUMNS = ("id", "date", "channel", "category", "problem", "resolution", "agent", "rules")
REQUIRED_COLUMNS = ("id", "date", "problem", "resolution")
ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,59}$")
MAX_TEXT = 20000
MAX_SHORT = 100
ID_PREFIX = "RES-"


class ImportFileError(Exception):
    """The file cannot be read at all (missing, wrong format, no header)."""


@dataclass
class ResolutionInput:
    id: str
    date: dt.date | None
    channel: str
    category: str
    problem: str
    resolution: str
    agent: str
    rules: list[str] = field(default_factory=list)

    def values(self) -> tuple:
        return (self.date, self.channel, self.category, self.problem, self.resolution, self.agent,
                ",".join(self.rules))


@dataclass
class BadRow:
    row: int
    reason: str

    def format(self) -> str:
        return f"row {self.row}: {self.reason}"


@dataclass
class ImportReport:
    read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    bad: list[BadRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    redacted: Counter = field(default_factory=Counter)

    @property
    def loaded(self) -> int:
        return self.inserted + self.updated + self.unchanged

    def summary(self) -> str:
        return (f"{self.read} rows read: {self.inserted} new, {self.updated} updated, {self.unchanged} unchanged, "
                f"{len(self.bad)} bad; redacted: {format_counts(self.redacted)}")

    def as_dict(self) -> dict:
        return {"read": self.read, "inserted": self.inserted, "updated": self.updated, "unchanged": self.unchanged,
                "bad": [{"row": b.row, "reason": b.reason} for b in self.bad], "warnings": self.warnings,
                "redacted": dict(self.redacted)}


def normalise_id(value: str, pseudonym_key: str = "") -> str:
    """RES-<id>. An id that is personal data (a phone number, an e-mail...) is never stored, indexed
    or put in a URL: it becomes RES-P<pseudonym>, the same for the same value (re-imports still
    update the same row) and not readable back."""
    value = value.strip()
    if contains_personal_data(value):
        return f"{ID_PREFIX}P{pseudonym(value, pseudonym_key.encode('utf-8'))}"
    return value if value.upper().startswith(ID_PREFIX) else ID_PREFIX + value


def parse_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip().replace("/", "-").replace(".", "-")
    text = re.split(r"[ T]", text, maxsplit=1)[0]
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    if not match:
        raise ValueError(f"date {shown(value)} is not YYYY-MM-DD")
    try:
        return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        raise ValueError(f"date {shown(value)} does not exist")


def parse_rules(value) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, list):
        items = value
    elif isinstance(value, str):
        items = [p for p in re.split(r"[\s,;，；、|]+", value.strip()) if p]
    else:
        raise ValueError(f"rules must be a list or a string of rule IDs, not {type(value).__name__}")
    out = []
    for item in items:
        if not isinstance(item, str) or not RULE_ID_RE.match(item.strip()):
            raise ValueError(f"malformed rule ID {shown(item)} in rules (expected e.g. SANC-01)")
        if item.strip() not in out:
            out.append(item.strip())
    return out


def _clean(value) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        else:
            raise ValueError(f"expected text, found {type(value).__name__}")
    return value.replace("\ufeff", "").replace("\x00", "").strip()


def validate_row(raw: dict, known_rules: set[str] | None = None,
                 pseudonym_key: str = "") -> tuple[ResolutionInput, Counter]:
    """Check and redact one record; raise ValueError with the reason when it is bad."""
    values = {}
    for name in ("id", "channel", "category", "problem", "resolution", "agent"):
        try:
            values[name] = _clean(raw.get(name))
        except ValueError as exc:
            raise ValueError(f"{name}: {exc}")
    for name in ("id", "problem", "resolution"):
        if not values[name]:
            raise ValueError(f"{name} is empty")
    if not ID_RE.match(values["id"]):
        raise ValueError(f"id {shown(values['id'])} may only use letters, digits, '.', '_' and '-' (at most 60)")
    raw_date = raw.get("date")
    if raw_date is None or (isinstance(raw_date, str) and not raw_date.strip()):
        raise ValueError("date is empty")
    date = parse_date(raw_date)
    rules = parse_rules(raw.get("rules"))
    if known_rules is not None:
        unknown = [r for r in rules if r not in known_rules]
        if unknown:
            raise ValueError(f"unknown rule ID(s): {', '.join(unknown)}")
    for name in ("problem", "resolution"):
        if len(values[name]) > MAX_TEXT:
            raise ValueError(f"{name} is too long ({len(values[name])} characters, at most {MAX_TEXT})")
    for name in ("channel", "category", "agent"):
        if len(values[name]) > MAX_SHORT:
            raise ValueError(f"{name} is too long ({len(values[name])} characters, at most {MAX_SHORT})")
    counts: Counter = Counter()
    for name in ("channel", "category", "problem", "resolution", "agent"):
        result = redact(values[name])
        values[name] = result.text
        counts.update(result.counts)
    return ResolutionInput(id=normalise_id(values["id"], pseudonym_key), date=date, channel=values["channel"],
                           category=values["category"], problem=values["problem"],
                           resolution=values["resolution"], agent=values["agent"], rules=rules), counts


def read_records(path: Path) -> Iterator[tuple[int, dict | Exception]]:
    """(row number, record or the error that made it unreadable) for a CSV or JSONL file."""
    suffix = path.suffix.lower()
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFileError(f"cannot read {path}: {exc.strerror or exc}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(f"{path} is not UTF-8 text (byte {exc.start})")
    if suffix in (".jsonl", ".ndjson", ".json"):
        yield from _read_jsonl(text)
    elif suffix in (".csv", ".tsv", ".txt"):
        yield from _read_csv(text, "\t" if suffix == ".tsv" else ",")
    else:
        raise ImportFileError(f"{path.name}: unknown format (use .csv, .tsv or .jsonl)")


def _read_jsonl(text: str) -> Iterator[tuple[int, dict | Exception]]:
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, ValueError(f"not valid JSON ({exc.msg} at column {exc.colno})")
            continue
        if not isinstance(record, dict):
            yield number, ValueError(f"expected a JSON object, found {type(record).__name__}")
            continue
        yield number, record


def _read_csv(text: str, delimiter: str) -> Iterator[tuple[int, dict | Exception]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFileError("the file is empty (expected a header row)")
    except csv.Error as exc:
        raise ImportFileError(f"cannot parse the header row: {exc}")
    names = [h.replace("\ufeff", "").strip().lower() for h in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        raise ImportFileError(f"the header lacks required column(s) {', '.join(missing)} "
                              f"(columns: {', '.join(COLUMNS)})")
    start = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            yield start, ValueError(f"malformed CSV: {exc}")
            start = reader.line_num + 1
            continue
        number, start = start, reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(names):
            yield number, ValueError(f"expected {len(names)} fields, found {len(row)}")
            continue
        yield number, dict(zip(names, row))


def parse_file(path: Path, known_rules: set[str] | None = None, report: ImportReport | None = None,
               pseudonym_key: str = "") -> tuple[list[ResolutionInput], ImportReport]:
    """Read and validate a whole file. Later duplicates of an id in the same file are bad rows."""
    report = report or ImportReport()
    good: list[ResolutionInput] = []
    first_row: dict[str, int] = {}
    unknown_columns: set[str] = set()
    for number, record in read_records(Path(path)):
        report.read += 1
        if isinstance(record, Exception):
            report.bad.append(BadRow(number, str(record)))
            continue
        unknown_columns.update(k for k in record if k not in COLUMNS)
        try:
            item, counts = validate_row(record, known_rules, pseudonym_key)
        except ValueError as exc:
            report.bad.append(BadRow(number, str(exc)))
            continue
        if item.id in first_row:
            report.bad.append(BadRow(number, f"duplicate id {item.id} (first on row {first_row[item.id]})"))
            continue
        first_row[item.id] = number
        report.redacted.update(counts)
        good.append(item)
    if unknown_columns:
        report.warnings.append(f"ignored unknown column(s): {', '.join(sorted(unknown_columns))}")
    return good, report


def upsert(database, items: Iterable[ResolutionInput], report: ImportReport | None = None,
           batch: int = 2000) -> ImportReport:
    """Insert new ids, update changed ones, leave identical ones alone."""
    report = report or ImportReport()
    items = list(items)
    now = utcnow()
    for start in range(0, len(items), batch):
        chunk = items[start:start + batch]
        with database.session() as session:
            existing = {r.id: r for r in session.scalars(select(Resolution).where(Resolution.id.in_([i.id for i in chunk])))}
            for item in chunk:
                row = existing.get(item.id)
                if row is None:
                    session.add(Resolution(id=item.id, date=item.date, channel=item.channel, category=item.category,
                                           problem=item.problem, resolution=item.resolution, agent=item.agent,
                                           rule_ids=",".join(item.rules), imported_at=now, updated_at=now))
                    report.inserted += 1
                    continue
                old = (row.date, row.channel, row.category, row.problem, row.resolution, row.agent, row.rule_ids)
                if old == item.values():
                    report.unchanged += 1
                    continue
                row.date, row.channel, row.category = item.date, item.channel, item.category
                row.problem, row.resolution, row.agent = item.problem, item.resolution, item.agent
                row.rule_ids = ",".join(item.rules)
                row.updated_at = now
                report.updated += 1
    return report


def import_file(database, path: Path, known_rules: set[str] | None = None,
                pseudonym_key: str = "") -> ImportReport:
    """Import a file; ids that are personal data become pseudonyms keyed by `pseudonym_key`
    (CASEBOOK_PSEUDONYM_KEY)."""
    items, report = parse_file(path, known_rules, pseudonym_key=pseudonym_key)
    return upsert(database, items, report)


def load_all(database) -> list[Resolution]:
    with database.session() as session:
        return list(session.scalars(select(Resolution).order_by(Resolution.id)))


def count(database) -> int:
    from sqlalchemy import func
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(Resolution)) or 0
