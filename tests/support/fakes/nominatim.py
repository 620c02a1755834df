"""A fake Nominatim `/search` endpoint in the real JSON format (format=json, as geopy asks).

Known places answer with Nominatim's fields (place_id, licence, osm_type, osm_id, lat/lon as
strings, display_name, boundingbox...); unknown ones with `[]`, which is how Nominatim says
"not found". Failure modes: an HTTP status (429, 503...), a delay beyond the client timeout,
or a body that is not JSON.
"""

from __future__ import annotations

from tests.support.fakes.server import FakeService, Recorded, Reply

LICENCE = "Data © OpenStreetMap contributors, ODbL 1.0. http://osm.org/copyright"

PLACES = {
    "vaduz": {
        "place_id": 82945231,
        "licence": LICENCE,
        "osm_type": "relation",
        "osm_id": 1155956,
        "lat": "47.1392862",
        "lon": "9.5227962",
        "class": "boundary",
        "type": "administrative",
        "place_rank": 16,
        "importance": 0.5763,
        "addresstype": "town",
        "name": "Vaduz",
        "display_name": "Vaduz, Oberland, Liechtenstein",
        "boundingbox": ["47.0939258", "47.1629868", "9.4914298", "9.6066044"],
    },
    "andorra la vella": {
        "place_id": 81871302,
        "licence": LICENCE,
        "osm_type": "relation",
        "osm_id": 2804753,
        "lat": "42.5069391",
        "lon": "1.5212467",
        "class": "boundary",
        "type": "administrative",
        "place_rank": 16,
        "importance": 0.6111,
        "addresstype": "town",
        "name": "Andorra la Vella",
        "display_name": "Andorra la Vella, Andorra",
        "boundingbox": ["42.4895127", "42.5244734", "1.4802806", "1.5524601"],
    },
}


class NominatimFake(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.failure: Reply | None = None

    def restore(self) -> None:
        self.failure = None

    def fail_with(self, failure: int | str | None) -> None:
        """An HTTP status, "timeout" (60 s delay), "garbage" (not JSON), or None to recover."""
        if failure is None:
            self.failure = None
        elif failure == "timeout":
            self.failure = Reply(200, b"[]", {"Content-Type": "application/json"}, delay_s=60)
        elif failure == "garbage":
            self.failure = Reply(200, b"<html>Bad gateway</html>", {"Content-Type": "text/html"})
        else:
            self.failure = Reply.json(
                {"error": {"code": failure, "message": "Service unavailable"}}, status=int(failure)
            )

    def respond(self, request: Recorded) -> Reply:
        if self.failure is not None:
            return self.failure
        if request.path.rstrip("/") != "/search":
            return Reply.json({"error": "unknown endpoint"}, status=404)
        query = " ".join(request.query.get("q", [""])).strip().casefold()
        place = PLACES.get(query)
        return Reply.json([place] if place else [])
