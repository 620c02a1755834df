"""Your data is yours: CSV export and import (checked row by row first), and a JSON export of everything.

The CSV holds the same fields as the API, in metric units, one run a row. Import runs every row
through the API's schema; nothing is written until the runner has seen the report and confirmed.
Rows without an id get one derived from their content, so importing a file twice adds nothing twice.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from marshmallow import ValidationError

from backrun.logbook.fields import CSV_COLUMNS, FIELDS, GROUP_MEMBERS, nest
from backrun.logbook.json_format import run_to_json
from backrun.logbook.models import Run
from backrun.logbook.schemas import load_run

COLUMNS = CSV_COLUMNS  # the field table's order (backrun/logbook/fields.py)
REQUIRED_COLUMNS = ("started_at", "duration_s", "setting")
READ_ONLY_COLUMNS = tuple(f.column for f in FIELDS if f.read_only and f.csv)
TEXT_COLUMNS = ("venue_name", "notes")  # typed by the runner: escaped on export, unescaped on import
INTEGER_COLUMNS = ("duration_s", "effort", "bouts", "backward_s", "recovery_s")
MAX_ROWS = 20_000
# Spreadsheets run cells that start like a formula (OWASP "CSV injection"): export them as text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
IMPORT_NAMESPACE = uuid.UUID("5d0c2f9e-3a57-4d4c-9a3e-6b1f0e7c2a11")


# --- export --------------------------------------------------------------------------------


def _cell(text: str | None) -> str:
    if not text:
        return ""
    return "'" + text if text.startswith(FORMULA_START) else text


def _csv_value(run: Run, column: str) -> object:
    if column == "id":
        return str(run.id)
    if column == "started_at":
        return run.local_start.isoformat()
    if column in READ_ONLY_COLUMNS:
        return getattr(run, column).isoformat()
    if column == "soreness":
        return ";".join(run.soreness or [])
    if column in TEXT_COLUMNS:
        return _cell(getattr(run, column))  # free text: never a formula
    return _blank(getattr(run, column))


def _row(run: Run) -> list:
    return [_csv_value(run, column) for column in COLUMNS]


def _blank(value) -> object:
    return "" if value is None else value


def csv_lines(runs: Iterable[Run]) -> Iterator[str]:
    """The export, a chunk at a time (a long log never sits in memory as one string)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for count, run in enumerate(runs, 1):
        writer.writerow(_row(run))
        if count % 200 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def everything(user, tokens, runs: Iterable[Run], exported_at) -> dict:
    return {
        "format": "backrun-export/1",
        "exported_at": exported_at.isoformat(),
        "account": {
            "email": user.email,
            "units": user.units,
            "weekly_target": user.weekly_target,
            "body_weight_kg": user.body_weight_kg,
            "time_zone": user.time_zone,
            "created_at": user.created_at.isoformat(),
        },
        "api_tokens": [
            {
                "name": t.name,
                "prefix": t.prefix,
                "created_at": t.created_at.isoformat(),
                "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None,
            }
            for t in tokens
        ],
        "sessions": [run_to_json(s) for s in runs],
    }


# --- import --------------------------------------------------------------------------------


@dataclass
class ImportRow:
    line: int
    data: dict | None = None
    errors: dict[str, str] = field(default_factory=dict)
    note: str = ""  # e.g. "already in your log"

    @property
    def ok(self) -> bool:
        return self.data is not None and not self.errors


@dataclass
class ImportReport:
    rows: list[ImportRow] = field(default_factory=list)
    problem: str = ""  # the whole file is unusable

    @property
    def valid(self) -> list[ImportRow]:
        return [r for r in self.rows if r.ok and not r.note]

    @property
    def skipped(self) -> list[ImportRow]:
        return [r for r in self.rows if r.ok and r.note]

    @property
    def invalid(self) -> list[ImportRow]:
        return [r for r in self.rows if not r.ok]


