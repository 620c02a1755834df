"""A run as the API's JSON (the shape `RunSchema` documents and accepts back), from the field table."""

from __future__ import annotations

from typing import Any

from backrun.logbook.fields import FIELDS, nest
from backrun.logbook.models import Run


def _json_value(run: Run, column: str) -> Any:
    if column == "id":
        return str(run.id)
    if column == "started_at":
        return run.local_start.isoformat()  # with the offset it was logged with
    if column in ("created_at", "updated_at"):
        return getattr(run, column).isoformat()
    if column == "soreness":
        return list(run.soreness or [])
    return getattr(run, column)


def run_to_json(run: Run) -> dict:
    return nest({field.column: _json_value(run, field.column) for field in FIELDS})
