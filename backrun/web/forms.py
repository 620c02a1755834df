"""Parsing the advice form (query string): location by coordinates or by place name."""

from __future__ import annotations

from dataclasses import dataclass

from backrun.advice import limits
from backrun.places.coordinates import InvalidCoordinates, parse_lat_lon

RUN_MINUTES = limits.CHOICES
DEFAULT_MINUTES = limits.DEFAULT_MINUTES


@dataclass
class AdviceForm:
    lat: str = ""
    lon: str = ""
    place: str = ""
    minutes: int = DEFAULT_MINUTES
    error: str = ""

    @classmethod
    def from_args(cls, args) -> AdviceForm:
        form = cls(
            lat=args.get("lat", "").strip(),
            lon=args.get("lon", "").strip(),
            place=args.get("place", "").strip(),
        )
        raw_minutes = args.get("minutes", "").strip()
        if raw_minutes:
            try:
                form.minutes = int(raw_minutes)
            except ValueError:
                form.error = "Run length must be a whole number of minutes."
            else:
                if form.minutes not in RUN_MINUTES:
                    form.error = "Choose a run length from the list."
        return form

    @property
    def has_location(self) -> bool:
        return bool(self.place or self.lat or self.lon)

    def coordinates(self) -> tuple[float, float]:
        """Coordinates when given (they win over a place name), else InvalidCoordinates."""
        return parse_lat_lon(self.lat, self.lon)

    @property
    def uses_coordinates(self) -> bool:
        return bool(self.lat or self.lon)


__all__ = ["AdviceForm", "InvalidCoordinates", "RUN_MINUTES"]
