"""Regenerate tests/fakes/data/overpass-liechtenstein.json from the shipped Liechtenstein extract.

    .venv/bin/python -m tests.fakes.make_overpass_fixture

The fixture holds what Overpass would answer to `out tags bb;` for the venue candidate tags around
Vaduz and Schaan: nodes with lat/lon, ways and relations with their bounding box. It is derived
from OpenStreetMap data (© OpenStreetMap contributors, ODbL 1.0), not a recorded response. Most
`landuse=grass` patches are left out to keep the file small; a few small ones stay, so the size
filter is exercised.
"""

from __future__ import annotations

import json
from pathlib import Path

import osmium
from osmium.filter import TagFilter

from backrun.venues.classify import CANDIDATE_TAGS
from backrun.venues.geometry import ring_area_m2

ROOT = Path(__file__).resolve().parents[2]
EXTRACT = ROOT / "data" / "osm" / "liechtenstein-2022-07-24.osm.pbf"
OUT = Path(__file__).resolve().parent / "data" / "overpass-liechtenstein.json"
SOUTH, WEST, NORTH, EAST = 47.08, 9.45, 47.20, 9.60
GRASS_KEPT = {"small": 8, "large": 25}


def _bounds(points):
    lats, lons = [p[0] for p in points], [p[1] for p in points]
    return {"minlat": round(min(lats), 7), "minlon": round(min(lons), 7),
            "maxlat": round(max(lats), 7), "maxlon": round(max(lons), 7)}


def _inside(bounds) -> bool:
    return not (bounds["maxlat"] < SOUTH or bounds["minlat"] > NORTH or bounds["maxlon"] < WEST or bounds["minlon"] > EAST)


def main() -> None:
    elements, grass = [], {"small": 0, "large": 0}
    processor = osmium.FileProcessor(str(EXTRACT)).with_areas(TagFilter(*CANDIDATE_TAGS)).with_filter(TagFilter(*CANDIDATE_TAGS))
    for obj in processor:
        tags = dict(obj.tags)
        if obj.is_node():
            lat, lon = obj.location.lat, obj.location.lon
            if SOUTH <= lat <= NORTH and WEST <= lon <= EAST:
                elements.append({"type": "node", "id": obj.id, "lat": round(lat, 7), "lon": round(lon, 7), "tags": tags})
        elif obj.is_way():
            points = [(n.lat, n.lon) for n in obj.nodes if n.location.valid()]
            if len(points) < 2 or not _inside(bounds := _bounds(points)):
                continue
            if tags.get("landuse") == "grass":
                size = "small" if ring_area_m2(points) < 2000 else "large"
                if grass[size] >= GRASS_KEPT[size]:
                    continue
                grass[size] += 1
            elements.append({"type": "way", "id": obj.id, "bounds": bounds, "tags": tags})
        elif obj.is_area() and not obj.from_way():
            points = [(n.lat, n.lon) for ring in obj.outer_rings() for n in ring]
            if points and _inside(bounds := _bounds(points)) and tags.get("landuse") != "grass":
                elements.append({"type": "relation", "id": obj.orig_id(), "bounds": bounds, "tags": tags})
    order = {"node": 0, "way": 1, "relation": 2}
    elements.sort(key=lambda e: (order[e["type"]], e["id"]))
    OUT.write_text(json.dumps({"_comment": "Derived from OpenStreetMap data, © OpenStreetMap contributors, ODbL 1.0. "
                                           "Not a recorded response: see tests/fakes/make_overpass_fixture.py.",
                               "elements": elements}, ensure_ascii=False, indent=0) + "\n")
    print(f"{len(elements)} elements -> {OUT}")


if __name__ == "__main__":
    main()
