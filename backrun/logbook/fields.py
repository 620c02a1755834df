"""A run's fields, once: where each lives in the model, the API's JSON, the CSV and the log form.

The model stores a run flat (`venue_osm`, `bouts`, ...); the API nests two groups (`venue`,
`intervals`); the CSV is flat in the model's names, without the weather and the kit feedback;
the form has its own names for what the runner types in their units (`duration`, `distance`).
Everything that maps a run (`service._apply`, `json_format`, `export`, `run_form`) reads this table,
so a new field is one line here, plus its column (models.py) and its rules (schemas.py). The
order is the API's and the CSV's column order: changing it changes both formats.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Field:
    column: str  # the model's attribute; also the CSV column
    api: tuple[str, ...]  # where it sits in the API's JSON: ("setting",) or ("venue", "osm")
    csv: bool = True  # a column of the CSV export and import
    form: str | None = None  # the log form's field, when the runner types it
    read_only: bool = False  # set by the server, ignored when sent

    @property
    def api_name(self) -> str:
        """The API's top-level field this one is, or is inside of."""
        return self.api[0]


FIELDS: tuple[Field, ...] = (
    Field("id", ("id",), form="id"),
    Field("started_at", ("started_at",), form="started_local"),
    Field("duration_s", ("duration_s",), form="duration"),
    Field("distance_m", ("distance_m",), form="distance"),
    Field("setting", ("setting",), form="setting"),
    Field("venue_osm", ("venue", "osm"), form="venue_osm"),
    Field("venue_name", ("venue", "name"), form="venue_name"),
    Field("surface", ("surface",), form="surface"),
    Field("bouts", ("intervals", "bouts"), form="bouts"),
    Field("backward_s", ("intervals", "backward_s"), form="backward_s"),
    Field("recovery_s", ("intervals", "recovery_s"), form="recovery_s"),
    Field("pattern", ("pattern",), form="pattern"),
    Field("effort", ("effort",), form="effort"),
    Field("soreness", ("soreness",), form="soreness"),
    Field("notes", ("notes",), form="notes"),
    Field("weather", ("weather",), csv=False),  # only as Backrun gave it: a signed token, never typed
    Field("kit_feedback", ("kit_feedback",), csv=False, form="kit_feedback"),
    Field("created_at", ("created_at",), read_only=True),
    Field("updated_at", ("updated_at",), read_only=True),
)

# The API's groups: (group, the field whose presence makes the group present).
GROUPS = {"venue": None, "intervals": "bouts"}

API_FIELDS: tuple[str, ...] = tuple(dict.fromkeys(f.api_name for f in FIELDS))
READ_ONLY_FIELDS: tuple[str, ...] = tuple(f.api_name for f in FIELDS if f.read_only)
CSV_COLUMNS: tuple[str, ...] = tuple(f.column for f in FIELDS if f.csv)
GROUP_MEMBERS: dict[str, tuple[str, ...]] = {
    group: tuple(f.api[1] for f in FIELDS if f.api_name == group) for group in GROUPS
}
# The form's name for an API field where the two differ, for the form's messages. The venue's go
# to its name (its last member, the one the runner types); the intervals' stay "intervals".
FORM_FIELD_OF: dict[str, str] = {
    f.api_name: f.form for f in FIELDS if f.form and f.form != f.api_name and f.api_name != "intervals"
}
# What the runner types or the form carries, by the form's names.
FORM_FIELDS: tuple[str, ...] = tuple(f.form for f in FIELDS if f.form)


def nest(flat: Mapping[str, Any]) -> dict[str, Any]:
    """Flat values by column -> the API's shape, in the API's order (a missing column is left out).

    `venue` holds its members that have a value, or is None; `intervals` holds all three when
    `bouts` is there, else is None.
    """
    nested: dict[str, Any] = {}
    for field in FIELDS:
        if field.column not in flat:
            continue
        if len(field.api) == 1:
            nested[field.column] = flat[field.column]
            continue
        group, member = field.api
        nested.setdefault(group, {})[member] = flat[field.column]
    for group, key in GROUPS.items():
        if group not in nested:
            continue
        members = nested[group]
        if key is None:
            given = {k: v for k, v in members.items() if v}
            nested[group] = given or None
        elif members.get(key) is None:
            nested[group] = None
    return nested


def flatten(nested: Mapping[str, Any], columns: Iterable[str] | None = None) -> dict[str, Any]:
    """The API's shape -> values by column (a group that is None or absent gives None members)."""
    wanted = set(columns) if columns is not None else None
    flat: dict[str, Any] = {}
    for field in FIELDS:
        if wanted is not None and field.column not in wanted:
            continue
        if len(field.api) == 1:
            flat[field.column] = nested.get(field.column)
        else:
            group, member = field.api
            flat[field.column] = (nested.get(group) or {}).get(member)
    return flat
