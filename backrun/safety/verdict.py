"""Turn a forecast into advice for one backward run: a verdict, the reasons, a 6-hour outlook and
the next window that would be safe.

Verdicts rank indoors > unknown > caution > go. "go" needs fresh, complete, plausible data and no
hazard at all; every hazard that fired still counts when data is missing (thunder + missing data
is "indoors", not "unknown").
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from backrun.safety import ground as gm
from backrun.safety import personal, rules
from backrun.safety import thresholds as th
from backrun.safety.air import AirReading, reading_for
from backrun.safety.daylight import SunTracker
from backrun.safety.profile import DEFAULT_PROFILE, Profile
from backrun.safety.rules import Reason, RunConditions
from backrun.weather.model import AirQuality, Forecast, Step

__all__ = ["VERDICTS", "Advice", "OutlookHour", "Reason", "advise"]

# What advice can say, from the best to the most careful: each answer carries one of these.
VERDICTS = ("go", "caution", "indoors", "unknown")

OUTLOOK_HOURS = 6
SEARCH_STEP = timedelta(minutes=15)
HISTORY = timedelta(hours=th.GROUND_HISTORY_H)
THUNDER_MARGIN = timedelta(minutes=th.THUNDER_MARGIN_MIN)


@dataclass(frozen=True, slots=True)
class OutlookHour:
    time: datetime
    verdict: str

    def to_dict(self) -> dict[str, Any]:
        return {"time": self.time.isoformat(), "verdict": self.verdict}


@dataclass(frozen=True, slots=True)
class Advice:
    verdict: str  # "indoors" | "unknown" | "caution" | "go"
    reasons: tuple[Reason, ...]
    window_start: datetime
    window_end: datetime
    outlook: tuple[OutlookHour, ...]
    next_safe_window: tuple[datetime, datetime] | None
    data_age_s: float | None
    # Fitted to the runner (issue 18): the profile the verdict is for, the air over the run
    # (None: air quality unknown, the weather verdict stands) and the run's weather for the kit.
    profile: Profile = DEFAULT_PROFILE
    air: AirReading | None = None
    conditions: RunConditions | None = None
    ground: gm.GroundState | None = None  # the worst state of the ground the run meets
    ground_events: tuple[gm.Event, ...] = ()  # the transitions that led there, oldest first

    @property
    def ground_story(self) -> str | None:
        return None if self.ground is None else gm.story(self.ground, self.ground_events)

    @property
    def ground_story_parts(self) -> tuple[list[tuple[str, datetime]], str]:
        """For the page, which shows each time in the runner's own zone."""
        return gm.story_parts(self.ground, self.ground_events) if self.ground is not None else ([], "")

    def ground_dict(self) -> dict[str, Any] | None:
        g = self.ground
        if g is None:
            return None
        return {
            "state": g.state,
            "label": gm.LABELS[g.state],
            "since": g.since.isoformat(),
            "confidence": g.confidence,
            "surface_temperature_c": g.surface_c,
            "surface_estimated": g.surface_estimated,
            "water_mm": g.water_mm,
            "snow_mm": g.snow_mm,
            "ice_mm": g.ice_mm,
            "ice_kind": g.ice_kind,
            "story": self.ground_story,
            "events": [e.to_dict() for e in self.ground_events],
        }

    def to_dict(self) -> dict[str, Any]:
        safe = self.next_safe_window
        return {
            "verdict": self.verdict,
            "reasons": [r.to_dict() for r in self.reasons],
            "window_start": self.window_start.isoformat(),
            "window_end": self.window_end.isoformat(),
            "outlook": [hour.to_dict() for hour in self.outlook],
            "next_safe_window": None
            if safe is None
            else {"start": safe[0].isoformat(), "end": safe[1].isoformat()},
            "data_age_s": self.data_age_s,
            "ground": self.ground_dict(),
        }


