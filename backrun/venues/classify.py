"""Which OpenStreetMap objects are venues a backward runner can use, and of which kind.

Pure: tags and measured size in, a `Venue kind` or a `Rejection` (with a stable reason code)
out. The importer, the Overpass lookup and the tests all use this one function, so an object is
judged the same way whichever way it arrived. Tagging facts and the pitfalls seen in real data
(ski pistes and long-jump runways tagged `leisure=track`, grass verges, "sports centres" that are
swimming pools): docs/venue-scoring.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from backrun.venues.geometry import equivalent_width_m

OUTDOOR_KINDS = ("track", "athletics_pitch", "stadium", "beach", "park", "recreation_ground", "grass")
INDOOR_KINDS = ("indoor_track", "sports_hall", "gym", "sports_centre")
KINDS = OUTDOOR_KINDS + INDOOR_KINDS

KIND_LABELS = {
    "track": "Running track",
    "athletics_pitch": "Athletics ground",
    "stadium": "Stadium",
    "beach": "Beach",
    "park": "Park",
    "recreation_ground": "Recreation ground",
    "grass": "Open grass",
    "indoor_track": "Indoor track",
    "sports_hall": "Sports hall",
    "gym": "Gym",
    "sports_centre": "Sports centre",
}

# The tags that make an object worth looking at. The importer hands them to pyosmium's C++ tag
# filter and the live lookup turns them into its Overpass query, so both see the same candidates.
CANDIDATE_TAGS: tuple[tuple[str, str], ...] = (
    ("leisure", "track"),
    ("leisure", "pitch"),
    ("leisure", "stadium"),
    ("natural", "beach"),
    ("leisure", "park"),
    ("landuse", "recreation_ground"),
    ("leisure", "recreation_ground"),
    ("landuse", "grass"),
    ("leisure", "common"),
    ("leisure", "sports_hall"),
    ("building", "sports_hall"),
    ("leisure", "fitness_centre"),
    ("amenity", "gym"),
    ("leisure", "sports_centre"),
)

# Not venues, but their names tell where an unnamed venue is ("Running track, Schulzentrum
# Mühleholz"): schools and colleges hold many of the tracks and halls. Both paths read them too.
PLACE_TAGS: tuple[tuple[str, str], ...] = (
    ("amenity", "school"),
    ("amenity", "college"),
    ("amenity", "university"),
)
READ_TAGS = CANDIDATE_TAGS + PLACE_TAGS

_WANTED: dict[str, frozenset[str]] = {
    key: frozenset(v for k, v in READ_TAGS if k == key) for key, _ in READ_TAGS
}
_CANDIDATE_PAIRS = frozenset(CANDIDATE_TAGS)


class TagLookup(Protocol):
    """Tags read by key: a dict, or osmium's TagList while an extract is read (not a Mapping)."""

    def get(self, key: str, /) -> str | None: ...


def read_kind(tags: TagLookup) -> tuple[bool, bool]:
    """(is a venue candidate, is worth reading at all): what the import's and the live lookup's tag
    filters select, for objects that reached Python another way (a multipolygon's member ways)."""
    wanted = False
    for key, accepted in _WANTED.items():
        value = tags.get(key)
        if value in accepted:
            if (key, value) in _CANDIDATE_PAIRS:
                return True, True
            wanted = True
    return False, wanted


MIN_TRACK_LENGTH_M = 150.0  # shorter "tracks" are runways, sprint straights or fragments
MIN_OPEN_AREA_M2 = 2000.0  # smaller parks and grass are verges and roundabouts
MIN_ATHLETICS_PITCH_M2 = 1000.0  # smaller ones are throwing circles and jump pits
MIN_STADIUM_M2 = 5000.0  # smaller "stadium" objects are grandstand buildings
# Open areas narrower than this (the width of the rectangle with the same area and perimeter) are
# strips: verges, medians, riverbanks. A 6.7 m x 380 m verge is 6.7 m wide; a 2000 m² square 45 m.
MIN_OPEN_WIDTH_M = 15.0

