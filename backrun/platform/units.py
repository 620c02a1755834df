"""The runner's display units: distance (km/mi), temperature (°C/°F), wind (km/h, mph, m/s).

Storage and the API stay metric; only what a person reads is converted, here. Signed-in runners
choose in settings; a signed-out visitor gets the usual units of their browser's region
(Accept-Language), so it works without JavaScript too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DISTANCES = ("km", "mi")
TEMPERATURES = ("c", "f")
WINDS = ("kmh", "mph", "ms")
TEMPERATURE_LABELS = {"c": "°C", "f": "°F"}
WIND_LABELS = {"kmh": "km/h", "mph": "mph", "ms": "m/s"}

M_PER_MILE = 1609.344
KMH_PER_MPH = 1.609344
KMH_PER_MS = 3.6

# Regions whose everyday units differ from metric: the US (also Liberia and Myanmar) use miles,
# °F and mph; the UK keeps miles and mph on its roads but °C in its weather forecasts.
_IMPERIAL = {"US", "LR", "MM", "PR", "GU", "VI", "AS", "MP", "UM"}
_MILES_CELSIUS = {"GB", "IM", "JE", "GG"}


@dataclass(frozen=True, slots=True)
class Units:
    distance: str = "km"
    temperature: str = "c"
    wind: str = "kmh"

    @classmethod
    def of(cls, distance: str | None, temperature: str | None, wind: str | None) -> Units:
        """Valid values kept, anything else metric."""
        return cls(
            distance if distance in DISTANCES else "km",
            temperature if temperature in TEMPERATURES else "c",
            wind if wind in WINDS else "kmh",
        )


METRIC = Units()


def for_region(region: str | None) -> Units:
    region = (region or "").upper()
    if region in _IMPERIAL:
        return Units("mi", "f", "mph")
    if region in _MILES_CELSIUS:
        return Units("mi", "c", "mph")
    return METRIC


def for_language_tags(tags: list[str]) -> Units:
    """Units for the first language tag that names a region ("en-US"); metric when none does."""
    for tag in tags:
        parts = re.split(r"[-_]", tag.strip())
        for part in parts[1:]:
            if len(part) == 2 and part.isalpha():
                return for_region(part)
    return METRIC


# --- conversions and formats ---------------------------------------------------------------


def temperature_value(celsius: float, unit: str) -> float:
    return celsius * 9 / 5 + 32 if unit == "f" else celsius


def wind_value(kmh: float, unit: str) -> float:
    if unit == "mph":
        return kmh / KMH_PER_MPH
    if unit == "ms":
        return kmh / KMH_PER_MS
    return kmh


def distance_value(metres: float, unit: str) -> float:
    return metres / (M_PER_MILE if unit == "mi" else 1000.0)


def _number(value: float) -> str:
    text = f"{value:.0f}"
    return "0" if text == "-0" else text.replace("-", "−")  # a real minus sign reads better


def temperature(celsius: float | None, unit: str) -> str:
    if celsius is None:
        return ""
    return f"{_number(temperature_value(celsius, unit))} {TEMPERATURE_LABELS.get(unit, '°C')}"


def wind(kmh: float | None, unit: str, *, label: bool = True) -> str:
    if kmh is None:
        return ""
    number = _number(wind_value(kmh, unit))
    return f"{number} {WIND_LABELS.get(unit, 'km/h')}" if label else number


def distance(metres: float | None, unit: str) -> str:
    """`250 m`, `1.2 km`, `12 km`; `0.2 mi`, `< 0.1 mi`: one decimal below 10, whole numbers above."""
    if metres is None:
        return ""
    if unit != "mi" and metres < 1000:
        return f"{round(metres, -1):.0f} m"
    value = distance_value(metres, unit)
    if unit == "mi" and value < 0.1:
        return "< 0.1 mi"
    text = f"{value:.1f}" if value < 10 else f"{value:.0f}"
    return f"{text} {unit}"


# Values inside sentences written in metric (the safety rules' reasons): "62 km/h", "-4 °C".
_KMH = re.compile(r"(-?\d+(?:\.\d+)?)\s?km/h")
_CELSIUS = re.compile(r"([-−]?\d+(?:\.\d+)?)\s?°C")


def in_text(message: str, units: Units) -> str:
    """A metric sentence with its wind speeds and temperatures in the runner's units."""
    if units.wind != "kmh":
        message = _KMH.sub(lambda m: wind(float(m.group(1)), units.wind), message)
    if units.temperature != "c":
        message = _CELSIUS.sub(
            lambda m: temperature(float(m.group(1).replace("−", "-")), units.temperature), message
        )
    return message
