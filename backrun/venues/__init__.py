"""Safe flat venues near the runner, from OpenStreetMap.

Pure domain logic: `geometry` (sizes and points), `shapes` (one geometry path: an OSM object's
raw geometry, however it arrived, measured and classified), `classify` (which OSM objects are
venues), `naming` (where an unnamed venue is), `scoring` (how safe a venue is for backward
running). I/O at the edges: `osm_import` (pyosmium), `overpass` and `live` (live lookup),
`elevation` (slopes from the elevation service, cached), `store` and `query` (database),
`service` (what pages and the API call), `views` and `cli`.
"""

from flask import Blueprint

bp = Blueprint("venues", __name__, url_prefix="/venues")

from backrun.venues import views  # noqa: E402,F401  (routes register on import)
