"""What to wear and carry for a backward run: pure functions, weather summary in, short list out.

The clothing model (docs/kit.md): dress for the coldest feels-like temperature of the run,
moved by the runner's offset ("runs hot" / "runs cold" and their post-run feedback), in bands
of layers; gloves always (a backward fall lands on the hands), sun protection by UV, something
bright and a light in the dark, flat shoes. The kit never changes the verdict.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from backrun.safety import indices
from backrun.safety.daylight import is_dark
from backrun.safety.rules import RunConditions, humidity_pct, liquid_precipitation_mm, mean_wind_kmh
from backrun.weather.model import Step

WARMTHS = ("hot", "normal", "cold")
FEEDBACK = ("too_warm", "right", "too_cold")
WARMTH_OFFSET_C = {"hot": 3.0, "normal": 0.0, "cold": -3.0}
FEEDBACK_STEP_C = 1.0  # each recent "too warm" dresses you as if 1 °C warmer, "too cold" 1 °C colder
FEEDBACK_RUNS = 5  # only the last five answers count: seasons and fitness change
MAX_OFFSET_C = 6.0

# Dress-for temperature (°C) -> top and legs; the first band whose lower bound it reaches.
LAYER_BANDS: tuple[tuple[float, str, str], ...] = (
    (20, "T-shirt or singlet", "Shorts"),
    (12, "T-shirt", "Shorts"),
    (6, "Long-sleeved top", "Shorts or three-quarter tights"),
    (0, "Long-sleeved base layer and a light jacket", "Tights"),
    (-8, "Thermal base layer and a windproof jacket", "Thermal tights"),
    (float("-inf"), "Thermal base layer, a warm mid layer and a windproof jacket", "Thermal tights"),
)
WARM_GLOVES_BELOW_C = 6
WARM_HAT_BELOW_C = 2
WINDPROOF_FROM_KMH = 20  # Beaufort 4 'moderate breeze' (20–28 km/h): wind starts to cut through a thin top
WINDPROOF_BELOW_C = 15
UV_PROTECT_FROM = 3  # WHO UV index: sun protection needed from 3 (moderate)
UV_VERY_HIGH = 8
WET_PROBABILITY_PCT = 30
HEAT_INDEX_FROM_C = 27  # the NWS heat index is only meaningful from about 27 °C (80 °F)
WIND_CHILL_MAX_C = 10
WIND_CHILL_MIN_KMH = 4.8


@dataclass(frozen=True, slots=True)
class KitWeather:
    feels_like_c: float | None  # the coldest feels-like during the run
    wind_kmh: float | None  # the strongest mean wind
    uv_index: float | None
    dark: bool
    wet: bool


def weather_for_kit(c: RunConditions | None) -> KitWeather | None:
    if c is None or not c.run:
        return None
    feels = [f for s in c.run if (f := _feels_like_c(s)) is not None]
    winds = [w for s in c.run if (w := mean_wind_kmh(s)) is not None]
    uvs = [s.uv_index for s in c.run if s.uv_index is not None]
    wet = any((mm := liquid_precipitation_mm(s)) is not None and mm > 0 for s in c.run) or any(
        s.precipitation_probability_pct is not None and s.precipitation_probability_pct >= WET_PROBABILITY_PCT
        for s in c.run
    )
    dark = c.lowest_sun is not None and is_dark(c.lowest_sun[1])
    return KitWeather(
        min(feels) if feels else None, max(winds) if winds else None, max(uvs) if uvs else None, dark, wet
    )


def _feels_like_c(step: Step) -> float | None:
    t = step.temperature_c
    if t is None:
        return None
    wind = mean_wind_kmh(step)
    if t <= WIND_CHILL_MAX_C and wind is not None and wind >= WIND_CHILL_MIN_KMH:
        chill = indices.wind_chill_c(t, wind)
        return t if chill is None else chill
    humidity = humidity_pct(step)
    if t >= HEAT_INDEX_FROM_C and humidity is not None:
        return indices.heat_index_c(t, humidity)
    return t


def offset_c(warmth: str = "normal", feedback: Sequence[str] = ()) -> float:
    """The runner's offset: + dresses lighter (runs hot, came back too warm), − warmer.

    `feedback` is newest first; only the last FEEDBACK_RUNS answers count.
    """
    offset = WARMTH_OFFSET_C.get(warmth, 0.0)
    for answer in list(feedback)[:FEEDBACK_RUNS]:
        offset += (
            FEEDBACK_STEP_C if answer == "too_warm" else -FEEDBACK_STEP_C if answer == "too_cold" else 0.0
        )
    return max(-MAX_OFFSET_C, min(MAX_OFFSET_C, offset))


@dataclass(frozen=True, slots=True)
class KitItem:
    code: str
    text: str

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "text": self.text}


@dataclass(frozen=True, slots=True)
class Kit:
    items: tuple[KitItem, ...]
    feels_like_c: float | None
    dress_for_c: float | None
    offset_c: float
    note: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "items": [i.to_dict() for i in self.items],
            "feels_like_c": None if self.feels_like_c is None else round(self.feels_like_c, 1),
            "dress_for_c": None if self.dress_for_c is None else round(self.dress_for_c, 1),
            "offset_c": self.offset_c,
            "note": self.note,
        }

    def codes(self) -> list[str]:
        return [i.code for i in self.items]


def kit_for(weather: KitWeather | None, offset: float = 0.0) -> Kit:
    """The list for this run; without weather, the items every backward run needs."""
    items: list[KitItem] = []
    feels_like = None if weather is None else weather.feels_like_c
    dress_for = None if feels_like is None else feels_like + offset
    if weather is not None and dress_for is not None:
        top, legs = next((top, legs) for low, top, legs in LAYER_BANDS if dress_for >= low)
        items += [KitItem("top", top), KitItem("legs", legs)]
        if (
            weather.wind_kmh is not None
            and weather.wind_kmh >= WINDPROOF_FROM_KMH
            and 6 <= dress_for < WINDPROOF_BELOW_C
        ):
            items.append(KitItem("windproof", "A thin windproof layer: the wind cuts through a single top"))
    cold_hands = dress_for is not None and dress_for < WARM_GLOVES_BELOW_C
    items.append(
        KitItem(
            "gloves",
            "Warm gloves: your hands take a backward fall, and cold hands can't catch you"
            if cold_hands
            else "Thin gloves, even when it's mild: your hands take a backward fall",
        )
    )
    if dress_for is not None and dress_for < WARM_HAT_BELOW_C:
        items.append(KitItem("hat", "A warm hat or headband over your ears"))
    elif weather is not None and ((weather.uv_index or 0) >= UV_PROTECT_FROM or weather.wet):
        items.append(KitItem("cap", "A cap with a peak, against sun or rain"))
    if weather is not None and weather.uv_index is not None and weather.uv_index >= UV_PROTECT_FROM:
        strong = weather.uv_index >= UV_VERY_HIGH
        items.append(
            KitItem(
                "sun",
                "Sunglasses and sunscreen (SPF 30+)"
                + (", reapplied, and cover your shoulders: the UV is very high" if strong else ""),
            )
        )
    if weather is not None and weather.wet:
        items.append(KitItem("rain_jacket", "A light waterproof jacket"))
    if weather is None or weather.dark:
        items.append(
            KitItem(
                "bright",
                "Something bright or reflective, and a head torch or chest light: others "
                "must see you and you must see the ground"
                if weather is not None
                else "Something bright, and a light if it may get dark",
            )
        )
    items.append(KitItem("shoes", "Flat running shoes with a grippy sole: no raised heel, no trail lugs"))
    if feels_like is None or dress_for is None:
        note = "We don't know the weather, so this is the kit every backward run needs; dress in layers."
    elif offset:
        note = (
            f"Dressed for {_degrees(dress_for)}: feels like {_degrees(feels_like)}, "
            f"{'+' if offset > 0 else '−'}{abs(offset):g} °C for how you run warm or cold."
        )
    else:
        note = f"Dressed for a feels-like {_degrees(dress_for)}; you'll warm up after the first minutes."
    return Kit(tuple(items), feels_like, dress_for, offset, note)


def _degrees(value: float) -> str:
    whole = round(value) + 0  # + 0: no "-0 °C"
    return f"{whole} °C" if whole >= 0 else f"−{-whole} °C"
