"""The log form: what a runner types (their units, local time) <-> a run as the API speaks it.

Parsing turns the form into the API's JSON shape and hands it to the same schema the API uses, so
a rule lives in one place; this module only maps the messages back to the form's fields.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from marshmallow import ValidationError

from backrun.logbook.fields import FORM_FIELD_OF, FORM_FIELDS, GROUP_MEMBERS
from backrun.logbook.models import SETTINGS, SORENESS_PLACES, Run
from backrun.logbook.schemas import load_run
from backrun.logbook.units import distance_in_units, metres_per_unit
from backrun.platform.zones import valid_time_zone

# What the form posts as single text values: the run's fields (fields.py) but the soreness boxes,
# plus the time zone and the signed weather snapshot.
TEXT_FIELDS = (*(name for name in FORM_FIELDS if name != "soreness"), "tz", "weather_token")
LOCAL_FORMAT = "%Y-%m-%dT%H:%M"
CLOCK = re.compile(r"^(?:(\d+):)?(\d{1,3}):([0-5]\d)$")

INTERVAL_PARTS = GROUP_MEMBERS["intervals"]  # bouts, backward_s, recovery_s: the form's names too
# Where a message can show: every field of the run the form carries, and the intervals as a whole.
MESSAGE_FIELDS = {*FORM_FIELDS, "intervals"}
# The schema speaks in seconds; the form asks for minutes.
FRIENDLIER = {"duration": "Enter a duration over 0 and at most 12 hours."}


@dataclass
class RunForm:
    values: dict[str, str] = field(default_factory=dict)
    soreness: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)

    def value(self, name: str) -> str:
        return self.values.get(name, "")

    @property
    def first_error_field(self) -> str | None:
        order = [
            "started_local",
            "duration",
            "distance",
            "setting",
            "venue_name",
            "surface",
            "pattern",
            "bouts",
            "backward_s",
            "recovery_s",
            "intervals",
            "effort",
            "soreness",
            "kit_feedback",
            "notes",
            "id",
        ]
        return next((name for name in order if name in self.errors), None)

    # --- building -----------------------------------------------------------------------

    @classmethod
    def blank(
        cls,
        *,
        time_zone: str,
        now: datetime,
        setting: str = "outdoor",
        venue_name: str = "",
        venue_osm: str = "",
        weather_token: str = "",
    ) -> RunForm:
        local_now = now.astimezone(ZoneInfo(time_zone))
        return cls(
            values={
                "id": str(uuid.uuid4()),
                "started_local": local_now.strftime(LOCAL_FORMAT),
                "tz": time_zone,
                "setting": setting if setting in SETTINGS else "outdoor",
                "venue_name": venue_name,
                "venue_osm": venue_osm,
                "weather_token": weather_token,
            }
        )

    @classmethod
    def from_run(cls, run: Run, units: str) -> RunForm:
        distance = distance_in_units(run.distance_m, units)
        values = {
            "id": str(run.id),
            "started_local": run.local_start.strftime(LOCAL_FORMAT),
            "tz": "",  # the run keeps the offset it was logged with
            "duration": _clock(run.duration_s),
            "distance": "" if distance is None else f"{distance:.2f}",
            "setting": run.setting,
            "venue_name": run.venue_name or "",
            "venue_osm": run.venue_osm or "",
            "surface": run.surface or "",
            "bouts": _text(run.bouts),
            "backward_s": _text(run.backward_s),
            "recovery_s": _text(run.recovery_s),
            "pattern": run.pattern,
            "effort": _text(run.effort),
            "notes": run.notes or "",
            "kit_feedback": run.kit_feedback or "",
        }
        return cls(values=values, soreness=list(run.soreness or []))

    @classmethod
    def from_post(cls, form) -> RunForm:
        values = {name: (form.get(name) or "").strip() for name in TEXT_FIELDS}
        values["notes"] = (form.get("notes") or "").replace("\r\n", "\n").strip()
        soreness = [place for place in form.getlist("soreness") if place]
        return cls(values=values, soreness=soreness)

    # --- parsing ------------------------------------------------------------------------

    def to_run_data(
        self, *, units: str, fallback_zone: str, fixed_offset: timedelta | None, weather: dict | None
    ) -> dict | None:
        """The validated run (as the schema returns it), or None with `errors` filled in.

        `fixed_offset`: when editing, the offset the run was logged with, so an edit never
        moves it to another zone by accident.
        """
        payload: dict = {
            "id": self.value("id"),
            "setting": self.value("setting"),
            "notes": self.value("notes"),
            "soreness": self.soreness,
            "weather": weather,
        }
        self._start(payload, fallback_zone, fixed_offset)
        self._duration(payload)
        self._number(payload, "distance", "distance_m", lambda v: round(v * metres_per_unit(units), 1))
        payload["venue"] = self._venue()
        payload["surface"] = self.value("surface") or None
        self._intervals(payload)
        self._integer(payload, "effort", "effort")
        payload["kit_feedback"] = self.value("kit_feedback") or None
        if self.errors:
            return None
        try:
            return load_run(payload)
        except ValidationError as exc:
            self._adopt(exc.normalized_messages())
            return None

    def _start(self, payload: dict, fallback_zone: str, fixed_offset: timedelta | None) -> None:
        text = self.value("started_local")
        try:
            naive = datetime.strptime(text[:16], LOCAL_FORMAT)
        except ValueError:
            self.errors["started_local"] = "Enter the date and time you started."
            return
        if fixed_offset is not None:
            payload["started_at"] = naive.replace(tzinfo=timezone(fixed_offset)).isoformat()
        else:
            zone = valid_time_zone(self.value("tz")) or fallback_zone
            payload["started_at"] = naive.replace(tzinfo=ZoneInfo(zone)).isoformat()

    def _duration(self, payload: dict) -> None:
        text = self.value("duration").replace(",", ".")
        if not text:
            self.errors["duration"] = "Enter how long the session lasted."
            return
        match = CLOCK.match(text)
        try:
            if match:
                hours, minutes, seconds = (int(g or 0) for g in match.groups())
                total = hours * 3600 + minutes * 60 + seconds
            else:
                total = round(float(text) * 60)
        except (ValueError, OverflowError):
            total = None
        if total is None:  # "nan" and "inf" end up here too
            self.errors["duration"] = "Enter minutes (e.g. 25 or 12.5) or minutes:seconds (e.g. 12:30)."
            return
        payload["duration_s"] = total

    def _number(self, payload: dict, name: str, key: str, convert) -> None:
        """An optional decimal field ("2.5" or "2,5"), converted to the API's unit."""
        text = self.value(name).replace(",", ".")
        if not text:
            payload[key] = None
            return
        try:
            number = float(text)
        except ValueError:
            self.errors[name] = "Enter a number, e.g. 2.5."
            return
        if number != number or number in (float("inf"), float("-inf")):
            self.errors[name] = "Enter a number, e.g. 2.5."
            return
        payload[key] = convert(number)

    def _integer(self, payload: dict, name: str, key: str) -> int | None:
        """An optional whole-number field; range checks are the schema's."""
        text = self.value(name)
        if not text:
            payload[key] = None
            return None
        if not re.fullmatch(r"-?\d{1,9}", text):
            self.errors[name] = "Enter a whole number."
            return None
        payload[key] = int(text)
        return payload[key]

    def _venue(self) -> dict | None:
        venue = {
            k: v for k, v in {"osm": self.value("venue_osm"), "name": self.value("venue_name")}.items() if v
        }
        return venue or None

    def _intervals(self, payload: dict) -> None:
        parts = {name: self.value(name) for name in INTERVAL_PARTS}
        pattern = self.value("pattern") or ("intervals" if any(parts.values()) else "mixed")
        payload["pattern"] = pattern
        if pattern != "intervals":
            payload["intervals"] = None  # bouts typed and then "continuous" chosen: the choice wins
            return
        if not any(parts.values()):
            self.errors["intervals"] = (
                "Give the number of bouts and the seconds of each, or choose another option above."
            )
            return
        if not parts["bouts"] or not parts["backward_s"]:
            self.errors["intervals"] = (
                "Give the number of bouts and the seconds of each, or leave the intervals empty."
            )
            return
        intervals: dict = {}
        for name in INTERVAL_PARTS:
            self._integer(intervals, name, name)
        if intervals.get("recovery_s") is None:
            intervals["recovery_s"] = 0
        payload["intervals"] = intervals

    def _adopt(self, messages: dict) -> None:
        for key, value in messages.items():
            if key == "intervals" and isinstance(value, dict):
                for inner, inner_messages in value.items():
                    self.errors[inner if inner in INTERVAL_PARTS else "intervals"] = _first(inner_messages)
                continue
            name = FORM_FIELD_OF.get(key, key)
            if name not in MESSAGE_FIELDS:
                name = "id"  # shown above the button: nothing the runner typed, but never hidden
            self.errors[name] = FRIENDLIER.get(name) or _first(value)


def _first(messages) -> str:
    if isinstance(messages, dict):
        return _first(next(iter(messages.values())))
    if isinstance(messages, list):
        return _first(messages[0]) if messages else ""
    return str(messages)


def _text(value) -> str:
    return "" if value is None else str(value)


def _clock(seconds: int) -> str:
    minutes, secs = divmod(seconds, 60)
    return f"{minutes}" if not secs else f"{minutes}:{secs:02d}"


SORENESS_LABELS = {
    "calves": "Calves",
    "quads": "Quads (front of the thigh)",
    "knees": "Knees",
    "other": "Somewhere else",
}
if set(SORENESS_LABELS) != set(SORENESS_PLACES):  # a label for every place the model knows, and no more
    raise RuntimeError("SORENESS_LABELS and SORENESS_PLACES disagree")
