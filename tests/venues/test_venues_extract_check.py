"""Issue 13, item 3: a truncated extract can't wipe an area's venues.

Truncated copies of the real extracts in data/osm, saved under a newer date as a cron job would
fetch them: the first 178 bytes (the header block alone, a complete and readable PBF), a cut at
the middle block boundary (readable, half the area missing) and a cut inside a block. Each is
refused with a clear message and a non-zero exit, and the area's venues are untouched.
"""

from __future__ import annotations

import struct

import pytest
from sqlalchemy import func, select

from backrun.extensions import db
from backrun.venues.models import Venue
from tests.support.venues import ANDORRA, LIECHTENSTEIN, VADUZ
from tests.venues.test_venues_import import snapshot


def block_offsets(path) -> list[int]:
    """Where each PBF block starts (the format: 4-byte length, BlobHeader, Blob)."""
    data = path.read_bytes()
    offsets, offset = [], 0
    while offset < len(data):
        offsets.append(offset)
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        header = data[offset + 4 : offset + 4 + length]
        size = _datasize(header)
        offset += 4 + length + size
    return offsets


def _datasize(header: bytes) -> int:
    position = header.index(b"\x18") + 1  # field 3 (datasize), varint
    value = shift = 0
    while True:
        byte = header[position]
        position += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value
        shift += 7


def _cut(source, target, length: int):
    target.write_bytes(source.read_bytes()[:length])
    return target


def _count(area: str) -> int:
    return db.session.scalar(select(func.count()).select_from(Venue).where(Venue.source == f"extract:{area}"))


@pytest.mark.parametrize(
    ("source", "area", "newer"),
    [
        (LIECHTENSTEIN, "liechtenstein", "liechtenstein-2023-01-01.osm.pbf"),
        (ANDORRA, "andorra", "andorra-2020.osm.pbf"),
    ],
)
def test_truncated_extracts_are_refused_and_the_venues_stay(venues_app, tmp_path, source, area, newer):
    blocks = block_offsets(source)
    cuts = {
        "header block only": blocks[1],
        "middle block boundary": blocks[len(blocks) // 2],
        "inside a block": blocks[len(blocks) // 2] + 1000,
        "inside a block header": blocks[-1] + 6,
    }
    runner = venues_app.test_cli_runner()
    with venues_app.app_context():
        before, count = snapshot(), _count(area)
    assert count > 10
    for what, length in cuts.items():
        cut = _cut(source, tmp_path / newer, length)
        result = runner.invoke(args=["venues", "import", str(cut)])
        assert result.exit_code == 1, (what, result.output)
        assert "Not imported" in result.output and "Nothing was changed" in result.output, (
            what,
            result.output,
        )
        with venues_app.app_context():
            assert snapshot() == before, what
    response = venues_app.test_client().get(f"/api/v1/venues?lat={VADUZ[0]}&lon={VADUZ[1]}")
    if area == "liechtenstein":
        assert response.json["venues"], response.json


def test_the_removal_guard_names_its_reason_and_force_overrides_it(venues_app, tmp_path):
    blocks = block_offsets(LIECHTENSTEIN)
    cut = _cut(LIECHTENSTEIN, tmp_path / "liechtenstein-2023-01-01.osm.pbf", blocks[len(blocks) // 2])
    runner = venues_app.test_cli_runner()
    with venues_app.app_context():
        before = _count("liechtenstein")
    refused = runner.invoke(args=["venues", "import", str(cut)])
    assert refused.exit_code == 1 and "would remove" in refused.output and "--force" in refused.output
    forced = runner.invoke(args=["venues", "import", "--force", str(cut)])  # the runner says it is right
    assert forced.exit_code == 0, forced.output
    with venues_app.app_context():
        assert _count("liechtenstein") < before * 0.8


def test_an_extract_without_a_bounding_box_is_refused(venues_app, tmp_path):
    xml = tmp_path / "boxless.osm"
    xml.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" generator="t">\n'
        '  <node id="1" lat="47.1" lon="9.5" version="1"><tag k="leisure" v="fitness_centre"/></node>\n</osm>\n'
    )
    result = venues_app.test_cli_runner().invoke(args=["venues", "import", str(xml)])
    assert result.exit_code == 1 and "no bounding box" in result.output
    cut_xml = tmp_path / "cut.osm"
    cut_xml.write_text(xml.read_text()[:-8])
    result = venues_app.test_cli_runner().invoke(args=["venues", "import", str(cut_xml)])
    assert result.exit_code == 1 and "</osm>" in result.output
