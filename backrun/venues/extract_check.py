"""Checks that keep a damaged or suspicious extract from replacing an area's venues.

A re-import removes the venues no longer in the file, so a file cut short (a download that
stopped, a full disk) would silently wipe an area: the first 178 bytes of a Geofabrik extract are
a complete, readable PBF with a header and no data at all. Before the database is touched:

* a PBF must be whole: every blob's header and data present, the file ending exactly after the
  last blob, an OSMHeader blob first and at least one OSMData blob; an XML file must end with
  its closing `</osm>` tag;
* the header must give the area's bounding box (what the venue search uses to tell whether an
  extract covers a place);

and before the import is committed: it may not remove more than MAX_REMOVED_SHARE of the area's
venues (a file cut at a block boundary parses fine but lacks most of the area). `--force` lifts
the last two checks, never the first.
"""

from __future__ import annotations

import struct
from pathlib import Path

MAX_REMOVED_SHARE = 0.2
MIN_REMOVED_TO_REFUSE = 4  # tiny areas: losing 1 of 3 venues is ordinary change
MAX_BLOB_HEADER_BYTES = 64 * 1024  # the PBF format's limits
MAX_BLOB_BYTES = 32 * 1024 * 1024


def file_problem(
    path: Path, header_box: tuple[float, float, float, float] | None, *, force: bool
) -> str | None:
    """Why this file must not be imported, or None."""
    name = path.name.lower()
    if name.endswith(".pbf"):
        problem = _pbf_problem(path)
    elif name.endswith(".osm"):
        problem = _xml_problem(path)
    else:
        problem = None  # compressed XML: the reader fails on a stream cut short
    if problem:
        return f"{path.name}: {problem}. Nothing was changed."
    if header_box is None and not force:
        return (
            f"{path.name} has no bounding box in its header, so the area it covers is unknown. "
            "Nothing was changed (use --force to import it anyway)."
        )
    return None


def removal_problem(area: str, before: int, removed: int, *, force: bool) -> str | None:
    """Why an import that removes `removed` of the area's `before` venues must not be committed."""
    if force or before <= 0 or removed < MIN_REMOVED_TO_REFUSE or removed <= before * MAX_REMOVED_SHARE:
        return None
    return (
        f"this file would remove {removed} of the {before} venues of '{area}' ({removed / before:.0%}, more "
        f"than {MAX_REMOVED_SHARE:.0%}): it may be cut short or cover less. Nothing was changed "
        "(use --force if the area really lost them)."
    )


def _pbf_problem(path: Path) -> str | None:
    size = path.stat().st_size
    data_blobs = 0
    with path.open("rb") as fh:
        offset = 0
        index = 0
        while offset < size:
            raw_length = fh.read(4)
            if len(raw_length) < 4:
                return f"it ends inside a block header at byte {offset} (the file is cut short)"
            (header_length,) = struct.unpack(">I", raw_length)
            if header_length > MAX_BLOB_HEADER_BYTES:
                return f"block {index + 1} at byte {offset} is not a PBF block"
            header = fh.read(header_length)
            if len(header) < header_length:
                return f"it ends inside block {index + 1}'s header (the file is cut short)"
            kind, data_size = _blob_header(header)
            if kind is None or data_size is None or data_size > MAX_BLOB_BYTES:
                return f"block {index + 1} at byte {offset} is not a PBF block"
            if index == 0 and kind != "OSMHeader":
                return "it doesn't start with an OSM header block"
            data_end = offset + 4 + header_length + data_size
            if data_end > size:
                return (
                    f"it ends inside block {index + 1} ({size - (offset + 4 + header_length)} of its "
                    f"{data_size} bytes present: the file is cut short)"
                )
            data_blobs += kind == "OSMData"
            fh.seek(data_end)
            offset = data_end
            index += 1
    if index == 0:
        return "it is empty"
    if data_blobs == 0:
        return "it holds a header and no data (the file is cut short)"
    return None


def _blob_header(raw: bytes) -> tuple[str | None, int | None]:
    """(type, datasize) from a BlobHeader message (protobuf: 1 type string, 2 indexdata, 3 datasize)."""
    kind = size = None
    position = 0
    try:
        while position < len(raw):
            key, position = _varint(raw, position)
            field, wire = key >> 3, key & 7
            if wire == 0:
                value, position = _varint(raw, position)
                if field == 3:
                    size = value
            elif wire == 2:
                length, position = _varint(raw, position)
                if field == 1:
                    kind = raw[position : position + length].decode("ascii")
                position += length
            else:
                return None, None
    except (IndexError, UnicodeDecodeError):
        return None, None
    return kind, size


def _varint(raw: bytes, position: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = raw[position]
        position += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, position
        shift += 7


def _xml_problem(path: Path) -> str | None:
    with path.open("rb") as fh:
        fh.seek(max(path.stat().st_size - 256, 0))
        tail = fh.read().rstrip()
    if not tail.endswith(b"</osm>"):
        return "it doesn't end with </osm> (the file is cut short)"
    return None