RUNNING_SPORTS = frozenset({"running", "athletics", "jogging"})
# leisure=track is also used for these; never offer them as running tracks.
NOT_RUNNING_TRACK_SPORTS = frozenset(
    {
        "skiing",
        "ski",
        "nordic_skiing",
        "cross_country_skiing",
        "biathlon",
        "ski_jumping",
        "snowboard",
        "horse_racing",
        "equestrian",
        "harness_racing",
        "dog_racing",
        "greyhound_racing",
        "cycling",
        "bmx",
        "mtb",
        "motor",
        "motocross",
        "karting",
        "speedway",
        "rc_car",
        "model_car",
        "long_jump",
        "high_jump",
        "triple_jump",
        "pole_vault",
        "roller_skating",
        "inline_skates",
        "skateboard",
        "ice_skating",
        "toboggan",
    }
)
# `athletics=*` values that mean a runway or a throwing area, not a track.
FIELD_EVENTS = frozenset(
    {
        "long_jump",
        "high_jump",
        "triple_jump",
        "pole_vault",
        "jumping",
        "shot_put",
        "discus_throw",
        "hammer_throw",
        "javelin_throw",
        "throwing",
    }
)
# Sports whose facilities offer nothing to run on; a centre or hall for only these is skipped.
NO_RUNNING_SPORTS = frozenset(
    {
        "swimming",
        "diving",
        "water_polo",
        "tennis",
        "table_tennis",
        "squash",
        "padel",
        "boules",
        "bowls",
        "ten_pin",
        "nine_pin",
        "billiards",
        "golf",
        "minigolf",
        "shooting",
        "archery",
        "skiing",
        "snowboard",
        "skateboard",
        "climbing",
        "bouldering",
        "motor",
        "karting",
        "equestrian",
        "ice_hockey",
        "ice_skating",
        "curling",
        "sailing",
        "canoe",
        "rowing",
        "chess",
        "darts",
        "yoga",
        "pilates",
        "boxing",
        "martial_arts",
        "judo",
        "karate",
        "bmx",
        "cycling",
    }
)
FITNESS_SPORTS = frozenset({"fitness", "gym", "crossfit"})
STONY_SURFACES = frozenset(
    {
        "pebbles",
        "pebblestone",
        "shingle",
        "stones",
        "stone",
        "rock",
        "rocks",
        "gravel",
        "cobblestone",
        "unhewn_cobblestone",
        "boulders",
    }
)
CLOSED_ACCESS = frozenset({"private", "no"})


@dataclass(frozen=True, slots=True)
class VenueKind:
    kind: str
    indoor: bool


@dataclass(frozen=True, slots=True)
class Rejection:
    reason: str  # stable code, counted by the importer
    detail: str


REJECTION_LABELS = {
    "closed_access": "access=private or no",
    "other_sport_track": "tracks for other sports (skiing, horses, cycling, motor sports, jumps)",
    "too_small": "too small to run in",
    "strip": "long thin strips (verges, medians, riverbanks)",
    "stony_beach": "stony beaches",
    "other_pitch": "pitches for other sports",
    "no_indoor_sign": "sports centres with no sign of an indoor space or running",
    "other_sport_facility": "centres and halls for sports with nothing to run on",
    "not_a_venue": "not a venue",
}


def values(tags: Mapping[str, str], key: str) -> frozenset[str]:
    """A `;`-separated OSM value as a set of trimmed, lower-case values."""
    raw = tags.get(key) or ""
    return frozenset(v.strip().lower() for v in raw.split(";") if v.strip())


def is_yes(tags: Mapping[str, str], key: str) -> bool:
    return (tags.get(key) or "").strip().lower() in {"yes", "true", "1"}


def classify(
    tags: Mapping[str, str],
    area_m2: float | None = None,
    length_m: float | None = None,
    *,
    point: bool = False,
) -> VenueKind | Rejection:
    """Classify one OSM object. `area_m2` is None for lines and points, `length_m` is the
    perimeter of an area or the length of a line (None for points): unknown sizes are let through
    rather than guessed. `point`: the object is a node (a building mapped as a point)."""
    if (tags.get("access") or "").strip().lower() in CLOSED_ACCESS:
        return Rejection("closed_access", f"access={tags['access']}")
    first_rejection: Rejection | None = None
    for rule in _RULES:
        verdict = rule(tags, area_m2, length_m, point)
        if isinstance(verdict, VenueKind):
            return verdict
        if verdict is not None and first_rejection is None:
            first_rejection = verdict
    return first_rejection or Rejection("not_a_venue", "no venue tags")


def _track(tags, area_m2, length_m, point=False):
    if tags.get("leisure") != "track":
        return None
    sports = values(tags, "sport")
    running = bool(sports & RUNNING_SPORTS)
    if not running and (sports & NOT_RUNNING_TRACK_SPORTS or "piste:type" in tags):
        return Rejection("other_sport_track", f"sport={tags.get('sport') or 'ski piste'}")
    if values(tags, "athletics") & FIELD_EVENTS:
        return Rejection("other_sport_track", f"athletics={tags['athletics']}")
    if length_m is not None and length_m < MIN_TRACK_LENGTH_M:
        return Rejection("too_small", f"track {length_m:.0f} m long")
    return VenueKind("indoor_track", True) if is_yes(tags, "indoor") else VenueKind("track", False)


