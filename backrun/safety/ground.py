"""The state of the ground: a time-ordered pass over the hourly weather that carries the surface's
water, snow, ice and frost from step to step.

Rules read the state ("ice", "wet", "snow cover") instead of 24-hour sums, so the ORDER of events
counts: ice that formed two days ago stays while the surface stays at or below 0 °C; a thaw needs
time above 0 °C; a wet surface dries by evaporation (temperature, humidity, wind, sun), not after a
fixed time. Every number is in `thresholds` with its source; docs/safety-rules.md draws the state
machine.

Pure: steps in, states out. One pass per forecast (O(steps)), shared by every window `advise`
evaluates.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from backrun.safety import indices
from backrun.safety import thresholds as th
from backrun.weather.model import Step

# Surface states, most dangerous first. Anything up to "water_film" means indoors.
STATES = ("ice", "slush", "snow", "compacted_snow", "frost", "water_film", "wet", "damp", "dry")
SEVERITY = {state: rank for rank, state in enumerate(STATES)}
INDOORS_STATES = frozenset(STATES[:6])
LABELS = {
    "ice": "Frozen",
    "slush": "Slush",
    "snow": "Snow cover",
    "compacted_snow": "Packed snow",
    "frost": "Frost",
    "water_film": "Standing water",
    "wet": "Wet",
    "damp": "Damp",
    "dry": "Dry",
}
SUMMARY = {
    "ice": "ice likely",
    "slush": "slush on the ground",
    "snow": "snow on the ground",
    "compacted_snow": "packed snow on the ground",
    "frost": "frost likely",
    "water_film": "standing water",
    "wet": "wet surface",
    "damp": "surface drying",
    "dry": "dry ground",
}
CONFIDENCE = ("low", "medium", "high")
HISTORY = timedelta(hours=th.GROUND_HISTORY_H)


@dataclass(frozen=True, slots=True)
class Phase:
    """What fell in one step, decided once: liquid and solid water (mm) and whether the liquid froze
    on contact (freezing rain or drizzle)."""

    liquid_mm: float
    solid_mm: float
    freezing: bool

    @property
    def word(self) -> str:
        if self.freezing:
            return "freezing rain"
        if self.solid_mm > 0 and self.liquid_mm > 0:
            return "sleet"
        if self.solid_mm > 0:
            return "snow"
        return "rain" if self.liquid_mm > 0 else "none"


def phase(step: Step) -> Phase:
    """Rain, snow or freezing rain, from the code, the snowfall and the air (wet-bulb) temperature.

    Missing precipitation is treated by the caller (it is a history gap), so 0 here.
    """
    total = step.precipitation_mm if step.precipitation_mm is not None and step.precipitation_mm > 0 else 0.0
    code = step.weather_code
    if step.snowfall_cm is not None and step.snowfall_cm > 0:
        solid = indices.snowfall_water_mm(step.snowfall_cm)
        liquid = max(0.0, total - solid)
        if liquid < th.FREEZING_PRECIP_MIN_MM:
            liquid = 0.0
    elif code in th.SNOW_CODES or _symbol_is_snow(step):
        solid, liquid = total, (total if _symbol_is_sleet(step) else 0.0)
    elif (
        code in th.FREEZING_PRECIP_CODES
        or code in th.RAIN_CODES
        or code in th.THUNDER_CODES
        or _symbol_is_rain(step)
    ):
        solid, liquid = 0.0, total
    elif code is None and total > 0:
        solid, liquid = total, total  # no code, no snowfall: it may have been either, so count both
    elif total > 0 and snow_by_temperature(step):
        solid, liquid = total, 0.0
    else:
        solid, liquid = 0.0, total
    if code in th.FREEZING_PRECIP_CODES:
        # A freezing-rain code with (almost) no amount still glazes: ice is never ruled out by rounding.
        return Phase(max(liquid, th.FREEZING_PRECIP_MIN_MM), solid, True)
    air = step.temperature_c
    freezing = liquid > 0 and (air is None or air <= th.FREEZING_AIR_C)
    return Phase(liquid, solid, freezing)


def snow_by_temperature(step: Step) -> bool:
    wet_bulb = step.wet_bulb_c
    if wet_bulb is not None:
        return wet_bulb <= th.SNOW_WET_BULB_C
    return step.temperature_c is not None and step.temperature_c <= th.SNOW_AIR_C


def _symbol_base(step: Step) -> str:
    return (step.symbol or "").split("_", 1)[0]


def _symbol_is_snow(step: Step) -> bool:
    base = _symbol_base(step)
    return "snow" in base or "sleet" in base


def _symbol_is_sleet(step: Step) -> bool:
    return "sleet" in _symbol_base(step)


def _symbol_is_rain(step: Step) -> bool:
    return "rain" in _symbol_base(step)


def surface_c(step: Step) -> tuple[float | None, bool]:
    """(surface temperature, estimated?). Without a skin temperature we assume the ground is
    `SURFACE_BELOW_AIR_C` colder than the air: clear, calm nights cool pavement that much, and a
    guess must err towards ice."""
    if step.surface_temperature_c is not None:
        return step.surface_temperature_c, False
    if step.temperature_c is not None:
        return step.temperature_c - th.SURFACE_BELOW_AIR_C, True
    return None, True


def _foggy(step: Step) -> bool:
    return step.weather_code in th.FOG_CODES or (
        step.visibility_m is not None and step.visibility_m < th.FOG_VISIBILITY_M
    )


def freeze_c(surface: float | None, air: float | None) -> float | None:
    """The temperature that decides freezing and thawing: the colder of the surface and the air.
    A warm skin temperature under freezing air (a model's natural ground, a sunny patch) doesn't
    keep paths, bridges and shade from icing."""
    if surface is None or air is None:
        return surface
    return min(surface, air)


def dew_point_c(step: Step) -> float | None:
    if step.dew_point_c is not None:
        return step.dew_point_c
    if step.temperature_c is not None and step.relative_humidity_pct is not None:
        return indices.dew_point_c(step.temperature_c, step.relative_humidity_pct)
    return None


def evaporation_mm_per_h(step: Step, surface: float) -> float:
    """Evaporation from a wet surface: an aerodynamic (Dalton/Penman) term driven by the vapour
    pressure difference and the wind, plus a share of the sunshine. Unknown humidity means no
    drying (the cautious answer); unknown wind counts as calm; unknown sun as none."""
    dew_point = dew_point_c(step)
    if dew_point is None:
        return 0.0
    deficit_hpa = indices.saturation_vapour_pressure_hpa(surface) - indices.saturation_vapour_pressure_hpa(
        dew_point
    )
    if deficit_hpa <= 0:
        return 0.0
    wind_2m_km_per_day = (step.wind_speed_kmh or 0.0) * th.WIND_2M_FACTOR * 24.0
    aero = th.EVAPORATION_WIND_A * (1.0 + wind_2m_km_per_day / 100.0) * deficit_hpa / 24.0
    sun = step.shortwave_w_m2 or 0.0
    radiative = max(0.0, sun) * th.SUN_EVAPORATION_SHARE * 3600.0 / th.LATENT_HEAT_J_PER_KG
    return aero + radiative


@dataclass(frozen=True, slots=True)
class GroundState:
    state: str
    since: datetime
    at: datetime
    water_mm: float = 0.0
    snow_mm: float = 0.0  # water equivalent
    ice_mm: float = 0.0
    frost: bool = False
    ice_kind: str | None = None  # "glaze" (freezing rain) | "refrozen" (water that froze on the ground)
    surface_c: float | None = None
    surface_estimated: bool = False
    confidence: str = "high"

    @property
    def indoors(self) -> bool:
        return self.state in INDOORS_STATES


@dataclass(frozen=True, slots=True)
class Event:
    at: datetime
    state: str

    def to_dict(self) -> dict[str, Any]:
        return {"at": self.at.isoformat(), "state": self.state, "label": LABELS[self.state]}


class GroundTrack:
    """States at the end of each hourly step, with the transitions that led there."""

    def __init__(
        self,
        states: list[GroundState],
        events: list[Event],
        history_start: datetime | None,
        starts: list[datetime],
    ) -> None:
        self.states = states
        self.events = events
        self.history_start = history_start
        self._times = [s.at for s in states]
        self._starts = starts
        self.worst: GroundTrack | None = None  # the worst-case pass, when past precipitation is unknown

    def during(self, start: datetime, end: datetime) -> GroundState | None:
        """The worst state the run meets: the one it starts on (the last state reached by `start`)
        and the state at the end of every step that overlaps the run."""
        first = bisect_right(self._times, start) - 1  # state in place at the start
        last = bisect_left(self._starts, end)  # steps starting before the end overlap the run
        window = self.states[max(first, 0) : last]
        if not window:
            return None
        return min(window, key=lambda s: (SEVERITY[s.state], CONFIDENCE.index(s.confidence)))

    def worst_during(self, start: datetime, end: datetime) -> GroundState | None:
        """`during` in the worst-case pass; None when every past precipitation value is known."""
        return self.worst.during(start, end) if self.worst is not None else None

    def events_until(self, moment: datetime, limit: int = 4) -> tuple[Event, ...]:
        idx = bisect_right([e.at for e in self.events], moment)
        return tuple(self.events[max(0, idx - limit) : idx])


def track(hours: Sequence[Step], now: datetime | None = None) -> GroundTrack:
    """Run the surface model over hourly steps in time order.

    Past steps (ending by `now`) without a precipitation value get a second, worst-case pass that
    counts them as heavy rain: what it shows beyond the first pass can't be ruled out, and the
    rules say so as "unknown". A future step without one needs no such pass: any run overlapping
    it is already `missing_data`, and any run after it has a gap in its history.
    """
    known = _pass(hours, now, assume=False)
    if any(s.precipitation_mm is None and (now is None or s.end <= now) for s in hours):
        known.worst = _pass(hours, now, assume=True)
    return known


def _pass(hours: Sequence[Step], now: datetime | None, assume: bool) -> GroundTrack:
    steps = sorted((s for s in hours if s.end > s.start), key=lambda s: s.start)
    states: list[GroundState] = []
    events: list[Event] = []
    water = snow = ice = 0.0
    frost = False
    frost_mm = 0.0
    ice_kind: str | None = None
    snow_hours = 0.0
    previous_end: datetime | None = None
    current: str | None = None
    since: datetime | None = None
    gap_low = False
    for step in steps:
        hours_long = (step.end - step.start).total_seconds() / 3600.0
        if previous_end is not None and step.start > previous_end:
            gap_low = True  # what happened in the gap is unknown
        previous_end = step.end if previous_end is None else max(previous_end, step.end)
        surface, estimated = surface_c(step)
        air = step.temperature_c
        cold = freeze_c(surface, air)
        frozen = cold is None or cold <= th.ICE_SURFACE_C or (air is not None and air <= th.FREEZING_AIR_C)
        fell = phase(step)
        unknown_precip = step.precipitation_mm is None

        # Snow: what fell, then melt by air temperature (degree-day) and warm ground.
        snow += fell.solid_mm
        if snow > 0 and air is not None and air > 0:
            melt = min(snow, th.SNOW_MELT_MM_PER_DEGREE_DAY / 24.0 * air * hours_long)
            snow -= melt
            water += melt
        if snow > 0 and not frozen and surface is not None:
            melt = min(snow, th.SNOW_MELT_MM_PER_DEGREE_DAY / 24.0 * surface * hours_long)
            snow -= melt
            water += melt
        if step.snow_depth_m is not None and step.snow_depth_m > 0:  # the model's depth, as water
            snow = max(snow, step.snow_depth_m * 100.0 / th.SNOWFALL_CM_PER_MM_WATER)
        snow_hours = snow_hours + hours_long if snow >= th.SNOW_COVER_MIN_MM else 0.0

        # Liquid: glaze when it freezes on contact, else water on the surface.
        if fell.liquid_mm > 0 and (fell.freezing or frozen):
            ice += fell.liquid_mm
            ice_kind = "glaze"
        else:
            water += fell.liquid_mm
        if (
            assume and unknown_precip and (now is None or step.end <= now)
        ):  # heavy rain, or glaze where frozen
            if frozen:
                ice += th.PRECIP_UNKNOWN_MM
                ice_kind = ice_kind or "glaze"
            else:
                water += th.PRECIP_UNKNOWN_MM

        # Dew and frost: deposition when the surface is at or below the dew point.
        # Hoar frost is thin: in dry air it sublimates like water evaporates (ice is kept: it's thick).
        dew_point = dew_point_c(step)
        if cold is None or cold <= th.FROST_SURFACE_C:
            humid = (
                dew_point is None
                or cold is None
                or dew_point >= cold - th.FROST_DEW_POINT_MARGIN_C
                or (
                    step.relative_humidity_pct is not None
                    and step.relative_humidity_pct >= th.FROST_HUMIDITY_PCT
                )
            )
            if humid or _foggy(step):  # hoar frost, or rime from freezing fog
                frost_mm += th.DEW_MM_PER_H * hours_long
            elif frost_mm > 0 and cold is not None:
                frost_mm = max(0.0, frost_mm - evaporation_mm_per_h(step, cold) * hours_long)
        elif not frozen:
            water += frost_mm  # melted frost leaves the ground damp
            frost_mm = 0.0
            if (
                dew_point is not None
                and surface is not None
                and dew_point >= surface
                and water < th.DEW_WATER_MAX_MM
            ):
                # Dew beads; it dampens a surface but doesn't make it wet (it can still freeze).
                water = min(water + th.DEW_MM_PER_H * hours_long, th.DEW_WATER_MAX_MM)
        elif frost_mm > 0 and cold is not None:  # between 0 and ICE_SURFACE_C: no new frost, some goes
            frost_mm = max(0.0, frost_mm - evaporation_mm_per_h(step, cold) * hours_long)
        frost = frost_mm >= th.FROST_MIN_MM

        # Thaw: ice melts only while the surface is above 0 °C, at a degree-day rate.
        if ice > 0 and not frozen and cold is not None:
            melt = min(ice, th.ICE_MELT_MM_PER_DEGREE_DAY / 24.0 * max(cold, 0.0) * hours_long)
            ice -= melt
            water += melt
            if ice < th.ICE_MIN_MM:
                water += ice
                ice, ice_kind = 0.0, None

        # Refreeze: water on a surface at or below 0 °C becomes ice (black ice, frozen slush).
        if frozen and water >= th.FREEZE_WATER_MIN_MM:
            ice += water
            water = 0.0
            ice_kind = ice_kind or "refrozen"

        # Drying: evaporation, then run-off of what the surface can't hold.
        if not frozen and water > 0 and surface is not None:
            water = max(0.0, water - evaporation_mm_per_h(step, surface) * hours_long)
        water = min(water, th.WATER_HOLD_MAX_MM)

        state = _classify(water, snow, ice, frost, snow_hours, air)
        short_history = step.end - steps[0].start < HISTORY  # e.g. MET Norway: no past at all
        confidence = (
            "low"
            if gap_low or short_history or unknown_precip or air is None
            else "medium"
            if estimated
            else "high"
        )
        if state != current:
            current, since = state, step.end
            events.append(Event(step.end, state))
        states.append(
            GroundState(
                state,
                since or step.end,
                step.end,
                round(water, 3),
                round(snow, 3),
                round(ice, 3),
                frost,
                ice_kind if ice > 0 else None,
                None if surface is None else round(surface, 1),
                estimated,
                confidence,
            )
        )
    history_start = steps[0].start if steps else None
    return GroundTrack(states, events, history_start, [s.start for s in steps])


def _classify(
    water: float, snow: float, ice: float, frost: bool, snow_hours: float, air: float | None
) -> str:
    if ice >= th.ICE_MIN_MM:
        return "ice"
    if snow >= th.SNOW_COVER_MIN_MM:
        if water >= th.WET_MM or (air is not None and air > 0):
            return "slush"
        return "compacted_snow" if snow_hours >= th.SNOW_COMPACTED_H else "snow"
    if frost:
        return "frost"
    if water >= th.WATER_FILM_MM:
        return "water_film"
    if water >= th.WET_MM:
        return "wet"
    if water >= th.DAMP_MM:
        return "damp"
    return "dry"


def story_parts(state: GroundState, events: Sequence[Event]) -> tuple[list[tuple[str, datetime]], str]:
    """The last transitions (label, since) that lead to `state`, and what it means."""
    last_dry = max((i for i, e in enumerate(events) if e.state == "dry"), default=-1)
    recent = list(events[last_dry + 1 :])[-2:] or list(events[-1:])  # since it was last dry
    if not recent or recent[-1].state != state.state:
        recent = [*recent[-1:], Event(state.since, state.state)]
    return [(LABELS[e.state].lower(), e.at) for e in recent], SUMMARY[state.state]


def story(state: GroundState, events: Sequence[Event]) -> str:
    """One line: "Wet since 03:00, frozen since 05:00: ice likely" (times in UTC)."""
    parts, summary = story_parts(state, events)
    line = ", ".join(f"{label} since {at.strftime('%H:%M')}" for label, at in parts)
    return f"{line[:1].upper()}{line[1:]}: {summary}"
