"""A run as the API's JSON (the shape `RunSchema` documents and accepts back)."""

from __future__ import annotations

from backrun.logbook.models import Run


def run_to_json(run: Run) -> dict:
    venue = None
    if run.venue_osm or run.venue_name:
        venue = {k: v for k, v in {"osm": run.venue_osm, "name": run.venue_name}.items() if v}
    intervals = None
    if run.bouts is not None:
        intervals = {
            "bouts": run.bouts,
            "backward_s": run.backward_s,
            "recovery_s": run.recovery_s,
        }
    return {
        "id": str(run.id),
        "started_at": run.local_start.isoformat(),
        "duration_s": run.duration_s,
        "distance_m": run.distance_m,
        "setting": run.setting,
        "venue": venue,
        "surface": run.surface,
        "intervals": intervals,
        "pattern": run.pattern,
        "effort": run.effort,
        "soreness": list(run.soreness or []),
        "notes": run.notes,
        "weather": run.weather,
        "kit_feedback": run.kit_feedback,
        "created_at": run.created_at.isoformat(),
        "updated_at": run.updated_at.isoformat(),
    }