def _athletics_pitch(tags, area_m2, length_m, point=False):
    if tags.get("leisure") != "pitch":
        return None
    if not values(tags, "sport") & RUNNING_SPORTS:
        return Rejection("other_pitch", f"sport={tags.get('sport') or 'unknown'}")
    if values(tags, "athletics") & FIELD_EVENTS:
        return Rejection("other_sport_track", f"athletics={tags['athletics']}")
    if is_yes(tags, "indoor"):
        return VenueKind("indoor_track", True)
    if area_m2 is not None and area_m2 < MIN_ATHLETICS_PITCH_M2:
        return Rejection("too_small", f"athletics pitch {area_m2:.0f} m²")
    return VenueKind("athletics_pitch", False)


def _stadium(tags, area_m2, length_m, point=False):
    if tags.get("leisure") != "stadium":
        return None
    if area_m2 is not None and area_m2 < MIN_STADIUM_M2:
        return Rejection("too_small", f"stadium part {area_m2:.0f} m²")
    return VenueKind("stadium", False)


def _open_area(kind: str, matches):
    def rule(tags, area_m2, length_m, point=False):
        if not matches(tags):
            return None
        if area_m2 is not None and area_m2 < MIN_OPEN_AREA_M2:
            return Rejection("too_small", f"{kind} {area_m2:.0f} m²")
        width = equivalent_width_m(area_m2, length_m)
        if width is not None and width < MIN_OPEN_WIDTH_M:
            return Rejection("strip", f"{kind} about {width:.0f} m wide")
        return VenueKind(kind, False)

    return rule


def _beach(tags, area_m2, length_m, point=False):
    if tags.get("natural") != "beach":
        return None
    stony = values(tags, "surface") & STONY_SURFACES
    if stony:
        return Rejection("stony_beach", f"surface={','.join(sorted(stony))}")
    return _open_area("beach", lambda t: True)(tags, area_m2, length_m, point)


def _only_no_running_sports(tags: Mapping[str, str]) -> bool:
    sports = values(tags, "sport")
    return bool(sports) and sports <= NO_RUNNING_SPORTS


def _sports_hall(tags, area_m2, length_m, point=False):
    if tags.get("leisure") != "sports_hall" and tags.get("building") != "sports_hall":
        return None
    if _only_no_running_sports(tags):
        return Rejection("other_sport_facility", f"sport={tags['sport']}")
    return VenueKind("sports_hall", True)


def _gym(tags, area_m2, length_m, point=False):
    if tags.get("leisure") != "fitness_centre" and tags.get("amenity") != "gym":
        return None
    if _only_no_running_sports(tags):
        return Rejection("other_sport_facility", f"sport={tags['sport']}")
    return VenueKind("gym", True)


def _sports_centre(tags, area_m2, length_m, point=False):
    if tags.get("leisure") != "sports_centre":
        return None
    sports = values(tags, "sport")
    if sports & FITNESS_SPORTS:
        return VenueKind("gym", True)
    if _only_no_running_sports(tags):
        return Rejection("other_sport_facility", f"sport={tags['sport']}")
    building = (tags.get("building") or "no").strip().lower() != "no"
    if building or is_yes(tags, "indoor") or sports & RUNNING_SPORTS:
        return VenueKind("sports_centre", True)
    # Mapped as a point with a sport: a building (a hall, a club's centre), not an outdoor complex
    # of pitches, which is drawn as an area.
    if point and sports:
        return VenueKind("sports_centre", True)
    return Rejection("no_indoor_sign", "no building, indoor or running/fitness tag")


_RULES = (
    _track,
    _athletics_pitch,
    _stadium,
    _beach,
    _open_area("park", lambda t: t.get("leisure") == "park"),
    _open_area(
        "recreation_ground",
        lambda t: t.get("landuse") == "recreation_ground" or t.get("leisure") == "recreation_ground",
    ),
    _sports_hall,
    _gym,
    _sports_centre,
    # Deprecated leisure=common is "heavily misused ... for random pieces of public grass" (OSM wiki).
    _open_area("grass", lambda t: t.get("landuse") == "grass" or t.get("leisure") == "common"),
)
