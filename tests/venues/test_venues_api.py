"""GET /api/v1/venues: the JSON shape, validation, modes, and its place in the OpenAPI document."""

from __future__ import annotations

import pytest

from tests.support.venues import TARTAN_OVAL, TARTAN_OVAL_AT, VADUZ

VENUE_KEYS = {
    "osm",
    "kind",
    "name",
    "title",
    "source",
    "lat",
    "lon",
    "distance_km",
    "score",
    "quality",
    "surface",
    "lit",
    "access",
    "indoor",
    "area_m2",
    "clipped",
    "slope_pct",
    "reasons",
}


def get(client, **params):
    return client.get("/api/v1/venues", query_string=params)


def test_answer_has_exactly_the_documented_shape(venues_client):
    response = get(venues_client, lat=TARTAN_OVAL_AT[0], lon=TARTAN_OVAL_AT[1], radius_km=3, indoor=0)
    assert response.status_code == 200 and response.is_json
    body = response.get_json()
    assert set(body) == {"venues", "source", "attribution"}
    assert body["source"] == "extract"
    assert body["attribution"] == {
        "text": "© OpenStreetMap contributors",
        "url": "https://www.openstreetmap.org/copyright",
    }
    first = body["venues"][0]
    assert set(first) == VENUE_KEYS
    assert first["osm"] == TARTAN_OVAL and first["kind"] == "track"
    assert (first["surface"], first["lit"], first["access"], first["indoor"]) == (
        "tartan",
        "yes",
        None,
        False,
    )
    assert first["distance_km"] < 0.1
    assert {"code", "points", "message", "unknown"} == set(first["reasons"][0])
    assert {"code": "access_unknown", "points": 0, "message": "access unknown", "unknown": True} in first[
        "reasons"
    ]
    assert response.headers["Cache-Control"] == "private, max-age=60"


def test_defaults_and_order(venues_client):
    body = get(venues_client, lat=VADUZ[0], lon=VADUZ[1]).get_json()
    assert len(body["venues"]) == 20
    assert all(v["distance_km"] <= 5 for v in body["venues"])
    scores = [v["score"] for v in body["venues"]]
    assert scores == sorted(scores, reverse=True)


def test_indoor_switch(venues_client):
    indoor = get(venues_client, lat=VADUZ[0], lon=VADUZ[1], radius_km=10, indoor=1, limit=100).get_json()
    assert indoor["venues"] and all(v["indoor"] for v in indoor["venues"])
    assert "gym" in {v["kind"] for v in indoor["venues"]}
    outdoor = get(venues_client, lat=VADUZ[0], lon=VADUZ[1], indoor="0", limit=100).get_json()
    assert outdoor["venues"] and not any(v["indoor"] for v in outdoor["venues"])
    both = get(venues_client, lat=VADUZ[0], lon=VADUZ[1], limit=100).get_json()
    assert {v["indoor"] for v in both["venues"]} == {True, False}


def test_radius_is_capped_at_50_km(venues_client):
    body = get(venues_client, lat=VADUZ[0], lon=VADUZ[1], radius_km=5000, limit=100).get_json()
    assert body["venues"] and max(v["distance_km"] for v in body["venues"]) <= 50


def test_a_place_without_data_is_an_empty_list_not_an_error(venues_client):
    body = get(venues_client, lat=-33.9, lon=18.4).get_json()
    assert body == {"venues": [], "source": "none", "attribution": body["attribution"]}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"lon": 9.5}, "lat"),
        ({"lat": 47.1}, "lon"),
        ({"lat": 91, "lon": 9.5}, "lat"),
        ({"lat": 47.1, "lon": -180.5}, "lon"),
        ({"lat": "abc", "lon": 9.5}, "lat"),
        ({"lat": "nan", "lon": 9.5}, "lat"),
        ({"lat": 47.1, "lon": "inf"}, "lon"),
        ({"lat": 47.1, "lon": 9.5, "radius_km": 0}, "radius_km"),
        ({"lat": 47.1, "lon": 9.5, "radius_km": -3}, "radius_km"),
        ({"lat": 47.1, "lon": 9.5, "radius_km": "nan"}, "radius_km"),
        ({"lat": 47.1, "lon": 9.5, "radius_km": "five"}, "radius_km"),
        ({"lat": 47.1, "lon": 9.5, "limit": 0}, "limit"),
        ({"lat": 47.1, "lon": 9.5, "limit": 101}, "limit"),
        ({"lat": 47.1, "lon": 9.5, "limit": 2.5}, "limit"),
        ({"lat": 47.1, "lon": 9.5, "indoor": 2}, "indoor"),
        ({"lat": 47.1, "lon": 9.5, "indoor": "maybe"}, "indoor"),
        ({"lat": 47.1, "lon": 9.5, "sort": "name"}, "sort"),
    ],
)
def test_bad_input_is_a_400_with_a_json_error(venues_client, params, field):
    response = get(venues_client, **params)
    assert response.status_code == 400 and response.is_json
    body = response.get_json()
    assert body["error"] == "invalid_parameters" and field in body["detail"] and field in body["fields"]


def test_only_get(venues_client):
    assert venues_client.post("/api/v1/venues?lat=47&lon=9").status_code == 405


def test_part_of_the_openapi_document(venues_client):
    spec = venues_client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/venues"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"lat", "lon", "radius_km", "limit", "indoor"}
    assert {"200", "400"} <= set(operation["responses"])
    schema_ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    schema = spec["components"]["schemas"][schema_ref.rsplit("/", 1)[1]]
    assert set(schema["properties"]) == {"venues", "source", "attribution"}
    venue_ref = schema["properties"]["venues"]["items"]["$ref"]
    assert set(spec["components"]["schemas"][venue_ref.rsplit("/", 1)[1]]["properties"]) == VENUE_KEYS