def advise(
    forecast: Forecast | None,
    *,
    latitude: float,
    longitude: float,
    start: datetime,
    minutes: int,
    now: datetime,
    profile: Profile = DEFAULT_PROFILE,
    air_quality: AirQuality | None = None,
) -> Advice:
    """Advice for a run of `minutes` starting at `start` (aware datetimes; returned in UTC).

    `profile` and `air_quality` can only make it stricter (backrun/safety/personal.py).
    """
    if start.tzinfo is None or now.tzinfo is None:
        raise ValueError("start and now must be timezone-aware")
    if minutes <= 0:
        raise ValueError("minutes must be positive")
    start, now = start.astimezone(UTC), now.astimezone(UTC)
    duration = timedelta(minutes=minutes)
    outlook_starts = outlook_times(start)

    air_now = reading_for(air_quality, start, start + duration)

    if forecast is None:
        outlook = tuple(OutlookHour(t, "unknown") for t in outlook_starts)
        bare = RunConditions(start, start + duration, (), (), ())
        reasons = sort_reasons([rules.no_data(), *personal.extra_reasons(bare, air_quality, profile)])
        return Advice(
            verdict_of(reasons), reasons, start, start + duration, outlook, None, None, profile, air_now, None
        )

    evaluator = _Evaluator(forecast, latitude, longitude, now, profile, air_quality)
    verdict_now, reasons = evaluator.evaluate(start, start + duration)
    ground, events = evaluator.ground(start, start + duration)
    outlook = tuple(OutlookHour(t, evaluator.evaluate(t, t + duration)[0]) for t in outlook_starts)
    next_safe = None
    if verdict_now != "go":
        next_safe = evaluator.first_go_window(
            start, duration, until=approximate_local_midnight(start, longitude)
        )
    return Advice(
        verdict_now,
        reasons,
        start,
        start + duration,
        outlook,
        next_safe,
        evaluator.age_s,
        profile=profile,
        air=air_now,
        conditions=evaluator.conditions(start, start + duration),
        ground=ground,
        ground_events=events,
    )


def verdict_of(reasons: Sequence[Reason]) -> str:
    return min((r.severity for r in reasons), key=rules.SEVERITY_RANK.__getitem__, default="go")


def sort_reasons(reasons: Sequence[Reason]) -> tuple[Reason, ...]:
    """Grouped by hazard, the group with the most severe reason first; most severe first within a
    group; otherwise the rule order is kept (sorted() is stable)."""
    ranked = sorted(reasons, key=lambda r: rules.SEVERITY_RANK[r.severity])
    groups: dict[str, int] = {}
    for r in ranked:
        groups.setdefault(r.hazard, len(groups))
    return tuple(sorted(ranked, key=lambda r: groups[r.hazard]))


def outlook_times(start: datetime) -> list[datetime]:
    """The next whole hours after the requested start."""
    first = start.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    return [first + timedelta(hours=i) for i in range(OUTLOOK_HOURS)]


def approximate_local_midnight(when: datetime, longitude: float) -> datetime:
    """The next local midnight, in UTC, with local time approximated as UTC + longitude/15 h.

    Without a time zone this can be off by an hour or two (political zones, DST), which only
    moves where the "later today" search stops.
    """
    offset = timedelta(hours=longitude / 15.0)
    local = when + offset
    local_midnight = local.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    return local_midnight - offset


class _StepIndex:
    """Sorted steps with a fast "which steps overlap [a, b)" query."""

    def __init__(self, steps: Sequence[Step]) -> None:
        self.steps = sorted(steps, key=lambda s: s.start)
        self._starts = [s.start for s in self.steps]
        self._longest = max((s.end - s.start for s in self.steps), default=timedelta(0))
        self._longest = max(self._longest, timedelta(0))  # malformed steps are reported, not trusted

    def overlapping(self, a: datetime, b: datetime) -> tuple[Step, ...]:
        lo = bisect_left(self._starts, a - self._longest)
        hi = bisect_left(self._starts, b)
        return tuple(s for s in self.steps[lo:hi] if s.end > a)

    @property
    def end(self) -> datetime | None:
        return max((s.end for s in self.steps), default=None)


_STEP_VALUES = tuple(f.name for f in fields(Step) if f.name not in ("start", "end"))


def _fill_from_hour(quarter: Step, hour: Step | None) -> Step:
    """A quarter-hour step with its gaps filled from the hour around it.

    Quarter-hour feeds often carry only precipitation and weather code; gusts, temperature and
    probabilities then come from the hour. A missing quarter-hour amount takes the whole hour's
    amount, which overstates it: the safe direction for a "was there rain?" check.
    """
    if hour is None:
        return quarter
    missing = {
        name: getattr(hour, name)
        for name in _STEP_VALUES
        if getattr(quarter, name) is None and getattr(hour, name) is not None
    }
    return replace(quarter, **missing) if missing else quarter


