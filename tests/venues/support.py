"""Real OSM extracts imported once per test session, copied for each test that needs them.

Both the venue tests and the browser tests use this module (not a conftest fixture, which the
e2e directory could not see), so the extracts are imported once per session, whichever runs first.
"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

from backrun import PROJECT_ROOT
from backrun.extensions import db
from backrun.venues.osm_import import import_extract
from tests.conftest import make_app

DATA = PROJECT_ROOT / "data" / "osm"
LIECHTENSTEIN = DATA / "liechtenstein-2022-07-24.osm.pbf"
ANDORRA = DATA / "andorra-2019.osm.pbf"

# Places in the extracts (WGS 84).
TARTAN_OVAL = "way/493738896"  # the lit tartan oval drawn as a closed line (area=no), Vaduz
TARTAN_OVAL_AT = (47.11030, 9.51958)
VADUZ = (47.1410, 9.5209)
ANDORRA_LA_VELLA_STADIUM = (42.5013, 1.5139)

_lock = threading.Lock()
_template: dict[str, Path] = {}


def imported_database(tmp_path_factory, open_meteo, met_no, nominatim) -> Path:
    """A migrated SQLite file with both real extracts imported (built once per session)."""
    with _lock:
        if "both" not in _template:
            where = tmp_path_factory.mktemp("venue-template")
            app = make_app(where, open_meteo, met_no, nominatim)
            with app.app_context():
                for extract in (LIECHTENSTEIN, ANDORRA):
                    import_extract(db.session, extract)
                db.session.remove()
                db.engine.dispose()
            _template["both"] = where / "test.sqlite3"
        return _template["both"]


def app_with_venues(tmp_path, template: Path, open_meteo, met_no, nominatim, **overrides):
    """An app on a private copy of the imported database."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, tmp_path / "test.sqlite3")
    return make_app(tmp_path, open_meteo, met_no, nominatim, **overrides)