def parse_csv(text: str, user_id: int) -> ImportReport:
    """Every row checked against the run schema; nothing touches the database here."""
    report = ImportReport()
    text = text.lstrip("\ufeff")  # a BOM from spreadsheet exports
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in (reader.fieldnames or [])]
    if not header:
        report.problem = "The file is empty."
        return report
    unknown = [h for h in header if h not in COLUMNS]
    missing = [h for h in REQUIRED_COLUMNS if h not in header]
    if unknown or missing:
        parts = []
        if unknown:
            parts.append("unknown column" + ("s " if len(unknown) > 1 else " ") + ", ".join(unknown))
        if missing:
            parts.append("missing column" + ("s " if len(missing) > 1 else " ") + ", ".join(missing))
        report.problem = "The header doesn’t match Backrun’s CSV: " + "; ".join(parts) + "."
        return report
    reader.fieldnames = header
    seen: set[uuid.UUID] = set()
    try:
        for raw in reader:
            if len(report.rows) >= MAX_ROWS:
                report.problem = f"At most {MAX_ROWS:,} sessions in one file: split it."
                return report
            row = ImportRow(line=reader.line_num)
            report.rows.append(row)
            if None in raw:
                row.errors["_row"] = "More cells than columns."
                continue
            _check_row(row, raw, user_id, seen)
    except csv.Error as exc:
        report.problem = f"The file isn’t valid CSV (line {reader.line_num}): {exc}."
    return report


def _csv_cell_value(column: str, cells: dict, raw: dict, row: ImportRow) -> object:
    text = cells.get(column, "")
    if column in INTEGER_COLUMNS:
        return _int(text, column, row)
    if column == "distance_m":
        return _float(text, column, row)
    if column == "soreness":
        return [p.strip() for p in re.split(r"[;|,]", text) if p.strip()]
    if column == "notes":
        return _uncell(raw.get("notes") or "")  # as written, spaces and all
    if column == "venue_name":
        return _uncell(text)
    if column in ("started_at", "setting", "venue_osm"):
        return text  # an empty one is the schema's to refuse
    return text or None


def _check_row(row: ImportRow, raw: dict, user_id: int, seen: set[uuid.UUID]) -> None:
    cells = {k: (v or "").strip() for k, v in raw.items()}
    parts = GROUP_MEMBERS["intervals"]
    flat = {
        column: _csv_cell_value(column, cells, raw, row)
        for column in COLUMNS
        if column not in ("id", *parts, *READ_ONLY_COLUMNS)
    }
    payload = nest(flat)
    # Any of the interval cells makes intervals (recovery defaults to 0), for the schema to check.
    payload["intervals"] = (
        {n: _int(cells.get(n, "") or ("0" if n == "recovery_s" else ""), n, row) for n in parts}
        if any(cells.get(n) for n in parts)
        else None
    )
    payload["id"] = cells.get("id") or str(_content_id(user_id, cells))
    if row.errors:
        return
    try:
        data = load_run(payload)
    except ValidationError as exc:
        row.errors.update(_flat(exc.normalized_messages()))
        return
    if data["id"] in seen:
        row.errors["id"] = "The same id appears earlier in the file."
        return
    seen.add(data["id"])
    row.data = data


def _content_id(user_id: int, cells: dict) -> uuid.UUID:
    content = "|".join(cells.get(c, "") for c in COLUMNS if c not in ("id", *READ_ONLY_COLUMNS))
    return uuid.uuid5(IMPORT_NAMESPACE, f"{user_id}|{content}")


def _uncell(text: str) -> str:
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_START) else text


def _int(text: str, name: str, row: ImportRow) -> int | None:
    if not text:
        return None
    if not re.fullmatch(r"-?\d{1,9}", text):
        row.errors[name] = "Must be a whole number."
        return None
    return int(text)


def _float(text: str, name: str, row: ImportRow) -> float | None:
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        row.errors[name] = "Must be a number (metres)."
        return None
    return value


def _flat(messages: dict, prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in messages.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flat(value, prefix=f"{name}."))
        else:
            flat[name] = " ".join(str(v) for v in value) if isinstance(value, list) else str(value)
    return flat
