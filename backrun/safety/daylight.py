"""Sun elevation and darkness with astral.

We use `astral.sun.elevation` rather than `sun()`/`dusk()`: those raise ValueError when there is
no dawn or dusk (polar day and night), while the elevation is defined everywhere. Darker than
civil twilight means the sun is more than 6° below the horizon.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from astral import Observer
from astral.sun import elevation

from backrun.safety import thresholds as th

SAMPLE_EVERY = timedelta(minutes=15)  # the sun sinks ~2° per 15 min at mid-latitudes at dusk


def is_dark(sun_elevation_deg: float) -> bool:
    return sun_elevation_deg < th.CIVIL_TWILIGHT_DEG


class SunTracker:
    """Sun elevation at one place, memoised so overlapping windows share astral calls.

    Windows are sampled at their start, at every quarter-hour boundary inside and at their end,
    so the candidate windows searched by `advise` reuse the same sample times.
    """

    def __init__(self, latitude: float, longitude: float) -> None:
        # Observer clamps latitude to ±90 and longitude to ±180, so poles are safe.
        self._observer = Observer(latitude, longitude)
        self._cache: dict[datetime, float] = {}

    def elevation_deg(self, when: datetime) -> float:
        cached = self._cache.get(when)
        if cached is None:
            cached = self._cache[when] = elevation(self._observer, when)
        return cached

    def lowest(self, start: datetime, end: datetime) -> tuple[datetime, float]:
        """The lowest sampled sun elevation in [start, end] and when it happens."""
        return min(((t, self.elevation_deg(t)) for t in sample_times(start, end)), key=lambda pair: pair[1])

    @property
    def calls(self) -> int:
        return len(self._cache)


def sample_times(start: datetime, end: datetime) -> list[datetime]:
    """start, each quarter-hour boundary strictly between, and end."""
    times = [start]
    step_s = SAMPLE_EVERY.total_seconds()
    offset_s = start.timestamp() % step_s
    boundary = start + timedelta(seconds=(step_s - offset_s) if offset_s else step_s)
    while boundary < end:
        times.append(boundary)
        boundary += SAMPLE_EVERY
    if end > start:
        times.append(end)
    return times
