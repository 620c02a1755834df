"""How good a venue is for running backwards, and why. Pure: facts in, a score with reasons out.

score = quality - distance penalty, where quality adds up: a base for the kind of venue, then
surface, smoothness, slope, access, fee, size, track details and, in the dark, lighting. Every
term that applies becomes a `ScoreReason` (shown to the runner) and every fact the score needed
but OSM doesn't have becomes an unknown ("lighting unknown"): unknown is never read as good.
The weights and their sources are explained in docs/venue-scoring.md.

Modes: "day" and "night" rank outdoor and indoor venues together (night weighs lighting),
"indoor" offers only indoor venues: it is chosen when the weather verdict says indoors.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from backrun.venues.classify import RUNNING_SPORTS, values
from backrun.venues.geometry import equivalent_width_m

MODES = ("day", "night", "indoor")

BASE = {
    "track": 100,
    "indoor_track": 100,
    "athletics_pitch": 75,
    "stadium": 65,
    "beach": 60,
    "park": 50,
    "recreation_ground": 50,
    "grass": 40,
    "sports_hall": 75,
    "gym": 65,
    "sports_centre": 55,
}
BASE_REASONS = {
    "track": "Running track: flat by rule, lanes to follow",
    "indoor_track": "Indoor track: flat, lit and dry",
    "athletics_pitch": "Athletics ground: flat, made for running",
    "stadium": "Stadium: usually holds a flat pitch or track",
    "beach": "Beach: soft and open, but it slopes towards the water",
    "park": "Park: open ground, with paths, trees and people to watch for",
    "recreation_ground": "Recreation ground: open playing fields",
    "grass": "Open grass: the last choice; check it for holes",
    "sports_hall": "Sports hall: flat floor, room to run",
    "gym": "Gym: treadmills with handrails, likely (OSM doesn't say)",
    "sports_centre": "Sports centre: indoor space, check what it offers",
}
# Outdoors is what the runner asked for when the weather allows it.
INDOOR_IN_OUTDOOR_WEATHER = -25

SURFACE_POINTS = {
    **dict.fromkeys(("tartan", "synthetic", "rubber", "polyurethane", "pu"), 10),
    "acrylic": 8,
    "artificial_turf": 5,
    **dict.fromkeys(("grass", "sand", "asphalt", "concrete", "paved", "paving_stones", "wood", "carpet"), 0),
    **dict.fromkeys(("compacted", "fine_gravel", "woodchips", "clay", "cinder", "ash"), -5),
    **dict.fromkeys(("dirt", "earth", "ground", "unpaved"), -10),
    "mud": -30,
    "gravel": -30,
    "sett": -20,
    **dict.fromkeys(
        ("pebbles", "pebblestone", "shingle", "stones", "stone", "cobblestone", "unhewn_cobblestone"), -40
    ),
    **dict.fromkeys(("rock", "rocks", "boulders"), -50),
}
SYNTHETIC_SURFACES = frozenset(k for k, v in SURFACE_POINTS.items() if v >= 5)
SMOOTHNESS_POINTS = {
    "excellent": 5,
    "good": 5,
    "intermediate": 0,
    "bad": -20,
    "very_bad": -40,
    "horrible": -60,
    "very_horrible": -60,
    "impassable": -60,
}
ACCESS_OPEN = frozenset({"yes", "public", "designated"})
ACCESS_RESTRICTED = frozenset(
    {
        "customers",
        "permit",
        "members",
        "membership",
        "destination",
        "permissive_members",
        "residents",
        "students",
        "delivery",
    }
)
LIT_YES = frozenset({"yes", "24/7", "automatic", "sunset-sunrise", "dusk-dawn", "interval"})
LIT_NO = frozenset({"no", "disused", "off"})
LIGHTING_POINTS = {"lit": 15, "limited": 0, "unknown": -15, "unlit": -40}  # at night, outdoors only
STEEP_INCLINE_PERCENT = 2.0
SIZE_POINTS_PER_DECADE = 5.0  # +5 per tenfold area above 2000 m², at most +10
SIZE_POINTS_MAX = 10.0
SIZE_FROM_M2 = 2000.0
OPEN_AREA_KINDS = frozenset({"beach", "park", "recreation_ground", "grass", "stadium", "athletics_pitch"})
STANDARD_LAP_M = (380.0, 480.0)
SHORT_LOOP_M = 300.0
# Points lost per km of distance, the same whatever radius was searched: so a venue's score is one
# number in the list, on its page and in the API, and an equal venue 3 km farther is 30 points
# behind. 10 points per km is what the 5 km default search weighed before (50 points at its edge).
DISTANCE_POINTS_PER_KM = 10.0
# Open areas narrower than this (geometry.equivalent_width_m) leave little room to run backwards;
# narrower than classify.MIN_OPEN_WIDTH_M they are strips and not offered at all.
NARROW_WIDTH_M = 30.0
NARROW_POINTS = -10
# Slope of open areas from elevation data (docs/venue-scoring.md, "Flatness").
HILLY_SLOPE_PCT = 3.0
STEEP_SLOPE_PCT = 6.0
SLOPE_POINTS = {"hilly": -20, "steep": -40}
INDOOR_SIZE_KINDS = frozenset({"sports_hall", "gym", "sports_centre"})


@dataclass(frozen=True, slots=True)
class VenueFacts:
    kind: str
    indoor: bool
    tags: Mapping[str, str]
    area_m2: float | None = None
    perimeter_m: float | None = None
    clipped: bool = False  # cut at the edge of the imported data
    slope_measurable: bool = False  # an open area with elevation sample points
    slope_pct: float | None = None  # from elevation data; None: not known yet


class StoredVenue(Protocol):
    """A venue as the store gives it: a `Venue` row or a `NearbyVenue` (read-only here)."""

    @property
    def kind(self) -> str: ...
    @property
    def indoor(self) -> bool: ...
    @property
    def tags(self) -> Mapping[str, Any]: ...
    @property
    def area_m2(self) -> float | None: ...
    @property
    def perimeter_m(self) -> float | None: ...
    @property
    def clipped(self) -> bool: ...
    @property
    def slope_pct(self) -> float | None: ...


def facts_of(venue: StoredVenue) -> VenueFacts:
    """The scoring facts of a stored venue (a `Venue` row or a `NearbyVenue`): every page and the
    API build them here, so a venue scores the same wherever it is shown."""
    samples = getattr(venue, "samples", None)
    measurable = getattr(venue, "slope_measurable", None)
    return VenueFacts(
        venue.kind,
        bool(venue.indoor),
        venue.tags or {},
        venue.area_m2,
        venue.perimeter_m,
        clipped=bool(venue.clipped),
        slope_measurable=bool(samples) if measurable is None else measurable,
        slope_pct=venue.slope_pct,
    )


@dataclass(frozen=True, slots=True)
class ScoreReason:
    code: str
    points: float
    message: str
    unknown: bool = False  # a fact OSM doesn't have ("lighting unknown"), shown as such

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "points": self.points, "message": self.message, "unknown": self.unknown}


@dataclass(frozen=True, slots=True)
class VenueScore:
    score: float  # quality minus the distance penalty, in whole points; what the list is sorted by
    quality: float
    reasons: tuple[ScoreReason, ...]

    @property
    def unknowns(self) -> tuple[str, ...]:
        return tuple(r.message for r in self.reasons if r.unknown)

    @property
    def known_reasons(self) -> tuple[ScoreReason, ...]:
        return tuple(r for r in self.reasons if not r.unknown)


def offered(facts: VenueFacts, mode: str) -> bool:
    """Indoor mode offers no outdoor venue at all: the weather said not to run outside."""
    return facts.indoor or mode != "indoor"


def distance_penalty(distance_km: float) -> float:
    return DISTANCE_POINTS_PER_KM * distance_km


def score_venue(facts: VenueFacts, *, mode: str, distance_km: float | None = None) -> VenueScore:
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    reasons: list[ScoreReason] = [
        ScoreReason(f"kind_{facts.kind}", BASE[facts.kind], BASE_REASONS[facts.kind])
    ]
    tags = facts.tags
    if facts.indoor and mode != "indoor":
        reasons.append(
            ScoreReason("outdoor_weather", INDOOR_IN_OUTDOOR_WEATHER, "The weather allows running outside")
        )
    _surface(facts, reasons)
    _smoothness(tags, reasons)
    _incline(tags, reasons)
    _slope(facts, reasons)
    if facts.kind in ("track", "indoor_track"):
        _track_details(facts, reasons)
    if facts.kind == "stadium":
        _stadium_sport(tags, reasons)
    if facts.kind in OPEN_AREA_KINDS:
        _size(facts, reasons)
        _width(facts, reasons)
    elif facts.kind in INDOOR_SIZE_KINDS and facts.area_m2 is None:
        reasons.append(_unknown("size", "size unknown (mapped as a point)"))
    if facts.clipped:
        reasons.append(_unknown("extent", "only partly in the imported map data: it may be larger"))
    _access(tags, reasons)
    _fee(tags, reasons)
    if not facts.indoor:
        _lighting(tags, mode, reasons)
    elif not tags.get("opening_hours"):
        reasons.append(_unknown("opening_hours", "opening hours unknown"))

    quality = sum(r.points for r in reasons)
    score = quality
    if distance_km is not None:
        penalty = distance_penalty(distance_km)
        reasons.append(
            ScoreReason("distance", round(-penalty, 1) or 0.0, f"{distance_km:.1f} km away")
        )  # never -0.0
        score -= penalty
    # Whole points: the number the list, the venue's page and the API all show, and equal venues
    # tie, so the nearer one comes first.
    return VenueScore(float(round(score)), round(quality, 1), tuple(reasons))


def _unknown(what: str, message: str, points: float = 0) -> ScoreReason:
    return ScoreReason(f"{what}_unknown", points, message, unknown=True)


def _surface(facts: VenueFacts, reasons: list[ScoreReason]) -> None:
    surfaces = values(facts.tags, "surface")
    if not surfaces:
        if not facts.indoor:
            reasons.append(_unknown("surface", "surface unknown"))
        return
    # Several values ("sand;artificial_turf"): judge by the worst, the runner can't choose.
    known = [s for s in surfaces if s in SURFACE_POINTS]
    if not known:
        reasons.append(ScoreReason("surface_other", 0, f"Surface: {', '.join(sorted(surfaces))}"))
        return
    worst = min(known, key=SURFACE_POINTS.__getitem__)
    points = SURFACE_POINTS[worst]
    reasons.append(ScoreReason(f"surface_{worst}", points, _surface_message(worst, points)))


def _surface_message(surface: str, points: float) -> str:
    name = surface.replace("_", " ")
    if points >= 5:
        return f"Even {name} surface"
    if points == 0:
        return f"{name.capitalize()} surface"
    if points >= -10:
        return f"Loose or uneven {name} surface"
    return f"{name.capitalize()} surface: a trip hazard"


def _smoothness(tags: Mapping[str, str], reasons: list[ScoreReason]) -> None:
    smoothness = (tags.get("smoothness") or "").strip().lower()
    if smoothness in SMOOTHNESS_POINTS:
        points = SMOOTHNESS_POINTS[smoothness]
        text = "Smooth ground" if points > 0 else f"Smoothness: {smoothness.replace('_', ' ')}"
        reasons.append(ScoreReason(f"smoothness_{smoothness}", points, text))


_INCLINE = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*(%|°)?\s*$")


def incline_percent(raw: str | None) -> float | None:
    """`incline=*` as an absolute percentage: "5%", "5", "-3 %", "4°"; "up"/"down"/"yes" mean a
    slope of unknown size (infinity). None when untagged or unreadable."""
    if not raw:
        return None
    text = raw.strip().lower()
    if text in {"up", "down", "yes"}:
        return math.inf
    match = _INCLINE.match(text)
    if not match:
        return None
    value = abs(float(match.group(1)))
    return math.tan(math.radians(value)) * 100 if match.group(2) == "°" else value


def _incline(tags: Mapping[str, str], reasons: list[ScoreReason]) -> None:
    percent = incline_percent(tags.get("incline"))
    if percent is not None and percent > STEEP_INCLINE_PERCENT:
        text = "On a slope" if math.isinf(percent) else f"On a {percent:.0f} % slope"
        reasons.append(ScoreReason("sloped", -20, text + ": running backwards downhill is riskier"))


def _slope(facts: VenueFacts, reasons: list[ScoreReason]) -> None:
    if not facts.slope_measurable:
        return
    slope = facts.slope_pct
    if slope is None:
        reasons.append(_unknown("slope", "slope unknown (elevation not looked up yet)"))
    elif slope > STEEP_SLOPE_PCT:
        reasons.append(
            ScoreReason(
                "steep",
                SLOPE_POINTS["steep"],
                f"Steep ground (about {slope:.0f} %): running backwards downhill is riskier",
            )
        )
    elif slope > HILLY_SLOPE_PCT:
        reasons.append(
            ScoreReason(
                "hilly",
                SLOPE_POINTS["hilly"],
                f"Hilly ground (about {slope:.0f} %): running backwards downhill is riskier",
            )
        )
    else:
        reasons.append(ScoreReason("flat_measured", 0, f"Flat by elevation data (about {slope:.0f} %)"))


def _width(facts: VenueFacts, reasons: list[ScoreReason]) -> None:
    if facts.clipped:
        return  # only part of its shape is known: its width isn't
    width = equivalent_width_m(facts.area_m2, facts.perimeter_m)
    if width is not None and width < NARROW_WIDTH_M:
        reasons.append(ScoreReason("narrow", NARROW_POINTS, f"Narrow (about {width:.0f} m wide)"))


def _track_details(facts: VenueFacts, reasons: list[ScoreReason]) -> None:
    tags = facts.tags
    surfaces = values(tags, "surface")
    if not values(tags, "sport") & RUNNING_SPORTS and not surfaces & SYNTHETIC_SURFACES:
        reasons.append(
            ScoreReason("track_unconfirmed", -15, "Not tagged as a running track and no synthetic surface")
        )
    lap = facts.perimeter_m
    if lap is not None:
        if STANDARD_LAP_M[0] <= lap <= STANDARD_LAP_M[1]:
            reasons.append(ScoreReason("standard_lap", 5, f"About a 400 m lap ({lap:.0f} m)"))
        elif lap < SHORT_LOOP_M:
            reasons.append(ScoreReason("short_loop", -10, f"Short loop ({lap:.0f} m)"))
    lanes = (tags.get("lanes") or "").strip()
    if lanes.isdigit() and int(lanes) >= 4:
        reasons.append(ScoreReason("lanes", 3, f"{int(lanes)} lanes marked"))


def _stadium_sport(tags: Mapping[str, str], reasons: list[ScoreReason]) -> None:
    sports = values(tags, "sport")
    if sports and not sports & RUNNING_SPORTS:
        reasons.append(
            ScoreReason(
                "stadium_other_sport",
                -10,
                f"Built for {', '.join(sorted(sports))}: may have no running track",
            )
        )


def _size(facts: VenueFacts, reasons: list[ScoreReason]) -> None:
    if facts.area_m2 is None:
        reasons.append(_unknown("size", "size unknown"))
        return
    points = min(
        SIZE_POINTS_MAX, SIZE_POINTS_PER_DECADE * math.log10(max(facts.area_m2, SIZE_FROM_M2) / SIZE_FROM_M2)
    )
    if points >= 1:
        hectares = facts.area_m2 / 10_000
        reasons.append(ScoreReason("roomy", round(points, 1), f"Plenty of room ({hectares:.1f} ha)"))


def _access(tags: Mapping[str, str], reasons: list[ScoreReason]) -> None:
    access = values(tags, "access")
    if not access:
        reasons.append(_unknown("access", "access unknown"))
    elif access & ACCESS_RESTRICTED:
        reasons.append(
            ScoreReason(
                "access_restricted", -10, f"Access: {tags['access']} (may need membership or a permit)"
            )
        )
    elif access & ACCESS_OPEN:
        reasons.append(ScoreReason("access_open", 5, "Open to the public"))
    elif "permissive" in access:
        reasons.append(ScoreReason("access_permissive", 0, "Open while the owner allows it"))
    else:
        reasons.append(_unknown("access", f"access unclear ({tags['access']})"))


def _fee(tags: Mapping[str, str], reasons: list[ScoreReason]) -> None:
    fee = (tags.get("fee") or "").strip().lower()
    if fee == "yes":
        reasons.append(ScoreReason("fee", -5, "Entry fee"))
    elif fee == "no":
        reasons.append(ScoreReason("free", 0, "Free entry"))


def lighting(tags: Mapping[str, str]) -> str:
    """ "lit" | "unlit" | "limited" | "unknown" from `lit=*` (operating times count as lit)."""
    lit = (tags.get("lit") or "").strip().lower()
    if not lit:
        return "unknown"
    if lit in LIT_YES or any(ch.isdigit() for ch in lit):
        return "lit"
    if lit in LIT_NO:
        return "unlit"
    if lit == "limited":
        return "limited"
    return "unknown"


def _lighting(tags: Mapping[str, str], mode: str, reasons: list[ScoreReason]) -> None:
    state = lighting(tags)
    night = mode == "night"
    if state == "unknown":
        # At night unknown lighting costs points: it may well be dark there.
        reasons.append(_unknown("lighting", "lighting unknown", LIGHTING_POINTS["unknown"] if night else 0))
        return
    if not night:
        return
    text = {
        "lit": "Lit after dark",
        "limited": "Lit for part of the night only",
        "unlit": "Unlit: you can't see the ground in the dark",
    }[state]
    reasons.append(ScoreReason(f"lighting_{state}", LIGHTING_POINTS[state], text))
