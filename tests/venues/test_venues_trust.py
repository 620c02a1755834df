"""Venues you can trust (issue 15), on the real extracts in data/osm:

* an extract import and a live lookup (a loopback Overpass answering `out geom` with data derived
  from the same extract) give the same venues and the same scores;
* strips of grass are not "open grass"; indoor places mapped as nodes are offered indoors;
* areas cut at an extract's edge are kept with their available part, marked clipped;
* slopes from a (fake) elevation service mark a hillside park down; imports work without it.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from backrun.extensions import db
from backrun.venues import query
from backrun.venues.models import Elevation, Venue
from backrun.venues.osm_import import import_extract
from tests.support.apps import make_app
from tests.support.fakes.elevation import ElevationFake
from tests.support.venues import (
    ANDORRA,
    ANDORRA_LA_VELLA_STADIUM,
    LIECHTENSTEIN,
    TARTAN_OVAL,
    TARTAN_OVAL_AT,
    VADUZ,
    cut_extract,
)

SCHAAN = (47.1655, 9.5090)
TRIESEN = (47.1070, 9.5280)
FITCOACHING = "node/9837941664"  # a gym mapped only as a node, Vaduz
STRIPS = ("way/675541991", "way/246476659")  # landuse=grass, about 6.5 m x 300 m and 7.5 m x 1.1 km


@pytest.fixture
def live_app(tmp_path, open_meteo, met_no, nominatim, overpass):
    where = tmp_path / "live"  # its own database, beside the imported one of venues_app
    where.mkdir()
    return make_app(
        where,
        open_meteo,
        met_no,
        nominatim,
        BACKRUN_OVERPASS_URL=overpass.endpoint,
        BACKRUN_OVERPASS_READ_TIMEOUT=5.0,
    )


@pytest.fixture(scope="session")
def elevation_server():
    with ElevationFake() as fake:
        yield fake


@pytest.fixture
def elevation(elevation_server):
    elevation_server.restore()
    elevation_server.reset()
    return elevation_server


def api(client, place, **params):
    response = client.get("/api/v1/venues", query_string={"lat": place[0], "lon": place[1], **params})
    assert response.status_code == 200
    return response.get_json()


def scored(body) -> dict[str, float]:
    return {v["osm"]: v["score"] for v in body["venues"]}


@pytest.mark.parametrize(
    "place",
    [VADUZ, TARTAN_OVAL_AT, SCHAAN, ANDORRA_LA_VELLA_STADIUM],
    ids=["vaduz", "oval", "schaan", "andorra-la-vella"],
)
@pytest.mark.parametrize("indoor", [None, 1], ids=["all", "indoor"])
def test_live_lookup_and_import_agree_on_ids_and_scores(venues_client, live_app, overpass, place, indoor):
    params = {"radius_km": 2.5, "limit": 100, **({"indoor": indoor} if indoor else {})}
    imported = api(venues_client, place, **params)
    live = api(live_app.test_client(), place, **params)
    assert imported["source"] == "extract" and live["source"] == "overpass"
    assert {v["source"] for v in imported["venues"]} == {"extract"}
    assert {v["source"] for v in live["venues"]} == {"overpass"}
    assert imported["venues"], "nothing to compare"
    assert scored(live) == scored(imported)
    assert [v["osm"] for v in live["venues"]] == [v["osm"] for v in imported["venues"]]  # same order
    by_ref = {v["osm"]: v for v in live["venues"]}
    for venue in imported["venues"]:
        twin = by_ref[venue["osm"]]
        assert (twin["kind"], twin["area_m2"], twin["clipped"]) == (
            venue["kind"],
            venue["area_m2"],
            venue["clipped"],
        )
        assert twin["reasons"] == venue["reasons"]


def test_unnamed_venues_are_named_after_where_they_are_in_both_paths(venues_client, live_app, overpass):
    imported = {v["osm"]: v for v in api(venues_client, TARTAN_OVAL_AT, radius_km=1, limit=100)["venues"]}
    live = {
        v["osm"]: v for v in api(live_app.test_client(), TARTAN_OVAL_AT, radius_km=1, limit=100)["venues"]
    }
    oval = imported[TARTAN_OVAL]
    assert oval["name"] is None and oval["title"] == "Running track, Freizeitpark Blumenau"
    assert live[TARTAN_OVAL]["title"] == oval["title"]
    named = [v for v in imported.values() if v["name"] is None and not v["title"].startswith("Unnamed")]
    assert len(named) >= len([v for v in imported.values() if v["name"] is None]) // 2
    assert all(live[v["osm"]]["title"] == v["title"] for v in named)


def test_a_far_track_never_outranks_an_equal_near_one(venues_client):
    body = api(venues_client, TARTAN_OVAL_AT, radius_km=50, limit=100)
    venues = body["venues"]
    for i, near in enumerate(venues):
        for far in venues[i + 1 :]:
            if (far["kind"], far["quality"]) == (near["kind"], near["quality"]):
                assert far["distance_km"] >= near["distance_km"]
    # The distance costs the same whatever the radius: the score doesn't depend on it.
    small = scored(api(venues_client, TARTAN_OVAL_AT, radius_km=2, limit=100))
    large = scored(body)
    assert small and all(large[ref] == score for ref, score in small.items() if ref in large)


def test_the_score_is_the_same_in_the_api_the_list_and_the_venue_page(venues_client):
    venue = api(venues_client, VADUZ, limit=5)["venues"][0]
    osm_type, osm_id = venue["osm"].split("/")
    mode = (
        "night" if any(r["code"].startswith("lighting_") and r["points"] for r in venue["reasons"]) else "day"
    )
    html = venues_client.get(
        f"/venues/{osm_type}/{osm_id}", query_string={"from": f"{VADUZ[0]:.5f},{VADUZ[1]:.5f}", "mode": mode}
    ).get_data(as_text=True)
    assert f'<span class="venue-score">{venue["score"]:.0f}</span>' in html


def test_strips_of_grass_are_not_open_grass(venues_app, venues_client):
    with venues_app.app_context():
        for ref in STRIPS:
            osm_type, osm_id = ref.split("/")
            assert (
                db.session.execute(
                    select(Venue.id).where(Venue.osm_type == osm_type, Venue.osm_id == int(osm_id))
                ).first()
                is None
            ), ref
        # No open area left in the table is a strip.
        from backrun.venues.classify import MIN_OPEN_WIDTH_M
        from backrun.venues.geometry import equivalent_width_m

        rows = db.session.execute(
            select(Venue.area_m2, Venue.perimeter_m).where(
                Venue.kind.in_(["grass", "park", "recreation_ground", "beach"]), Venue.area_m2.is_not(None)
            )
        ).all()
        assert rows and all(equivalent_width_m(a, p) >= MIN_OPEN_WIDTH_M for a, p in rows)


def test_the_import_report_counts_strips(tmp_path, open_meteo, met_no, nominatim):
    app = make_app(tmp_path, open_meteo, met_no, nominatim)
    with app.app_context():
        report = import_extract(db.session, LIECHTENSTEIN)
    assert report.dropped["strip"] >= 20
    assert any("long thin strips" in line for line in report.lines())


def test_indoor_places_mapped_as_nodes_are_offered_when_the_weather_says_indoors(
    venues_client, live_app, overpass
):
    for client in (venues_client, live_app.test_client()):
        body = api(client, VADUZ, indoor=1, limit=100)
        gym = next(v for v in body["venues"] if v["osm"] == FITCOACHING)
        assert gym["indoor"] and gym["kind"] == "gym" and gym["area_m2"] is None
        assert any(r["code"] == "size_unknown" and r["unknown"] for r in gym["reasons"])
        assert all(v["indoor"] for v in body["venues"])


@pytest.fixture(scope="module")
def cut_liechtenstein(tmp_path_factory):
    """Liechtenstein cut the simple way at 47.1186 N: through a 57 ha grass multipolygon."""
    path = tmp_path_factory.mktemp("cut") / "liechtenstein-south.osm.pbf"
    cut_extract(LIECHTENSTEIN, path, (47.0, 9.4, 47.1186, 9.7))
    return path


def test_areas_cut_at_the_extract_edge_are_kept_with_their_available_part(
    tmp_path, open_meteo, met_no, nominatim, cut_liechtenstein, venues_app
):
    with venues_app.app_context():
        full = {(v.osm_type, v.osm_id): v.area_m2 for v in db.session.scalars(select(Venue))}
    app = make_app(tmp_path / "cut", open_meteo, met_no, nominatim)
    with app.app_context():
        report = import_extract(db.session, cut_liechtenstein)
        assert report.clipped >= 5 and report.dropped["incomplete_geometry"] <= 1
        clipped = {(v.osm_type, v.osm_id): v for v in db.session.scalars(select(Venue).where(Venue.clipped))}
        for key in (
            ("relation", 6803399),
            ("way", 300512299),
        ):  # a multipolygon and a closed way across the cut
            venue = clipped[key]
            assert venue.lat <= 47.1186 and 0 < venue.area_m2 < full[key]
        assert all(v.area_m2 <= full[k] + 1 for k, v in clipped.items())
        # Nothing whose point lies inside the cut was lost.
        kept = set(db.session.execute(select(Venue.osm_type, Venue.osm_id)).all())
    with venues_app.app_context():
        inside = set(
            db.session.execute(
                select(Venue.osm_type, Venue.osm_id).where(
                    Venue.source == "extract:liechtenstein", Venue.lat < 47.1150
                )
            ).all()
        )
    assert inside <= kept
    body = api(app.test_client(), (47.118, 9.565), radius_km=1, limit=100)
    venue = next(v for v in body["venues"] if v["osm"] == "relation/6803399")
    assert venue["clipped"] and any(r["code"] == "extent_unknown" for r in venue["reasons"])


def hillside(park_box, grade):
    """Flat at 450 m, except a slope of `grade` (0.10 = 10 %) rising northwards over park_box."""
    south, west, north, east = park_box

    def height(lat, lon):
        if south - 1e-4 <= lat <= north + 1e-4 and west - 1e-4 <= lon <= east + 1e-4:
            return 450.0 + grade * (lat - south) * 111_195
        return 450.0

    return height


def _park_near(app, place):
    with app.app_context():
        parks = db.session.scalars(
            select(Venue).where(Venue.kind == "park", Venue.samples.is_not(None))
        ).all()
        park = min(parks, key=lambda v: (v.lat - place[0]) ** 2 + (v.lon - place[1]) ** 2)
        lats = [p[0] for p in park.samples]
        lons = [p[1] for p in park.samples]
        return park.osm_ref, (park.lat, park.lon), (min(lats), min(lons), max(lats), max(lons))


def test_slopes_from_the_elevation_service_mark_a_hillside_park_down(
    tmp_path, venue_template, open_meteo, met_no, nominatim, elevation
):
    from tests.support.venues import app_with_venues

    app = app_with_venues(
        tmp_path,
        venue_template,
        open_meteo,
        met_no,
        nominatim,
        BACKRUN_ELEVATION_URL=elevation.endpoint,
        BACKRUN_ELEVATION_PAUSE=0.0,
    )
    park_ref, at, box = _park_near(app, VADUZ)
    client = app.test_client()
    before = {v["osm"]: v for v in api(client, at, radius_km=1, limit=100)["venues"]}
    assert any(
        r["code"] == "slope_unknown" for r in before[park_ref]["reasons"]
    )  # imported without the service

    elevation.terrain = hillside(box, 0.10)
    result = app.test_cli_runner().invoke(args=["venues", "elevation", "--quiet"])
    assert result.exit_code == 0, result.output
    assert "measured" in result.output
    assert all(len(r.query["latitude"][0].split(",")) <= 100 for r in elevation.requests)

    after = {v["osm"]: v for v in api(client, at, radius_km=1, limit=100)["venues"]}
    park = after[park_ref]
    assert park["slope_pct"] == pytest.approx(10, abs=1.5)
    assert any(r["code"] == "steep" and r["points"] == -40 for r in park["reasons"])
    assert park["score"] == before[park_ref]["score"] - 40
    flat = [v for v in after.values() if v["slope_pct"] is not None and v["osm"] != park_ref]
    assert flat and all(any(r["code"] == "flat_measured" for r in v["reasons"]) for v in flat)
    # Tracks keep the flatness OSM gives them: never sampled.
    with app.app_context():
        assert (
            db.session.execute(
                select(func.count())
                .select_from(Venue)
                .where(Venue.kind == "track", Venue.samples.is_not(None))
            ).scalar_one()
            == 0
        )
        cached = db.session.execute(select(func.count()).select_from(Elevation)).scalar_one()
    assert cached == len(set(elevation.points))

    # Cached for good: running it again, or re-importing, asks the service nothing.
    asked = elevation.count()
    assert app.test_cli_runner().invoke(args=["venues", "elevation", "--quiet"]).exit_code == 0
    with app.app_context():
        import_extract(db.session, LIECHTENSTEIN, force=True)
        assert db.session.execute(
            select(Venue.slope_pct).where(
                Venue.osm_type == park_ref.split("/")[0], Venue.osm_id == int(park_ref.split("/")[1])
            )
        ).scalar_one() == pytest.approx(park["slope_pct"])
    assert elevation.count() == asked


def test_imports_work_without_the_elevation_service(tmp_path, open_meteo, met_no, nominatim, elevation):
    app = make_app(
        tmp_path,
        open_meteo,
        met_no,
        nominatim,
        BACKRUN_ELEVATION_URL=elevation.endpoint,
        BACKRUN_ELEVATION_PAUSE=0.0,
    )
    elevation.fail_with(500)
    result = app.test_cli_runner().invoke(args=["venues", "import", "--quiet", str(ANDORRA)])
    assert result.exit_code == 0, result.output
    assert "slope unknown" in result.output and elevation.count() == 1  # stopped at the first failure
    with app.app_context():
        waiting = db.session.execute(
            select(func.count())
            .select_from(Venue)
            .where(Venue.samples.is_not(None), Venue.slope_pct.is_(None))
        ).scalar_one()
        assert waiting > 0
    elevation.fail_with(None)
    result = app.test_cli_runner().invoke(args=["venues", "elevation", "--quiet"])
    assert result.exit_code == 0 and re.search(r"(\d+) measured", result.output).group(1) == str(waiting)


@pytest.mark.parametrize(
    ("failure", "message"),
    [(429, "too many requests"), (500, "HTTP 500"), ("garbage", "without an `elevation` list")],
)
def test_the_elevation_command_reports_a_failure_and_keeps_what_it_had(
    tmp_path, open_meteo, met_no, nominatim, elevation, failure, message
):
    app = make_app(
        tmp_path,
        open_meteo,
        met_no,
        nominatim,
        BACKRUN_ELEVATION_URL=elevation.endpoint,
        BACKRUN_ELEVATION_PAUSE=0.0,
    )
    assert (
        app.test_cli_runner()
        .invoke(args=["venues", "import", "--quiet", "--no-elevation", str(ANDORRA)])
        .exit_code
        == 0
    )
    assert elevation.count() == 0
    elevation.fail_with(failure)
    result = app.test_cli_runner().invoke(args=["venues", "elevation", "--quiet"])
    assert result.exit_code == 1 and message in result.output
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(Elevation)).scalar_one() == 0
        assert (
            db.session.execute(
                select(func.count()).select_from(Venue).where(Venue.slope_pct.is_not(None))
            ).scalar_one()
            == 0
        )
    elevation.fail_with(None)
    assert app.test_cli_runner().invoke(args=["venues", "elevation", "--quiet"]).exit_code == 0


def test_the_elevation_command_stops_after_its_request_budget_and_goes_on_next_time(
    tmp_path, open_meteo, met_no, nominatim, elevation
):
    app = make_app(
        tmp_path,
        open_meteo,
        met_no,
        nominatim,
        BACKRUN_ELEVATION_URL=elevation.endpoint,
        BACKRUN_ELEVATION_PAUSE=0.0,
    )
    assert (
        app.test_cli_runner()
        .invoke(args=["venues", "import", "--quiet", "--no-elevation", str(LIECHTENSTEIN)])
        .exit_code
        == 0
    )
    result = app.test_cli_runner().invoke(args=["venues", "elevation", "--quiet", "--max-requests", "2"])
    assert result.exit_code == 0 and "paused after 2 requests" in result.output and elevation.count() == 2
    assert len(elevation.points) == 200
    result = app.test_cli_runner().invoke(args=["venues", "elevation", "--quiet"])
    assert result.exit_code == 0
    with app.app_context():
        assert (
            db.session.execute(
                select(func.count())
                .select_from(Venue)
                .where(Venue.samples.is_not(None), Venue.slope_pct.is_(None))
            ).scalar_one()
            == 0
        )
    assert len(elevation.points) == len(set(elevation.points))  # no point asked twice


def test_the_elevation_command_needs_a_url(app):
    result = app.test_cli_runner().invoke(args=["venues", "elevation"])
    assert result.exit_code != 0 and "BACKRUN_ELEVATION_URL" in result.output


def test_source_is_none_only_when_nothing_is_known(
    tmp_path, live_app, overpass, open_meteo, met_no, nominatim
):
    assert api(live_app.test_client(), VADUZ)["source"] == "overpass"
    # The same database, live lookups now switched off: what was looked up is still known.
    offline = make_app(
        tmp_path / "live",
        open_meteo,
        met_no,
        nominatim,
        SQLALCHEMY_DATABASE_URI=live_app.config["SQLALCHEMY_DATABASE_URI"],
    )
    body = api(offline.test_client(), VADUZ)
    assert body["venues"] and body["source"] == "overpass"
    assert {v["source"] for v in body["venues"]} == {"overpass"}
    nothing = api(offline.test_client(), (10.0, 10.0))
    assert nothing == {"venues": [], "source": "none", "attribution": nothing["attribution"]}


def test_migration_0004_keeps_the_spatial_index(tmp_path, open_meteo, met_no, nominatim):
    from flask_migrate import downgrade, upgrade

    app = make_app(tmp_path, open_meteo, met_no, nominatim)
    with app.app_context():
        import_extract(db.session, ANDORRA)
        downgrade(revision="0003")
        upgrade()
        # Venues from before are read again by the next import of the same file.
        report = import_extract(db.session, ANDORRA)
        assert not report.unchanged and report.written == 22
        if db.engine.dialect.name == "sqlite":
            with db.engine.connect() as connection:
                assert query.sqlite_rtree_ready(connection)
        assert (
            db.session.execute(
                select(func.count()).select_from(Venue).where(Venue.place.is_not(None))
            ).scalar_one()
            > 0
        )
