"""Links to openstreetmap.org for a venue: the object, directions to it, and the editor."""

from __future__ import annotations

from urllib.parse import quote

OSM = "https://www.openstreetmap.org"


def osm_url(osm_type: str, osm_id: int) -> str:
    return f"{OSM}/{osm_type}/{osm_id}"


def edit_url(osm_type: str, osm_id: int) -> str:
    return f"{OSM}/edit?{osm_type}={osm_id}"


def directions_url(
    lat: float, lon: float, from_lat: float | None = None, from_lon: float | None = None
) -> str:
    """Walking directions on openstreetmap.org, from the runner when we know where they are."""
    to = f"{lat:.5f},{lon:.5f}"
    if from_lat is None or from_lon is None:
        return f"{OSM}/directions?to={quote(to)}"
    route = quote(f"{from_lat:.5f},{from_lon:.5f};{to}")
    return f"{OSM}/directions?engine=fossgis_osrm_foot&route={route}"
