"""What Overpass would answer to `out geom;` for some `key=value` tags, derived from an OSM extract.

    elements = elements_from_extract(path, [("leisure", "track"), ...])

Read straight from the file with pyosmium (none of the app's own venue code), in the shape the
public Overpass API gives with `out geom`:

* nodes: `{"type": "node", "id", "lat", "lon", "tags"}`;
* ways: `{"type": "way", "id", "bounds", "nodes", "geometry": [{"lat", "lon"}, ...], "tags"}`;
* relations: `{"type": "relation", "id", "bounds", "members": [{"type": "way", "ref", "role",
  "geometry": [...]}, ...], "tags"}` (way members only: node members carry nothing a venue needs).

A node missing from the extract is `null` in a geometry, as Overpass prints nodes it doesn't give;
a member way missing from the extract has no `geometry`. Coordinates have Overpass's 7 decimals.
The data is OpenStreetMap data, © OpenStreetMap contributors, ODbL 1.0 (data/osm/NOTICE.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import osmium
from osmium.filter import TagFilter


def elements_from_extract(path: Path | str, tags: Iterable[tuple[str, str]]) -> list[dict]:
    return list(_cached(str(path), tuple(sorted(set(tags)))))


@lru_cache(maxsize=8)
def _cached(path: str, tags: tuple[tuple[str, str], ...]) -> tuple[dict, ...]:
    wanted = set(tags)
    relations = []
    member_ways: set[int] = set()
    for relation in osmium.FileProcessor(path, osmium.osm.RELATION).with_filter(TagFilter(*tags)):
        members = [(m.ref, m.role) for m in relation.members if m.type == "w"]
        relations.append((relation.id, dict(relation.tags), members))
        member_ways.update(ref for ref, _ in members)
    nodes, ways, geometry = [], [], {}
    processor = (
        osmium.FileProcessor(path, osmium.osm.NODE | osmium.osm.WAY)
        .with_locations()
        .with_filter(TagFilter(*tags).enable_for(osmium.osm.NODE))
    )
    for obj in processor:
        if obj.is_node():
            if obj.location.valid():
                nodes.append(
                    {
                        "type": "node",
                        "id": obj.id,
                        "lat": round(obj.location.lat, 7),
                        "lon": round(obj.location.lon, 7),
                        "tags": dict(obj.tags),
                    }
                )
            continue
        matches = any((k, v) in wanted for k, v in obj.tags)
        if not matches and obj.id not in member_ways:
            continue
        points = [
            {"lat": round(n.location.lat, 7), "lon": round(n.location.lon, 7)} if n.location.valid() else None
            for n in obj.nodes
        ]
        if obj.id in member_ways:
            geometry[obj.id] = points
        if matches and any(points):
            ways.append(
                {
                    "type": "way",
                    "id": obj.id,
                    "bounds": _bounds(points),
                    "nodes": [n.ref for n in obj.nodes],
                    "geometry": points,
                    "tags": dict(obj.tags),
                }
            )
    out_relations = []
    for relation_id, relation_tags, members in relations:
        out_members, points = [], []
        for ref, role in members:
            member = {"type": "way", "ref": ref, "role": role}
            if ref in geometry:
                member["geometry"] = geometry[ref]
                points += geometry[ref]
            out_members.append(member)
        if any(points):
            out_relations.append(
                {
                    "type": "relation",
                    "id": relation_id,
                    "bounds": _bounds(points),
                    "members": out_members,
                    "tags": relation_tags,
                }
            )
    return tuple(nodes + ways + out_relations)


def _bounds(points: list[dict | None]) -> dict:
    present = [p for p in points if p]
    return {
        "minlat": min(p["lat"] for p in present),
        "minlon": min(p["lon"] for p in present),
        "maxlat": max(p["lat"] for p in present),
        "maxlon": max(p["lon"] for p in present),
    }
