"""Jinja filters for runs: durations, distances in the runner's units, local start times."""

from __future__ import annotations

from markupsafe import Markup

from backrun.logbook import bp
from backrun.logbook.units import format_distance, format_duration, format_minutes

SETTING_LABELS = {"outdoor": "Outdoor venue", "treadmill": "Treadmill", "indoor_track": "Indoor track"}
SURFACE_LABELS = {
    "synthetic_track": "Synthetic track",
    "treadmill_belt": "Treadmill belt",
    "indoor_floor": "Indoor floor",
    "grass": "Grass",
    "sand": "Sand",
    "asphalt": "Asphalt",
    "concrete": "Concrete",
    "gravel": "Gravel",
    "other": "Other",
}
EFFORT_LABELS = {
    1: "very easy",
    2: "easy",
    3: "moderate",
    4: "somewhat hard",
    5: "hard",
    6: "hard",
    7: "very hard",
    8: "very hard",
    9: "very, very hard",
    10: "maximal",
}


@bp.app_template_filter("duration")
def _duration(seconds):
    return format_duration(seconds)


@bp.app_template_filter("minutes")
def _minutes(seconds):
    return format_minutes(seconds)


@bp.app_template_filter("distance")
def _distance(metres, units="km"):
    return format_distance(metres, units)


@bp.app_template_filter("setting_label")
def _setting(value):
    return SETTING_LABELS.get(value, value)


@bp.app_template_filter("surface_label")
def _surface(value):
    return SURFACE_LABELS.get(value, value or "")


@bp.app_template_filter("effort_label")
def _effort(value):
    return EFFORT_LABELS.get(value, "")


@bp.app_template_filter("local_start")
def _local_start(run) -> Markup:
    """The start as the runner logged it, in a <time> element with the exact instant."""
    local = run.local_start
    text = f"{local:%a} {local.day} {local:%b %Y, %H:%M}"
    return Markup('<time datetime="{}">{}</time>').format(local.isoformat(), text)


@bp.app_template_global("energy_kcal")
def _energy_kcal(run, body_weight_kg: float) -> int:
    from backrun.logbook.progress import run_energy_kcal

    return round(run_energy_kcal(run.duration_s, run.backward_seconds, body_weight_kg))