class _Evaluator:
    """Everything that does not depend on the window, computed once per `advise` call."""

    def __init__(
        self,
        forecast: Forecast,
        latitude: float,
        longitude: float,
        now: datetime,
        profile: Profile = DEFAULT_PROFILE,
        air_quality: AirQuality | None = None,
    ) -> None:
        self.now = now
        self._profile, self._air = profile, air_quality
        self.age_s = (now - forecast.fetched_at).total_seconds()
        self._stale = rules.stale_data(self.age_s)
        self._hours = _StepIndex(forecast.hours)
        self._quarters = _StepIndex(
            [_fill_from_hour(q, self._hour_containing(q.start)) for q in forecast.quarter_hours]
        )
        self._problems = [
            (s, p) for s in (*forecast.hours, *forecast.quarter_hours) for p in rules.step_problems(s)
        ]
        self._sun = SunTracker(latitude, longitude)
        self._horizon = max(filter(None, (self._hours.end, self._quarters.end)), default=now)
        self._track = gm.track(self._worst_hours(forecast) or forecast.quarter_hours, now)
        first_quarter = self._quarters.steps[0].start if self._quarters.steps else None
        last_quarter = self._quarters.end  # None exactly when first_quarter is
        self._conflicting = (
            {id(h) for h in self._hours.overlapping(first_quarter, last_quarter) if self._conflicts(h)}
            if first_quarter is not None and last_quarter is not None
            else set()
        )
        # Where the past is known well enough for the ground model: merged spans of usable steps.
        self._history_spans = _merged_spans(rules.history_steps(forecast.hours))

    def _worst_hours(self, forecast: Forecast) -> tuple[Step, ...]:
        """Hourly steps for the ground pass, each taking the 15-minute precipitation inside it when
        that is more (and then the worse weather code): where the two disagree, the worse counts."""
        if not forecast.quarter_hours:
            return forecast.hours
        first = min(q.start for q in forecast.quarter_hours)
        last = max(q.end for q in forecast.quarter_hours)
        hours = []
        for hour in forecast.hours:
            if hour.end <= first or hour.start >= last:
                hours.append(hour)
                continue
            inside = [q for q in forecast.quarter_hours if q.start >= hour.start and q.end <= hour.end]
            amounts = [q.precipitation_mm for q in inside if q.precipitation_mm is not None]
            if amounts and hour.precipitation_mm is not None and sum(amounts) > hour.precipitation_mm:
                worst = max(inside, key=_code_rank)
                code = worst.weather_code if _code_rank(worst) > _code_rank(hour) else hour.weather_code
                hour = replace(hour, precipitation_mm=sum(amounts), weather_code=code)
            hours.append(hour)
        return tuple(hours)

    def _hour_containing(self, when: datetime) -> Step | None:
        return next((h for h in self._hours.overlapping(when, when + timedelta(microseconds=1))), None)

    def run_steps(self, start: datetime, end: datetime) -> tuple[Step, ...]:
        """Quarter-hours where they cover the run (finer); an hour whose values are worse than its
        quarter-hours is read too (worst wins); hourly steps where the quarter-hours stop short."""
        quarters = self._quarters.overlapping(start, end)
        hours = self._hours.overlapping(start, end)
        if not quarters:
            return hours
        if rules.first_gap(quarters, start, end) is not None:
            return quarters + hours
        return quarters + tuple(h for h in hours if id(h) in self._conflicting)

    def _conflicts(self, hour: Step) -> bool:
        """Does the hour say something worse than the quarter-hours inside it?"""
        inside = [
            q
            for q in self._quarters.overlapping(hour.start, hour.end)
            if q.start >= hour.start and q.end <= hour.end
        ]
        if rules.first_gap(inside, hour.start, hour.end) is not None:
            return True  # can't compare: the hour counts too
        if hour.precipitation_mm is not None:
            quarter_mm = sum(q.precipitation_mm or 0.0 for q in inside)
            if hour.precipitation_mm - quarter_mm > max(th.RAIN_MM, 0.25 * hour.precipitation_mm):
                return True
        if _code_rank(hour) > max(_code_rank(q) for q in inside):
            return True
        gust, _ = rules.gust_kmh(hour)
        if gust is not None and gust > max((rules.gust_kmh(q)[0] or 0.0) for q in inside) + 1.0:
            return True
        if hour.visibility_m is not None and hour.visibility_m < th.FOG_VISIBILITY_M:
            return all(q.visibility_m is not None and q.visibility_m >= th.FOG_VISIBILITY_M for q in inside)
        return False

    def conditions(self, start: datetime, end: datetime) -> RunConditions:
        around = self._hours.overlapping(
            start - THUNDER_MARGIN, end + THUNDER_MARGIN
        ) + self._quarters.overlapping(start - THUNDER_MARGIN, end + THUNDER_MARGIN)
        ground, events = self.ground(start, end)
        return RunConditions(
            start,
            end,
            self.run_steps(start, end),
            around,
            self._hours.overlapping(start - HISTORY, start),
            self._sun.lowest(start, end),
            ground,
            events,
            self._track.worst_during(start, end),
        )

    def ground(self, start: datetime, end: datetime) -> tuple[gm.GroundState | None, tuple[gm.Event, ...]]:
        state = self._track.during(start, end)
        return state, (self._track.events_until(state.at) if state is not None else ())

    def data_quality(self, c: RunConditions) -> list[Reason]:
        return [
            *self._stale,
            *rules.missing_data(
                c.run,
                c.start,
                c.end,
                c.around_run,
                max(c.start - THUNDER_MARGIN, self.now),
                c.end + THUNDER_MARGIN,
            ),
            *rules.implausible_data(self._problems_between(c.start - HISTORY, c.end + THUNDER_MARGIN)),
            *rules.missing_history(c, self._history_gap(c.start - HISTORY, c.start)),
        ]

    def _history_gap(self, start: datetime, end: datetime) -> tuple[datetime, datetime] | None:
        """Same as rules.first_gap over the usable past steps, from spans merged once."""
        i = bisect_right(self._history_spans, (start, _FAR_FUTURE)) - 1
        if i >= 0 and self._history_spans[i][1] >= end:
            return None
        gap_start = self._history_spans[i][1] if i >= 0 and self._history_spans[i][1] > start else start
        following = self._history_spans[i + 1][0] if i + 1 < len(self._history_spans) else end
        return gap_start, min(max(following, gap_start), end)

    def evaluate(self, start: datetime, end: datetime) -> tuple[str, tuple[Reason, ...]]:
        c = self.conditions(start, end)
        reasons = self.data_quality(c)
        for rule in rules.HAZARD_RULES:
            reasons.extend(rule(c))
        reasons.extend(personal.extra_reasons(c, self._air, self._profile))  # issue 18: air, pollen, profile
        ordered = sort_reasons(personal.tighten(rules.combine(reasons), self._profile))
        return verdict_of(ordered), ordered

    def is_go(self, start: datetime, end: datetime) -> bool:
        """Same answer as `evaluate(...)[0] == "go"`, but stops at the first reason.

        `combine` only drops a reason when another one is present, so "no reason from any rule"
        is exactly "go".
        """
        c = self.conditions(start, end)
        return (
            not any(rule(c) for rule in rules.QUICK_CHECK_ORDER)
            and not self.data_quality(c)
            and not personal.extra_reasons(c, self._air, self._profile)
        )

    def _problems_between(self, a: datetime, b: datetime) -> list[tuple[Step, str]]:
        return [(s, p) for s, p in self._problems if s.start < b and s.end > a]

    def first_go_window(
        self, after: datetime, duration: timedelta, until: datetime
    ) -> tuple[datetime, datetime] | None:
        """The first quarter-hour-aligned start after `after` and before `until` whose run gets "go"."""
        if self._stale:
            return None  # nothing can be "go" on stale data
        candidate = _next_quarter_hour(after)
        while candidate < until and candidate + duration <= self._horizon:
            if self.is_go(candidate, candidate + duration):
                return candidate, candidate + duration
            candidate += SEARCH_STEP
        return None


_FAR_FUTURE = datetime.max.replace(tzinfo=UTC)


def _merged_spans(steps: Sequence[Step]) -> list[tuple[datetime, datetime]]:
    spans: list[tuple[datetime, datetime]] = []
    for step in sorted(steps, key=lambda s: s.start):
        if step.end <= step.start:
            continue
        if spans and step.start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], step.end))
        else:
            spans.append((step.start, step.end))
    return spans


_CODE_RANKS = (
    (th.THUNDER_CODES, 5),
    (th.FREEZING_PRECIP_CODES, 4),
    (th.SNOW_CODES, 3),
    (th.RAIN_CODES, 2),
    (th.FOG_CODES, 1),
)


def _code_rank(step: Step) -> int:
    """How bad a weather code is, for comparing an hour with its quarter-hours."""
    code = step.weather_code
    if code is None:
        return 0
    return next((rank for codes, rank in _CODE_RANKS if code in codes), 0)


def _next_quarter_hour(when: datetime) -> datetime:
    floored = when.replace(minute=when.minute - when.minute % 15, second=0, microsecond=0)
    return floored + SEARCH_STEP
