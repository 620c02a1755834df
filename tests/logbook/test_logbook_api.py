"""/api/v1/runs (and its old path /api/v1/sessions) over HTTP: CRUD, idempotent POST, validation (422), isolation (404), paging, auth."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import requests
from werkzeug.serving import make_server

from tests.support.runners import session_count, session_payload


class TestCrud:
    def test_create_read_replace_delete(self, app, runner_a, token_a):
        body = session_payload(notes="First one")
        created = runner_a.api("POST", "/api/v1/sessions", token_a, json=body)
        assert created.status_code == 201
        assert created.headers["Location"] == f"/api/v1/sessions/{body['id']}"
        stored = created.json
        assert set(stored) == {
            "id",
            "started_at",
            "duration_s",
            "distance_m",
            "setting",
            "venue",
            "surface",
            "intervals",
            "pattern",
            "effort",
            "soreness",
            "notes",
            "weather",
            "kit_feedback",
            "created_at",
            "updated_at",
        }
        for key in (
            "id",
            "started_at",
            "duration_s",
            "distance_m",
            "setting",
            "venue",
            "surface",
            "intervals",
            "effort",
            "soreness",
            "notes",
            "weather",
        ):
            assert stored[key] == body[key], key
        assert runner_a.api("GET", f"/api/v1/sessions/{body['id']}", token_a).json == stored

        changed = {**stored, "duration_s": 1500, "soreness": ["calves"], "notes": "Edited"}
        replaced = runner_a.api("PUT", f"/api/v1/sessions/{body['id']}", token_a, json=changed)
        assert replaced.status_code == 200
        assert replaced.json["duration_s"] == 1500 and replaced.json["soreness"] == ["calves"]
        assert replaced.json["created_at"] == stored["created_at"]
        assert replaced.json["updated_at"] > stored["updated_at"]

        deleted = runner_a.api("DELETE", f"/api/v1/sessions/{body['id']}", token_a)
        assert deleted.status_code == 204 and deleted.data == b""
        assert runner_a.api("GET", f"/api/v1/sessions/{body['id']}", token_a).status_code == 404
        assert runner_a.api("DELETE", f"/api/v1/sessions/{body['id']}", token_a).status_code == 404
        assert session_count(app) == 0

    def test_start_keeps_its_offset_and_units_are_metric(self, runner_a, token_a):
        stored = runner_a.log(token_a, started_at="2026-03-29T01:30:00-05:00", distance_m=1609.344)
        assert stored["started_at"] == "2026-03-29T01:30:00-05:00"
        assert stored["distance_m"] == pytest.approx(1609.344)

    def test_minimal_session(self, runner_a, token_a):
        body = {
            "id": str(uuid.uuid4()),
            "started_at": "2026-01-02T08:00:00+00:00",
            "duration_s": 60,
            "setting": "treadmill",
        }
        response = runner_a.api("POST", "/api/v1/sessions", token_a, json=body)
        assert response.status_code == 201
        assert (
            response.json["soreness"] == []
            and response.json["notes"] == ""
            and response.json["intervals"] is None
        )

    def test_put_without_id_takes_the_urls(self, runner_a, token_a):
        stored = runner_a.log(token_a)
        body = {k: v for k, v in stored.items() if k not in ("id", "created_at", "updated_at")}
        response = runner_a.api(
            "PUT", f"/api/v1/sessions/{stored['id']}", token_a, json={**body, "effort": 9}
        )
        assert response.status_code == 200 and response.json["effort"] == 9

    def test_put_with_another_id_is_refused(self, app, runner_a, token_a):
        stored = runner_a.log(token_a)
        response = runner_a.api(
            "PUT",
            f"/api/v1/sessions/{stored['id']}",
            token_a,
            json={**stored, "id": str(uuid.uuid4()), "effort": 9},
        )
        assert response.status_code == 422 and "id" in response.json["fields"]
        assert (
            runner_a.api("GET", f"/api/v1/sessions/{stored['id']}", token_a).json["effort"]
            == stored["effort"]
        )

    def test_notes_come_back_exactly_as_written(self, runner_a, token_a):
        stored = runner_a.log(token_a, notes="<script>alert('x')</script> & more")
        assert stored["notes"] == "<script>alert('x')</script> & more"


class TestIdempotency:
    def test_the_same_id_posted_three_times_makes_one_row(self, app, runner_a, token_a):
        body = session_payload()
        statuses = [
            runner_a.api("POST", "/api/v1/sessions", token_a, json=body).status_code for _ in range(3)
        ]
        assert statuses == [201, 200, 200]
        assert session_count(app) == 1

    def test_a_repeat_returns_the_stored_session_unchanged(self, app, runner_a, token_a):
        body = session_payload(notes="original")
        first = runner_a.api("POST", "/api/v1/sessions", token_a, json=body).json
        again = runner_a.api(
            "POST", "/api/v1/sessions", token_a, json={**body, "notes": "a retry with changes"}
        )
        assert again.status_code == 200
        assert again.json == first

    def test_concurrent_duplicates_over_real_http_make_one_row(self, app, runner_a, token_a):
        body = session_payload()
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        url = f"http://127.0.0.1:{server.server_port}/api/v1/sessions"
        barrier = threading.Barrier(8)
        statuses: list[int] = []

        def post() -> None:
            barrier.wait()
            response = requests.post(
                url, json=body, headers={"Authorization": f"Bearer {token_a}"}, timeout=30
            )
            statuses.append(response.status_code)

        try:
            workers = [threading.Thread(target=post) for _ in range(8)]
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join()
        finally:
            server.shutdown()
            server.server_close()
        assert sorted(statuses) == [200] * 7 + [201]
        assert session_count(app) == 1

    def test_an_id_of_another_runner_is_a_conflict_and_changes_nothing(
        self, app, runner_a, runner_b, token_a, token_b
    ):
        stored = runner_a.log(token_a, notes="A's")
        response = runner_b.api(
            "POST", "/api/v1/sessions", token_b, json=session_payload(id=stored["id"], notes="B's")
        )
        assert response.status_code == 409 and response.json["error"] == "id_taken"
        assert "A's" not in response.get_data(as_text=True)
        assert runner_a.api("GET", f"/api/v1/sessions/{stored['id']}", token_a).json == stored
        assert session_count(app) == 1


def _future(hours: float) -> str:
    return (datetime.now(UTC) + timedelta(hours=hours)).isoformat()


INVALID = [
    ("duration_s", {"duration_s": 0}),
    ("duration_s", {"duration_s": -60}),
    ("duration_s", {"duration_s": 12 * 3600 + 1}),
    ("duration_s", {"duration_s": "1200"}),
    ("duration_s", {"duration_s": 1200.5}),
    ("duration_s", {"duration_s": True}),
    ("duration_s", {"duration_s": None}),
    ("started_at", {"started_at": _future(26)}),  # computed at collection: margin for a long suite
    ("started_at", {"started_at": "2026-05-21T07:30:00"}),  # no offset
    ("started_at", {"started_at": "yesterday"}),
    ("started_at", {"started_at": 1716270000}),
    ("notes", {"notes": "x" * 10_001}),
    ("notes", {"notes": 42}),
    ("effort", {"effort": 0}),
    ("effort", {"effort": 11}),
    ("effort", {"effort": "7"}),
    ("effort", {"effort": 6.5}),
    ("setting", {"setting": "road"}),
    ("setting", {"setting": None}),
    ("soreness", {"soreness": "calves"}),
    ("soreness", {"soreness": ["feet"]}),
    ("soreness", {"soreness": ["calves", "calves"]}),
    ("distance_m", {"distance_m": -5}),
    ("distance_m", {"distance_m": "2.5"}),
    ("distance_m", {"distance_m": 50_000}),  # 50 km in 20 minutes, backwards
    ("surface", {"surface": "lava"}),
    ("venue", {"venue": {}}),
    ("venue", {"venue": {"osm": "123"}}),
    ("venue", {"venue": {"name": "x", "rating": 5}}),
    ("intervals", {"intervals": {"bouts": 6}}),
    ("intervals", {"intervals": {"bouts": 100, "backward_s": 60, "recovery_s": 0}}),  # more than the session
    ("intervals", {"intervals": [6, 30, 60]}),
    ("weather", {"weather": {"verdict": "sunny"}}),
    ("weather", {"weather": {"verdict": "go", "html": "<b>"}}),
    ("weather", {"weather": "go"}),
    ("id", {"id": "not-a-uuid"}),
    ("id", {"id": None}),
    ("mood", {"mood": "great"}),
    ("created_by", {"created_by": "admin"}),
]


class TestValidation:
    @pytest.mark.parametrize(
        ("field", "change"), INVALID, ids=[f"{f}-{i}" for i, (f, _) in enumerate(INVALID)]
    )
    def test_invalid_sessions_are_a_422_per_field_and_store_nothing(
        self, app, runner_a, token_a, field, change
    ):
        response = runner_a.api("POST", "/api/v1/sessions", token_a, json=session_payload(**change))
        assert response.status_code == 422
        assert response.json["error"] == "invalid_session"
        assert field in response.json["fields"], response.json
        assert isinstance(response.json["detail"], str) and response.json["detail"]
        assert session_count(app) == 0

    def test_missing_required_fields_are_each_named(self, app, runner_a, token_a):
        response = runner_a.api("POST", "/api/v1/sessions", token_a, json={"notes": "only notes"})
        assert response.status_code == 422
        assert {"id", "started_at", "duration_s", "setting"} <= set(response.json["fields"])
        assert session_count(app) == 0

    def test_not_a_json_object(self, app, runner_a, token_a):
        for body in ([], "text", 5):
            response = runner_a.api("POST", "/api/v1/sessions", token_a, json=body)
            assert response.status_code == 422, body
        assert (
            runner_a.api(
                "POST", "/api/v1/sessions", token_a, data="{oops", content_type="application/json"
            ).status_code
            == 400
        )
        assert runner_a.api("POST", "/api/v1/sessions", token_a, data="duration_s=5").status_code == 415
        assert session_count(app) == 0

    def test_nan_is_not_a_number_here(self, app, runner_a, token_a):
        raw = f'{{"id": "{uuid.uuid4()}", "started_at": "2026-01-01T10:00:00+00:00", "duration_s": 600, "setting": "outdoor", "distance_m": NaN}}'
        response = runner_a.api(
            "POST", "/api/v1/sessions", token_a, data=raw, content_type="application/json"
        )
        assert response.status_code == 422 and "distance_m" in response.json["fields"]

    @pytest.mark.parametrize(
        "change",
        [
            {"duration_s": 12 * 3600, "intervals": None, "distance_m": None},
            {"started_at": _future(23.5)},
            {"notes": "x" * 10_000},
            {"effort": 1},
            {"effort": 10},
            {"effort": None},
            {"soreness": ["calves", "quads", "knees", "other"]},
            {"venue": {"name": "Beach"}},
            {"venue": None},
            {"weather": None},
        ],
    )
    def test_limits_themselves_are_fine(self, runner_a, token_a, change):
        assert (
            runner_a.api("POST", "/api/v1/sessions", token_a, json=session_payload(**change)).status_code
            == 201
        )

    def test_an_invalid_put_changes_nothing(self, runner_a, token_a):
        stored = runner_a.log(token_a)
        response = runner_a.api(
            "PUT", f"/api/v1/sessions/{stored['id']}", token_a, json={**stored, "duration_s": 0}
        )
        assert response.status_code == 422 and "duration_s" in response.json["fields"]
        assert runner_a.api("GET", f"/api/v1/sessions/{stored['id']}", token_a).json == stored


class TestIsolation:
    def test_another_runners_session_is_404_for_read_change_and_delete(
        self, app, runner_a, runner_b, token_a, token_b
    ):
        stored = runner_a.log(token_a)
        url = f"/api/v1/sessions/{stored['id']}"
        assert runner_b.api("GET", url, token_b).status_code == 404
        assert runner_b.api("PUT", url, token_b, json={**stored, "notes": "mine now"}).status_code == 404
        assert runner_b.api("DELETE", url, token_b).status_code == 404
        assert runner_b.api("GET", "/api/v1/sessions", token_b).json == {"sessions": [], "next": None}
        assert runner_a.api("GET", url, token_a).json == stored
        # The same through B's browser session.
        assert runner_b.client.get(url).status_code == 404
        assert runner_b.client.delete(url, headers={"X-CSRFToken": runner_b.csrf}).status_code == 404
        assert session_count(app, runner_a.user_id) == 1

    def test_unknown_and_malformed_ids_are_404(self, runner_a, token_a):
        assert runner_a.api("GET", f"/api/v1/sessions/{uuid.uuid4()}", token_a).status_code == 404
        assert runner_a.api("GET", "/api/v1/sessions/not-a-uuid", token_a).status_code == 404


class TestCookieAuth:
    def test_the_browser_session_reads_freely_and_writes_with_the_csrf_header(self, app, runner_a):
        body = session_payload()
        assert runner_a.client.get("/api/v1/sessions").status_code == 200
        refused = runner_a.client.post("/api/v1/sessions", json=body)
        assert refused.status_code == 403 and refused.json["error"] == "csrf_failed"
        wrong = runner_a.client.post("/api/v1/sessions", json=body, headers={"X-CSRFToken": "forged"})
        assert wrong.status_code == 403
        assert session_count(app) == 0
        created = runner_a.client.post("/api/v1/sessions", json=body, headers={"X-CSRFToken": runner_a.csrf})
        assert created.status_code == 201
        delete = runner_a.client.delete(f"/api/v1/sessions/{body['id']}")
        assert delete.status_code == 403 and session_count(app) == 1

    def test_signed_out_is_401(self, app):
        assert app.test_client().post("/api/v1/sessions", json=session_payload()).status_code == 401
        assert session_count(app) == 0


class TestListing:
    def test_pages_follow_next_until_null_newest_first(self, runner_a, token_a):
        start = datetime(2026, 1, 1, 7, 0, tzinfo=UTC)
        ids = [
            runner_a.log(token_a, started_at=(start + timedelta(days=i)).isoformat(), intervals=None)["id"]
            for i in range(23)
        ]
        seen, url, pages = [], "/api/v1/sessions?limit=10", 0
        while url:
            page = runner_a.api("GET", url, token_a)
            assert page.status_code == 200
            seen += [s["id"] for s in page.json["sessions"]]
            url, pages = page.json["next"], pages + 1
        assert pages == 3
        assert seen == list(reversed(ids))

    def test_same_start_times_page_without_gaps(self, runner_a, token_a):
        ids = {runner_a.log(token_a, started_at="2026-02-01T10:00:00+00:00")["id"] for _ in range(7)}
        seen, url = [], "/api/v1/sessions?limit=3"
        while url:
            page = runner_a.api("GET", url, token_a).json
            seen += [s["id"] for s in page["sessions"]]
            url = page["next"]
        assert sorted(seen) == sorted(ids) and len(seen) == 7

    def test_filters_by_month_and_setting(self, runner_a, token_a):
        runner_a.log(token_a, started_at="2026-01-31T23:30:00+01:00", setting="treadmill")  # January locally
        runner_a.log(token_a, started_at="2026-02-01T00:30:00+01:00", setting="treadmill")
        runner_a.log(token_a, started_at="2026-02-10T10:00:00+01:00", setting="outdoor")
        january = runner_a.api("GET", "/api/v1/sessions?month=2026-01", token_a).json["sessions"]
        assert [s["started_at"] for s in january] == ["2026-01-31T23:30:00+01:00"]
        feb_treadmill = runner_a.api("GET", "/api/v1/sessions?month=2026-02&setting=treadmill", token_a).json[
            "sessions"
        ]
        assert [s["started_at"] for s in feb_treadmill] == ["2026-02-01T00:30:00+01:00"]

    @pytest.mark.parametrize(
        "query",
        [
            "limit=0",
            "limit=500",
            "limit=ten",
            "month=2026-13",
            "month=0000-01",
            "month=9999-12",
            "setting=road",
            "cursor=%%%",
            "cursor=bm90LWEtY3Vyc29y",
            "cursor=" + "z" * 150,
            "colour=red",
        ],
    )
    def test_bad_parameters_are_400(self, runner_a, token_a, query):
        response = runner_a.api("GET", f"/api/v1/sessions?{query}", token_a)
        assert response.status_code == 400
        assert response.json["error"] == "invalid_parameters"


def test_the_sessions_api_is_in_the_openapi_document(app):
    spec = app.test_client().get("/api/v1/openapi.json").json
    assert set(spec["paths"]["/api/v1/sessions"]) == {"get", "post"}
    assert set(spec["paths"]["/api/v1/sessions/{session_id}"]) == {"get", "put", "delete"}
    assert set(spec["paths"]["/api/v1/auth/token"]) == {"post"}
    post = spec["paths"]["/api/v1/sessions"]["post"]
    assert {"200", "201", "401", "409", "422"} <= set(post["responses"])
    ref = post["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    schema = spec["components"]["schemas"][ref]
    assert {
        "id",
        "started_at",
        "duration_s",
        "distance_m",
        "setting",
        "venue",
        "surface",
        "intervals",
        "pattern",
        "effort",
        "soreness",
        "notes",
        "weather",
        "kit_feedback",
        "created_at",
        "updated_at",
    } == set(schema["properties"])
    assert schema["additionalProperties"] is False


class TestWeatherFromTheServerOnly:
    """Issue 13, item 10: the API keeps only weather Backrun gave, as the log form does."""

    def test_a_client_written_snapshot_is_refused(self, app, runner_a, token_a):
        forged = {"verdict": "go", "reasons": [], "source": "open-meteo"}
        response = runner_a.api("POST", "/api/v1/sessions", token_a, json=session_payload(weather=forged))
        assert response.status_code == 422 and "weather" in response.json["fields"]
        assert session_count(app) == 0

    def test_a_signed_snapshot_is_kept_and_survives_a_put_back(self, runner_a, token_a):
        stored = runner_a.log(token_a, weather_token=runner_a.weather_token(token_a))
        assert stored["weather"]["verdict"] in ("go", "caution", "indoors", "unknown")
        assert stored["weather"]["location"] == {"lat": 47.14, "lon": 9.52}
        put = runner_a.api(
            "PUT", f"/api/v1/sessions/{stored['id']}", token_a, json={**stored, "notes": "edited"}
        )
        assert put.status_code == 200 and put.json["weather"] == stored["weather"]
        changed = {**stored, "weather": {**stored["weather"], "location": {"lat": 1.0, "lon": 1.0}}}
        refused = runner_a.api("PUT", f"/api/v1/sessions/{stored['id']}", token_a, json=changed)
        assert refused.status_code == 422 and "weather" in refused.json["fields"]

    def test_another_runners_or_a_forged_token_is_refused(self, app, runner_a, runner_b, token_a, token_b):
        for token in (runner_b.weather_token(token_b), "eyJ2ZXJkaWN0IjoiZ28ifQ.forged.sig"):
            response = runner_a.api(
                "POST", "/api/v1/sessions", token_a, json=session_payload(weather_token=token)
            )
            assert response.status_code == 422 and "weather_token" in response.json["fields"]
        assert session_count(app) == 0

    def test_the_advice_gives_no_token_without_a_runner(self, client):
        assert "weather_token" not in client.get("/api/v1/advice?lat=47.14&lon=9.52").json


@pytest.mark.parametrize("offset", ["+01:00:30", "-00:00:01", "+05:45:59.5"])
def test_an_offset_of_seconds_is_refused_clearly(app, runner_a, token_a, offset):
    response = runner_a.api(
        "POST", "/api/v1/sessions", token_a, json=session_payload(started_at=f"2026-01-05T07:30:00{offset}")
    )
    assert response.status_code == 422 and "whole minutes" in response.json["fields"]["started_at"][0]
    assert session_count(app) == 0


class TestRunsAndTheOldSessionPaths:
    """/api/v1/runs is the canonical path; /api/v1/sessions stays, the same views, for old clients."""

    def test_the_runs_paths_do_what_the_old_ones_do(self, app, runner_a, token_a):
        body = session_payload(notes="New path")
        created = runner_a.api("POST", "/api/v1/runs", token_a, json=body)
        assert created.status_code == 201
        assert created.headers["Location"] == f"/api/v1/runs/{body['id']}"
        again = runner_a.api("POST", "/api/v1/sessions", token_a, json=body)
        assert again.status_code == 200 and again.json == created.json  # stored once, either path
        assert runner_a.api("GET", f"/api/v1/sessions/{body['id']}", token_a).json == created.json
        replaced = runner_a.api(
            "PUT", f"/api/v1/runs/{body['id']}", token_a, json={**body, "notes": "Changed"}
        )
        assert replaced.status_code == 200 and replaced.json["notes"] == "Changed"
        assert (
            runner_a.api("GET", "/api/v1/runs", token_a).json
            == runner_a.api("GET", "/api/v1/sessions", token_a).json
        )
        assert runner_a.api("DELETE", f"/api/v1/sessions/{body['id']}", token_a).status_code == 204
        assert runner_a.api("GET", f"/api/v1/runs/{body['id']}", token_a).status_code == 404
        assert session_count(app) == 0

    @pytest.mark.parametrize("family", ["runs", "sessions"])
    def test_links_stay_on_the_path_the_client_used(self, runner_a, token_a, family):
        for _ in range(3):
            runner_a.log(token_a)
        page = runner_a.api("GET", f"/api/v1/{family}?limit=2", token_a).json
        assert page["next"].startswith(f"/api/v1/{family}?")
        assert len(runner_a.api("GET", page["next"], token_a).json["sessions"]) == 1
        body = session_payload()
        created = runner_a.api("POST", f"/api/v1/{family}", token_a, json=body)
        assert created.headers["Location"] == f"/api/v1/{family}/{body['id']}"

    def test_the_old_paths_are_documented_as_deprecated_aliases(self, app):
        paths = app.test_client().get("/api/v1/openapi.json").json["paths"]
        for new, old in (
            ("/api/v1/runs", "/api/v1/sessions"),
            ("/api/v1/runs/{run_id}", "/api/v1/sessions/{session_id}"),
        ):
            assert set(paths[new]) == set(paths[old])
            for method, operation in paths[new].items():
                assert not operation.get("deprecated")
                assert paths[old][method]["deprecated"] is True
                assert paths[old][method]["responses"].keys() == operation["responses"].keys()
