"""Importing the real extracts (Liechtenstein 2022, Andorra 2019) with pyosmium."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import func, select

from backrun.extensions import db
from backrun.venues.models import Venue, VenueExtract
from backrun.venues.osm_import import area_name, import_extract
from tests.support.venues import ANDORRA, LIECHTENSTEIN, spatially_indexed_count


def venue(osm_ref: str) -> Venue | None:
    osm_type, osm_id = osm_ref.split("/")
    return db.session.execute(
        select(Venue).where(Venue.osm_type == osm_type, Venue.osm_id == int(osm_id))
    ).scalar_one_or_none()


def snapshot() -> dict:
    rows = db.session.execute(
        select(
            Venue.id,
            Venue.osm_type,
            Venue.osm_id,
            Venue.kind,
            Venue.name,
            Venue.lat,
            Venue.lon,
            Venue.area_m2,
            Venue.perimeter_m,
            Venue.indoor,
            Venue.tags,
            Venue.source,
        )
    ).all()
    return {(r.osm_type, r.osm_id): tuple(r) for r in rows}


def test_liechtenstein_tracks_including_the_oval_drawn_as_a_line(venues_app):
    with venues_app.app_context():
        oval = venue("way/493738896")
        assert oval.kind == "track" and not oval.indoor
        assert oval.area_m2 is None and oval.perimeter_m == pytest.approx(409, abs=2)  # a line, not an area
        assert (oval.surface, oval.lit, oval.tags["area"]) == ("tartan", "yes", "no")
        assert 47.1096 <= oval.lat <= 47.1110 and 9.5189 <= oval.lon <= 9.5203  # inside its bounding box
        multipolygon = venue("relation/9408310")
        assert multipolygon.kind == "track" and multipolygon.area_m2 > 1000
        assert venue("way/1006250897").kind == "track"
        assert venue("way/47303533").name == "Finnenbahn"
        tracks = db.session.execute(
            select(Venue.osm_id).where(Venue.kind == "track", Venue.source == "extract:liechtenstein")
        ).scalars()
        assert set(tracks) == {493738896, 9408310, 1006250897, 47303533, 246470373}


@pytest.mark.parametrize("runway", ["way/677760842", "way/677760843", "way/677760844"])
def test_liechtenstein_long_jump_runways_are_not_venues(venues_app, runway):
    with venues_app.app_context():
        assert venue(runway) is None


def test_andorra_ski_pistes_are_not_tracks_but_its_athletics_and_running_tracks_are(venues_app):
    with venues_app.app_context():
        for piste in (152826442, 152826448, 152826450, 152826452):
            assert venue(f"way/{piste}") is None
        assert venue("way/334463610").kind == "track"  # sport=athletics
        assert venue("relation/8886358").kind == "track"  # sport=running multipolygon
        tracks = db.session.execute(
            select(Venue.osm_type, Venue.osm_id).where(
                Venue.kind == "track", Venue.source == "extract:andorra"
            )
        ).all()
        assert set(tracks) == {("way", 334463610), ("relation", 8886358)}
        assert all("skiing" not in (v.tags.get("sport") or "") for v in db.session.scalars(select(Venue)))


def test_gyms_and_halls_are_indoor_and_pools_tennis_and_ski_centres_are_not_offered(venues_app):
    with venues_app.app_context():
        gyms = db.session.execute(select(Venue.name).where(Venue.kind == "gym")).scalars().all()
        assert {"fitcoaching.li", "FH Fitness & Spa AG", "Next Health Club", "Urban Gym"} <= set(gyms)
        assert venue("way/44964127").kind == "sports_hall" and venue("way/44964127").indoor
        for not_offered in (
            "way/46953725",
            "way/481081889",
            "way/46953739",
            "node/2691116701",
            "node/258356188",
        ):
            assert venue(not_offered) is None  # Schwimmbad, Tennisclub, Skaterpark, ski areas


def test_small_grass_and_pitches_for_other_sports_are_dropped(venues_app):
    with venues_app.app_context():
        small = db.session.execute(
            select(func.count())
            .select_from(Venue)
            .where(Venue.kind.in_(["grass", "park", "beach", "recreation_ground"]), Venue.area_m2 < 2000)
        ).scalar_one()
        assert small == 0
        pitches = db.session.execute(
            select(func.count())
            .select_from(Venue)
            .where(Venue.tags["leisure"].as_string() == "pitch", Venue.kind != "athletics_pitch")
        ).scalar_one()
        assert pitches == 0


def test_extract_registry_and_spatial_index(venues_app):
    with venues_app.app_context():
        extracts = {e.area: e for e in db.session.scalars(select(VenueExtract))}
        assert set(extracts) == {"liechtenstein", "andorra"}
        li = extracts["liechtenstein"]
        assert li.osm_timestamp.isoformat() == "2022-07-24T20:21:51"
        assert (li.south, li.west, li.north, li.east) == pytest.approx(
            (47.04774, 9.471078, 47.27128, 9.636217)
        )
        assert (
            li.venue_count
            == db.session.execute(
                select(func.count()).select_from(Venue).where(Venue.source == "extract:liechtenstein")
            ).scalar_one()
        )
        in_index = spatially_indexed_count(db.session)
        assert in_index == db.session.execute(select(func.count()).select_from(Venue)).scalar_one()


def test_importing_the_same_file_twice_leaves_the_same_venues(venues_app, tmp_path):
    with venues_app.app_context():
        before = snapshot()
        again = import_extract(db.session, LIECHTENSTEIN)
        assert again.unchanged  # same size and mtime: nothing read at all
        assert snapshot() == before
        forced = import_extract(db.session, LIECHTENSTEIN, force=True)
        assert not forced.unchanged and forced.removed == 0
        after = snapshot()
        assert after.keys() == before.keys()
        assert {k: v[:-1] for k, v in after.items()} == {k: v[:-1] for k, v in before.items()}  # ids kept
        copy = tmp_path / "copy" / LIECHTENSTEIN.name
        copy.parent.mkdir()
        shutil.copyfile(LIECHTENSTEIN, copy)  # new mtime, same bytes: found by the hash
        assert import_extract(db.session, copy).unchanged
        assert snapshot().keys() == before.keys()


def test_import_reports_what_it_kept_and_dropped(venues_app):
    runner = venues_app.test_cli_runner()
    result = runner.invoke(args=["venues", "import", "--force", "--quiet", str(ANDORRA)])
    assert result.exit_code == 0, result.output
    assert "area 'andorra'" in result.output
    assert "kept 22 venues" in result.output and "2 track" in result.output
    assert "tracks for other sports (skiing, horses, cycling, motor sports, jumps)" in result.output
    assert "pitches for other sports" in result.output
    again = runner.invoke(args=["venues", "import", str(ANDORRA)])
    assert "nothing to do" in again.output


def test_bad_input_is_refused_and_changes_nothing(venues_app, tmp_path):
    not_osm = tmp_path / "notes.osm.pbf"
    not_osm.write_bytes(b"this is not OSM data")
    runner = venues_app.test_cli_runner()
    with venues_app.app_context():
        before = snapshot()
    for args in (["venues", "import", str(tmp_path / "missing.osm.pbf")], ["venues", "import", str(not_osm)]):
        result = runner.invoke(args=args)
        assert result.exit_code == 1 and "Not imported" in result.output
    result = runner.invoke(args=["venues", "import", "--area", "x", str(ANDORRA), str(LIECHTENSTEIN)])
    assert result.exit_code == 2
    with venues_app.app_context():
        assert snapshot() == before


@pytest.mark.parametrize(
    ("name", "area"),
    [
        ("liechtenstein-2022-07-24.osm.pbf", "liechtenstein"),
        ("liechtenstein-latest.osm.pbf", "liechtenstein"),
        ("andorra-2019.osm.pbf", "andorra"),
        ("andorra-190223.osm.pbf", "andorra"),
        ("Bremen.osm", "bremen"),
        ("new-york-latest.osm.pbf", "new-york"),
        ("2019.osm.pbf", "2019"),
    ],
)
def test_area_names_from_file_names(name, area):
    from pathlib import Path

    assert area_name(Path(name)) == area


def test_long_imports_show_progress(monkeypatch):
    from backrun.venues import osm_import

    monkeypatch.setattr(osm_import, "PROGRESS_EVERY_S", 0.0)  # every object counts as "a while"
    monkeypatch.setattr(osm_import, "LARGE_FILE_BYTES", 0)
    lines: list[str] = []
    scanned = osm_import.scan(ANDORRA, lines.append)
    assert "reading multipolygon relations (first pass)" in lines[0]
    assert any("reading nodes" in line for line in lines) and any("reading ways" in line for line in lines)
    assert "venues kept" in lines[-1] and scanned.records
