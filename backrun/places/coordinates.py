"""Coordinate validation shared by every entry point (pages, API, CLI)."""

from __future__ import annotations

import math


class InvalidCoordinates(ValueError):
    pass


def parse_coordinate(raw: object, name: str, limit: float) -> float:
    """A finite number within ±limit, or InvalidCoordinates with a message for people."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise InvalidCoordinates(f"{name} is required.")
    try:
        value = float(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InvalidCoordinates(f"{name} must be a number, got {str(raw)[:40]!r}.") from None
    if not math.isfinite(value):
        raise InvalidCoordinates(f"{name} must be a finite number.")
    if not -limit <= value <= limit:
        raise InvalidCoordinates(f"{name} must be between -{limit:g} and {limit:g}.")
    return value


def parse_lat_lon(lat: object, lon: object) -> tuple[float, float]:
    return parse_coordinate(lat, "Latitude", 90), parse_coordinate(lon, "Longitude", 180)
