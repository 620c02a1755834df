"""Live lookup through Overpass, against a fake Overpass API on 127.0.0.1 in the real JSON format."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta

import pytest
import requests
from sqlalchemy import func, select, update

from backrun.extensions import cache, db
from backrun.venues import live
from backrun.venues.models import Venue, VenueTile
from backrun.venues.overpass import (
    BACKOFF_KEY,
    BackoffStore,
    OverpassClient,
    OverpassError,
    build_query,
    parse_response,
)
from tests.support.apps import make_app
from tests.support.fakes.overpass import HEADER, TIMEOUT_REMARK
from tests.support.venues import VADUZ

SCHAAN = (47.1655, 9.5090)


@pytest.fixture
def live_app(tmp_path, open_meteo, met_no, nominatim, overpass):
    return make_app(
        tmp_path,
        open_meteo,
        met_no,
        nominatim,
        BACKRUN_OVERPASS_URL=overpass.endpoint,
        BACKRUN_OVERPASS_READ_TIMEOUT=1.0,
    )


def venues(client, place=VADUZ, **params):
    response = client.get("/api/v1/venues", query_string={"lat": place[0], "lon": place[1], **params})
    assert response.status_code == 200
    return response.get_json()


def backoff_left(app) -> float:
    with app.app_context():
        return BackoffStore(cache).remaining_s()


def test_lookup_stores_venues_per_tile_and_reuses_them(live_app, overpass):
    client = live_app.test_client()
    body = venues(client)
    assert body["source"] == "overpass" and overpass.count() == 1
    refs = [v["osm"] for v in body["venues"]]
    assert "way/493738896" in refs[:3]
    oval = body["venues"][refs.index("way/493738896")]
    assert oval["kind"] == "track" and oval["lit"] == "yes"
    query = overpass.queries[0]
    assert (
        query.startswith("[out:json][timeout:10]")
        and 'nwr["leisure"="track"]' in query
        and "out geom" in query
    )
    assert overpass.requests[0].method == "POST"
    assert overpass.requests[0].headers["User-Agent"].startswith("Backrun/")
    with live_app.app_context():
        tiles = db.session.scalars(select(VenueTile)).all()
        assert {t.key for t in tiles} == {"0.1:470:94", "0.1:470:95", "0.1:471:94", "0.1:471:95"}
        sources = set(db.session.execute(select(Venue.source)).scalars())
        assert sources <= {t.source for t in (live.Tile(*map(int, t.key.split(":")[1:])) for t in tiles)}
        assert (
            db.session.execute(
                select(func.count())
                .select_from(Venue)
                .where(Venue.osm_id.in_([677760842, 677760843, 677760844]))
            ).scalar_one()
            == 0
        )  # long-jump runways
    again = venues(client, place=(VADUZ[0] + 0.01, VADUZ[1]))
    assert again["source"] == "overpass" and overpass.count() == 1  # same tiles: served from the table


def test_stale_tiles_are_fetched_again(live_app, overpass):
    client = live_app.test_client()
    venues(client)
    with live_app.app_context():
        db.session.execute(
            update(VenueTile).values(fetched_at=datetime.utcnow() - live.TILE_FRESH - timedelta(hours=1))
        )
        db.session.commit()
    assert venues(client)["source"] == "overpass"
    assert overpass.count() == 2


def test_429_backs_off_at_least_30_seconds_for_the_whole_app(
    live_app, overpass, tmp_path, open_meteo, met_no, nominatim
):
    overpass.fail_with(429)
    client = live_app.test_client()
    body = venues(client)
    assert body == {"venues": [], "source": "unavailable", "attribution": body["attribution"]}
    assert 29 <= backoff_left(live_app) <= 31
    assert venues(client, place=SCHAAN)["source"] == "unavailable"
    # Another worker (same instance directory: same cache and locks) doesn't ask either.
    other = make_app(tmp_path, open_meteo, met_no, nominatim, BACKRUN_OVERPASS_URL=overpass.endpoint)
    assert venues(other.test_client())["source"] == "unavailable"
    assert overpass.count() == 1
    overpass.fail_with(None)
    with live_app.app_context():
        cache.set(BACKOFF_KEY, time.time() - 1)  # 30 s later
    assert venues(client)["source"] == "overpass" and overpass.count() == 2


def test_a_longer_retry_after_is_honoured(live_app, overpass):
    overpass.fail_with(429, retry_after="120")
    venues(live_app.test_client())
    assert 118 <= backoff_left(live_app) <= 121


@pytest.mark.parametrize("failure", [504, 503, 500, "garbage", "remark"])
def test_failures_leave_nothing_behind_and_back_off(live_app, overpass, failure):
    overpass.fail_with(failure)
    body = venues(live_app.test_client())
    assert body["venues"] == [] and body["source"] == "unavailable"
    assert backoff_left(live_app) >= 55
    with live_app.app_context():
        assert db.session.execute(select(func.count()).select_from(VenueTile)).scalar_one() == 0


def test_a_timeout_remark_is_a_failure_and_stale_venues_are_kept(live_app, overpass):
    client = live_app.test_client()
    first = venues(client)
    with live_app.app_context():
        old = datetime.utcnow() - live.TILE_FRESH - timedelta(days=1)
        db.session.execute(update(VenueTile).values(fetched_at=old))
        db.session.commit()
    overpass.fail_with("remark")
    body = venues(client)
    assert overpass.count() == 2
    assert body["source"] == "overpass" and [v["osm"] for v in body["venues"]] == [
        v["osm"] for v in first["venues"]
    ]
    with live_app.app_context():
        assert set(db.session.execute(select(VenueTile.fetched_at)).scalars()) == {old}  # not marked fresh


def test_a_slow_overpass_is_given_up_on(live_app, overpass):
    overpass.fail_with("timeout", delay_s=3)
    started = time.monotonic()
    body = venues(live_app.test_client())
    assert body["source"] == "unavailable" and time.monotonic() - started < 2.5


def test_one_request_at_a_time_across_threads_and_workers(tmp_path, open_meteo, met_no, nominatim, overpass):
    apps = [
        make_app(tmp_path, open_meteo, met_no, nominatim, BACKRUN_OVERPASS_URL=overpass.endpoint)
        for _ in range(2)
    ]
    overpass.set_delay(0.4)
    places = [VADUZ, (46.95, 7.44), (48.2, 16.37), (41.9, 12.5)]
    results: list[str] = []

    def ask(app, place):
        results.append(venues(app.test_client(), place=place)["source"])

    threads = [threading.Thread(target=ask, args=(apps[i % 2], place)) for i, place in enumerate(places)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert overpass.count() == 4 and overpass.max_in_flight == 1
    assert results.count("overpass") == 4


OVAL_GEOMETRY = [
    {"lat": 47.1096, "lon": 9.5189},
    {"lat": 47.1096, "lon": 9.5202},
    {"lat": 47.111, "lon": 9.5202},
    {"lat": 47.111, "lon": 9.5189},
    {"lat": 47.1096, "lon": 9.5189},
]


def test_live_data_never_takes_over_imported_venues(venues_app):
    element = parse_response(
        {
            **HEADER,
            "elements": [
                {
                    "type": "way",
                    "id": 493738896,
                    "bounds": {"minlat": 47.1096, "minlon": 9.5189, "maxlat": 47.111, "maxlon": 9.5202},
                    "nodes": [1, 2, 3, 4, 1],
                    "geometry": OVAL_GEOMETRY,
                    "tags": {"leisure": "track", "sport": "running", "area": "no"},
                }
            ],
        }
    )
    with venues_app.app_context():
        live.store_tiles(db.session, [live.Tile.at(47.1103, 9.5196)], element, datetime.utcnow())
        oval = db.session.execute(select(Venue).where(Venue.osm_id == 493738896)).scalar_one()
        assert oval.source == "extract:liechtenstein" and oval.surface == "tartan"


def _square(south, west, size_deg):
    corners = [
        (south, west),
        (south, west + size_deg),
        (south + size_deg, west + size_deg),
        (south + size_deg, west),
    ]
    return [{"lat": a, "lon": b} for a, b in corners + corners[:1]]


def test_parsing_the_real_format():
    """`out geom` elements (shapes as in Overpass's answers): ways with `nodes` and `geometry`,
    multipolygons with their member ways' geometry, in pieces that join up."""
    outer = _square(47.0, 9.0, 0.01)
    payload = {
        **HEADER,
        "elements": [
            {
                "type": "node",
                "id": 9837941664,
                "lat": 47.1389,
                "lon": 9.5222,
                "tags": {"leisure": "fitness_centre", "name": "fitcoaching.li"},
            },
            {
                "type": "way",
                "id": 1,
                "bounds": {"minlat": 47.1, "minlon": 9.5, "maxlat": 47.101, "maxlon": 9.501},
                "nodes": [11, 12, 13, 14, 11],
                "geometry": _square(47.1, 9.5, 0.001),
                "tags": {"leisure": "park"},
            },
            {
                "type": "relation",
                "id": 2,
                "bounds": {"minlat": 47.0, "minlon": 9.0, "maxlat": 47.01, "maxlon": 9.01},
                "members": [
                    {"type": "way", "ref": 21, "role": "outer", "geometry": outer[:3]},
                    {"type": "way", "ref": 22, "role": "outer", "geometry": outer[2:]},
                    {"type": "node", "ref": 23, "role": "label", "lat": 47.005, "lon": 9.005},
                ],
                "tags": {"type": "multipolygon", "leisure": "park"},
            },
            {
                "type": "way",
                "id": 3,
                "center": {"lat": 47.1, "lon": 9.5},
                "tags": {"leisure": "park"},
            },  # no geometry
            {"type": "node", "id": 5, "lat": 1.0, "lon": 2.0},  # untagged
            {"type": "area", "id": 6, "tags": {}},
        ],
    }
    elements = parse_response(payload)
    assert [(e.osm_type, e.osm_id) for e in elements] == [("node", 9837941664), ("way", 1), ("relation", 2)]
    assert elements[0].lat == 47.1389 and elements[1].closed and len(elements[1].points) == 5
    assert [role for role, _ in elements[2].members] == ["outer", "outer"]
    park = live.venue_record(elements[2])
    assert park.kind == "park" and park.lat == pytest.approx(47.005) and 800_000 < park.area_m2 < 900_000
    assert not park.clipped
    small = live.venue_record(elements[1])
    assert small.kind == "park" and 8_000 < small.area_m2 < 9_000


def test_a_closed_way_without_node_ids_is_still_an_area():
    [element] = parse_response(
        {
            **HEADER,
            "elements": [
                {"type": "way", "id": 1, "geometry": _square(47.1, 9.5, 0.001), "tags": {"leisure": "park"}}
            ],
        }
    )
    assert element.closed and live.venue_record(element).area_m2 > 8_000


def test_a_multipolygon_with_a_missing_member_keeps_its_available_part():
    outer = _square(47.0, 9.0, 0.01)
    [element] = parse_response(
        {
            **HEADER,
            "elements": [
                {
                    "type": "relation",
                    "id": 2,
                    "bounds": {"minlat": 47.0, "minlon": 9.0, "maxlat": 47.01, "maxlon": 9.01},
                    "members": [
                        {"type": "way", "ref": 21, "role": "outer", "geometry": outer[:4]},
                        {"type": "way", "ref": 22, "role": "outer"},
                    ],  # not in the data
                    "tags": {"type": "multipolygon", "leisure": "park"},
                }
            ],
        }
    )
    park = live.venue_record(element)
    assert (
        park.clipped and park.kind == "park" and 800_000 < park.area_m2 < 900_000
    )  # the closing edge was the gap


@pytest.mark.parametrize(
    "payload",
    [
        {**HEADER, "elements": [], "remark": TIMEOUT_REMARK},
        {**HEADER, "elements": [], "remark": "runtime error: Query ran out of memory"},
        {"version": 0.6},
        [],
        "elements",
    ],
)
def test_remarks_and_wrong_shapes_are_errors_not_empty_results(payload):
    with pytest.raises(OverpassError):
        parse_response(payload)


def test_a_harmless_remark_is_not_an_error():
    assert (
        parse_response(
            {**HEADER, "elements": [], "remark": "runtime remark: Timeout is 180 and maxsize is 1048576."}
        )
        == []
    )


def test_the_query_asks_for_every_candidate_tag_in_the_box():
    query = build_query((47.0, 9.4, 47.2, 9.6), [("leisure", "track"), ("natural", "beach")], timeout_s=12)
    assert query.splitlines()[0] == "[out:json][timeout:12][maxsize:67108864];"
    assert '  nwr["leisure"="track"](47.000000,9.400000,47.200000,9.600000);' in query
    assert '  nwr["natural"="beach"](47.000000,9.400000,47.200000,9.600000);' in query


def test_a_stock_user_agent_is_refused_by_the_fake_as_by_the_real_service(overpass):
    class NoLock:
        def lock(self, name, timeout_s):
            from contextlib import nullcontext

            return nullcontext(True)

    clock = [1000.0]
    client = OverpassClient(
        overpass.endpoint,
        requests.Session(),
        NoLock(),
        BackoffStore(_DictCache(), clock=lambda: clock[0]),
        connect_timeout_s=1,
    )
    with pytest.raises(OverpassError) as failure:
        client.fetch((47.0, 9.4, 47.2, 9.6), [("leisure", "track")])
    assert failure.value.kind == "refused"


def test_disabled_means_no_request(overpass):
    client = OverpassClient("", requests.Session(), None, BackoffStore(_DictCache()), connect_timeout_s=1)
    with pytest.raises(OverpassError) as failure:
        client.fetch((47.0, 9.4, 47.2, 9.6), [("leisure", "track")])
    assert failure.value.kind == "disabled" and overpass.count() == 0


class _DictCache(dict):
    def set(self, key, value, timeout=None):
        self[key] = value


def test_the_advice_page_never_waits_for_overpass(live_app, overpass):
    client = live_app.test_client()
    lat, lon = VADUZ
    page = client.get("/advice", query_string={"lat": lat, "lon": lon}, headers={"HX-Request": "true"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert overpass.count() == 0  # the advice answered without a live lookup
    assert "Looking up venues near you" in html and 'hx-trigger="load"' in html
    list_url = html.split('hx-get="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert list_url.startswith("/venues/nearby?")

    fragment = client.get(list_url, headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and overpass.count() == 1
    assert "<html" not in fragment.get_data(as_text=True)
    assert 'class="venue-list"' in fragment.get_data(as_text=True)
    assert "HX-Request" in fragment.headers["Vary"]
    # Without JavaScript the same URL is a page of its own.
    assert "<html" in client.get(list_url).get_data(as_text=True)
    # Once looked up, the advice lists the venues straight away.
    again = client.get("/advice", query_string={"lat": lat, "lon": lon}, headers={"HX-Request": "true"})
    assert 'class="venue-list"' in again.get_data(as_text=True) and overpass.count() == 1


@pytest.mark.parametrize("query", [{"lat": "91", "lon": "9"}, {"lat": "47", "lon": "9", "mode": "dusk"}, {}])
def test_the_venue_list_rejects_bad_input(live_app, overpass, query):
    response = live_app.test_client().get("/venues/nearby", query_string=query)
    assert response.status_code == 400
    assert overpass.count() == 0
