"""One field table (backrun/logbook/fields.py) maps a run for the model, the API, the form and CSV."""

from __future__ import annotations

from backrun.logbook import export, fields, json_format, run_form
from backrun.logbook.models import Run
from backrun.logbook.schemas import RunSchema


def test_every_field_is_a_column_and_every_column_a_field():
    bookkeeping = {"user_id", "utc_offset_min", "local_date"}  # the runner, and what the start gives
    assert {f.column for f in fields.FIELDS} == set(Run.__table__.columns.keys()) - bookkeeping


def test_the_api_schema_lists_the_tables_fields_in_its_order():
    assert tuple(RunSchema._declared_fields) == fields.API_FIELDS
    assert {name for name, field in RunSchema._declared_fields.items() if field.dump_only} == set(
        fields.READ_ONLY_FIELDS
    )


def test_the_csv_columns_and_json_keys_stay_as_they_were():
    # Exports people keep and scripts read: the order is part of the format.
    assert export.COLUMNS == (
        "id", "started_at", "duration_s", "distance_m", "setting", "venue_osm", "venue_name", "surface",
        "bouts", "backward_s", "recovery_s", "pattern", "effort", "soreness", "notes", "created_at",
        "updated_at",
    )  # fmt: skip
    assert fields.API_FIELDS == (
        "id", "started_at", "duration_s", "distance_m", "setting", "venue", "surface", "intervals", "pattern",
        "effort", "soreness", "notes", "weather", "kit_feedback", "created_at", "updated_at",
    )  # fmt: skip
    assert json_format.run_to_json.__module__ == "backrun.logbook.json_format"


def test_nest_and_flatten_are_each_others_inverse_for_a_stored_run():
    flat = {f.column: None for f in fields.FIELDS} | {
        "venue_name": "Town track",
        "bouts": 6,
        "backward_s": 30,
        "recovery_s": 60,
    }
    nested = fields.nest(flat)
    assert nested["venue"] == {"name": "Town track"}
    assert nested["intervals"] == {"bouts": 6, "backward_s": 30, "recovery_s": 60}
    assert list(nested) == list(fields.API_FIELDS)
    assert fields.flatten(nested) == flat
    no_intervals = fields.nest(
        flat | {"bouts": None, "backward_s": None, "recovery_s": None, "venue_name": ""}
    )
    assert no_intervals["intervals"] is None and no_intervals["venue"] is None


def test_the_form_maps_its_messages_through_the_table():
    assert fields.FORM_FIELD_OF == {
        "started_at": "started_local",
        "duration_s": "duration",
        "distance_m": "distance",
        "venue": "venue_name",
    }
    assert {"tz", "weather_token"} <= set(run_form.TEXT_FIELDS) and "soreness" not in run_form.TEXT_FIELDS
