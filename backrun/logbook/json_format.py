"""A session as the API's JSON (the shape `SessionSchema` documents and accepts back)."""

from __future__ import annotations

from backrun.logbook.models import TrainingSession


def session_to_json(session: TrainingSession) -> dict:
    venue = None
    if session.venue_osm or session.venue_name:
        venue = {k: v for k, v in {"osm": session.venue_osm, "name": session.venue_name}.items() if v}
    intervals = None
    if session.bouts is not None:
        intervals = {
            "bouts": session.bouts,
            "backward_s": session.backward_s,
            "recovery_s": session.recovery_s,
        }
    return {
        "id": str(session.id),
        "started_at": session.local_start.isoformat(),
        "duration_s": session.duration_s,
        "distance_m": session.distance_m,
        "setting": session.setting,
        "venue": venue,
        "surface": session.surface,
        "intervals": intervals,
        "pattern": session.pattern,
        "effort": session.effort,
        "soreness": list(session.soreness or []),
        "notes": session.notes,
        "weather": session.weather,
        "kit_feedback": session.kit_feedback,
        "created_at": session.created_at.isoformat(),
        "updated_at": session.updated_at.isoformat(),
    }
