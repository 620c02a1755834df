"""Air quality and pollen for the run window: pure rules over the Air Quality API's hours.

Bands (docs/safety-rules.md, values in thresholds.py): the US AQI and the European AQI are both
read and the stricter answer counts. For everyone: US "unhealthy for sensitive groups" or EAQI
"poor" is a caution, US "unhealthy" or EAQI "very poor" and worse is indoors. For a runner with a
respiratory sensitivity "unhealthy for sensitive groups" / "poor" is already indoors. Pollen only counts for a runner who marked a pollen
allergy: "high" is a caution, "very high" indoors.

No data is not clean air, but it is not a weather hazard either: the weather verdict stands and
the answer says air quality is unknown (see `reading_for`, which returns None then).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from backrun.safety import thresholds as th
from backrun.safety.profile import Profile
from backrun.safety.rules import CAUTION, INDOORS, Reason, reason_code
from backrun.weather.model import POLLEN, AirHour, AirQuality

AIR_QUALITY = reason_code("air_quality", hazard="air")
POLLEN_ALLERGY = reason_code("pollen", hazard="air")

SAMPLE_SPAN = timedelta(hours=1)  # an hourly instant value stands for the hour that follows it
POLLEN_GROUP = {
    "alder_pollen": "tree",
    "birch_pollen": "tree",
    "olive_pollen": "tree",
    "grass_pollen": "grass",
    "mugwort_pollen": "weed",
    "ragweed_pollen": "weed",
}
POLLEN_LEVELS = {  # group -> (high, very high)
    "tree": (th.POLLEN_TREE_HIGH, th.POLLEN_TREE_VERY_HIGH),
    "grass": (th.POLLEN_GRASS_HIGH, th.POLLEN_GRASS_VERY_HIGH),
    "weed": (th.POLLEN_WEED_HIGH, th.POLLEN_WEED_VERY_HIGH),
}


@dataclass(frozen=True, slots=True)
class AirReading:
    """The worst values over the run window (None: the model has no value)."""

    us_aqi: float | None
    european_aqi: float | None
    pm2_5: float | None
    pm10: float | None
    ozone: float | None
    pollen: dict[str, float]  # only the kinds the model has here (Europe)
    at: datetime  # the first sample in the window
    complete: bool = True  # False: some of the run has no AQI (what is known still counts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "us_aqi": self.us_aqi,
            "european_aqi": self.european_aqi,
            "pm2_5": self.pm2_5,
            "pm10": self.pm10,
            "ozone": self.ozone,
            "pollen": dict(self.pollen),
            "complete": self.complete,
        }


def reading_for(air: AirQuality | None, start: datetime, end: datetime) -> AirReading | None:
    """The worst hour over [start, end); None when no hour of the run has an AQI.

    When only part of the run is covered, what is known still counts (bad air in the first hour
    is bad air), and `complete` says the rest is unknown.
    """
    if air is None:
        return None
    samples = [h for h in air.hours if h.time < end and h.time + SAMPLE_SPAN > start]
    with_index = sorted(
        (h for h in samples if h.us_aqi is not None or h.european_aqi is not None), key=lambda h: h.time
    )
    if not with_index:
        return None
    covered_to = start
    for hour in with_index:
        if hour.time > covered_to:
            break
        covered_to = max(covered_to, hour.time + SAMPLE_SPAN)
    pollen = {name: v for name in POLLEN if (v := _worst(samples, name)) is not None}
    return AirReading(
        _worst(samples, "us_aqi"),
        _worst(samples, "european_aqi"),
        _worst(samples, "pm2_5"),
        _worst(samples, "pm10"),
        _worst(samples, "ozone"),
        pollen,
        with_index[0].time,
        complete=covered_to >= end,
    )


def _worst(samples: Sequence[AirHour], name: str) -> float | None:
    values = [v for h in samples if (v := getattr(h, name)) is not None]
    return max(values) if values else None


def _band(reading: AirReading) -> int:
    """0 good/fair, 1 moderate, 2 sensitive groups / poor, 3 unhealthy / very poor and worse."""
    us, eu = reading.us_aqi, reading.european_aqi
    us_band = (
        0
        if us is None
        else (
            3
            if us >= th.US_AQI_UNHEALTHY
            else 2
            if us >= th.US_AQI_SENSITIVE
            else 1
            if us >= th.US_AQI_MODERATE
            else 0
        )
    )
    eu_band = (
        0
        if eu is None
        else (
            3
            if eu >= th.EU_AQI_VERY_POOR
            else 2
            if eu >= th.EU_AQI_POOR
            else 1
            if eu >= th.EU_AQI_MODERATE
            else 0
        )
    )
    return max(us_band, eu_band)


BAND_NAMES = {1: "moderate", 2: "unhealthy for sensitive groups", 3: "unhealthy"}


def air_quality(reading: AirReading | None, profile: Profile) -> list[Reason]:
    if reading is None:
        return []
    band = _band(reading)
    sensitive = profile.has("respiratory")
    evidence = reading.to_dict() | {"at": reading.at.isoformat(), "band": BAND_NAMES.get(band, "good")}
    if band >= 3:
        return [
            Reason(
                AIR_QUALITY,
                INDOORS,
                "The air is unhealthy for everyone during your run. Hard breathing pulls it deep into your "
                "lungs: run indoors today.",
                evidence,
            )
        ]
    if band == 2 and sensitive:
        return [
            Reason(
                AIR_QUALITY,
                INDOORS,
                "The air is unhealthy for sensitive groups, and you marked a respiratory sensitivity: run "
                "indoors today. Stricter for you because of that sensitivity.",
                evidence | {"stricter_for": "respiratory"},
            )
        ]
    if band == 2:
        return [
            Reason(
                AIR_QUALITY,
                CAUTION,
                "The air is unhealthy for sensitive groups. Keep the run short and easy, and stop if you "
                "cough or feel short of breath.",
                evidence,
            )
        ]
    # Moderate (band 1) fires nothing, even for a respiratory sensitivity: EPA addresses only the
    # "unusually sensitive" there, and sensitive groups (asthma included) from USG on.
    return []


def pollen(reading: AirReading | None, profile: Profile) -> list[Reason]:
    if reading is None or not profile.has("pollen"):
        return []
    worst: tuple[int, str, float] | None = None
    for name, value in reading.pollen.items():
        high, very_high = POLLEN_LEVELS[POLLEN_GROUP[name]]
        level = 2 if value >= very_high else 1 if value >= high else 0
        if level and (worst is None or level > worst[0]):
            worst = (level, name, value)
    if worst is None:
        return []
    level, name, value = worst
    kind = name.removesuffix("_pollen")
    evidence = {
        "at": reading.at.isoformat(),
        "pollen": name,
        "grains_per_m3": value,
        "level": "very high" if level == 2 else "high",
        "stricter_for": "pollen",
    }
    if level == 2:
        return [
            Reason(
                POLLEN_ALLERGY,
                INDOORS,
                f"Very high {kind} pollen during your run, and you marked a pollen allergy: run indoors "
                "today.",
                evidence,
            )
        ]
    return [
        Reason(
            POLLEN_ALLERGY,
            CAUTION,
            f"High {kind} pollen during your run, and you marked a pollen allergy. Take your medication, "
            "wear sunglasses and shower after the run.",
            evidence,
        )
    ]
