"""Safe flat venues near the runner, from OpenStreetMap.

Pure domain logic: `geometry` (sizes and points), `classify` (which OSM objects are venues),
`scoring` (how safe a venue is for backward running). I/O at the edges: `osm_import` (pyosmium),
`overpass` and `live` (live lookup), `store` and `query` (database), `service` (what pages and
the API call), `views` and `cli`.
"""
