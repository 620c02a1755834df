"""The logbook's pages: "I'm going", the log form, list, filters, paging, edit, delete, isolation."""

from __future__ import annotations

import html as html_lib
import json
import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from backrun.extensions import db
from backrun.logbook.models import Run
from tests.support.apps import daylit_location
from tests.support.runners import HTMX, hidden_fields, session_count, session_payload


def _form(runner, url="/log/new"):
    page = runner.client.get(url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    fields = hidden_fields(html)
    fields["started_local"] = re.search(
        r'name="started_local" type="datetime-local" value="([^"]*)"', html
    ).group(1)
    return html, fields


def _valid_form(**overrides) -> dict:
    return {
        "duration": "20",
        "setting": "outdoor",
        "venue_name": "Town track",
        "surface": "synthetic_track",
        "bouts": "6",
        "backward_s": "30",
        "recovery_s": "60",
        "effort": "3",
        "notes": "Felt good",
        **overrides,
    }


def _stored(app, session_id):
    with app.app_context():
        return db.session.get(Run, uuid.UUID(str(session_id)))


class TestImGoing:
    def test_the_advice_page_offers_im_going_with_coordinates_only(self, runner_a):
        lat, lon = daylit_location()
        html = runner_a.client.get("/advice", query_string={"lat": lat, "lon": lon, "minutes": 45}).get_data(
            as_text=True
        )
        link = re.search(r'<a class="button primary" id="im-going"\s+href="([^"]+)"', html).group(1)
        assert (
            link.startswith("/log/new?")
            and "lat=5.0000" in link
            and "minutes=45" in link
            and "setting=outdoor" in link
        )
        assert "weather=" not in link  # the snapshot is never carried by the client

    def test_signed_out_runners_are_asked_to_sign_in_first(self, app):
        lat, lon = daylit_location()
        html = app.test_client().get("/advice", query_string={"lat": lat, "lon": lon}).get_data(as_text=True)
        assert "I’m going" in html and "(sign in first)" in html

    def test_the_form_is_prefilled_and_the_session_keeps_the_weather(self, app, runner_a, open_meteo):
        lat, lon = daylit_location()
        html, fields = _form(runner_a, f"/log/new?lat={lat}&lon={lon}&minutes=30&setting=outdoor&place=Vaduz")
        assert 'value="Vaduz"' in html
        assert re.search(r'<input type="radio" name="setting" value="outdoor" checked', html)
        assert "Weather advice when you set off: <strong>Go</strong>" in html
        assert fields["weather_token"]
        # The snapshot is also readable by a script (the offline outbox sends it with the API).
        readable = json.loads(html_lib.unescape(re.search(r"data-weather='([^']*)'", html).group(1)))
        assert readable["verdict"] == "go" and readable["source"] == "open-meteo"
        response = runner_a.post("/log/new", {**fields, **_valid_form(venue_name="Vaduz")})
        assert response.status_code == 303
        stored = _stored(app, fields["id"])
        assert stored.weather["verdict"] == "go" and stored.weather["source"] == "open-meteo"
        assert stored.weather["location"] == {"lat": round(lat, 2), "lon": round(lon, 2)}
        assert stored.venue_name == "Vaduz" and stored.setting == "outdoor"

    def test_indoors_advice_suggests_the_treadmill(self, runner_a, open_meteo):
        open_meteo.set_weather(
            {o: {"precipitation": 2.0, "rain": 2.0, "weather_code": 63} for o in range(-2, 10)}
        )
        lat, lon = daylit_location()
        html, _ = _form(runner_a, f"/log/new?lat={lat}&lon={lon}")
        assert re.search(r'<input type="radio" name="setting" value="treadmill" checked', html)
        assert "<strong>Indoors</strong>" in html

    def test_a_forged_or_foreign_weather_snapshot_is_dropped(self, app, runner_a, runner_b):
        lat, lon = daylit_location()
        _, fields_b = _form(runner_b, f"/log/new?lat={lat}&lon={lon}")
        _, fields = _form(runner_a)
        for token in (fields_b["weather_token"], "eyJ2ZXJkaWN0IjoiZ28ifQ.forged.sig"):
            session_id = str(uuid.uuid4())
            response = runner_a.post(
                "/log/new", {**fields, "id": session_id, "weather_token": token, **_valid_form()}
            )
            assert response.status_code == 303
            assert _stored(app, session_id).weather is None

    def test_a_bad_place_in_the_link_just_means_no_snapshot(self, runner_a):
        html, fields = _form(runner_a, "/log/new?lat=999&lon=abc&venue_osm=javascript:alert(1)")
        assert fields["weather_token"] == "" and fields["venue_osm"] == ""
        assert "Weather advice when you set off" not in html


class TestLogForm:
    def test_logs_a_session_in_the_runners_units_and_zone(self, app, runner_a):
        runner_a.post(
            "/settings",
            {"units": "mi", "weekly_target": "3", "body_weight": "", "time_zone": "America/New_York"},
        )
        _, fields = _form(runner_a)
        assert fields["tz"] == "America/New_York"
        data = {**fields, **_valid_form(distance="1", duration="12:30"), "started_local": "2026-07-04T07:15"}
        assert runner_a.post("/log/new", data).status_code == 303
        stored = _stored(app, fields["id"])
        assert stored.distance_m == pytest.approx(1609.3, abs=0.1)
        assert stored.duration_s == 750
        assert stored.local_start.isoformat() == "2026-07-04T07:15:00-04:00"
        assert stored.started_at == datetime(2026, 7, 4, 11, 15, tzinfo=UTC)

    def test_the_browser_zone_wins_over_the_account_zone(self, app, runner_a):
        _, fields = _form(runner_a)
        data = {**fields, **_valid_form(), "tz": "Asia/Tokyo", "started_local": "2026-01-10T06:00"}
        runner_a.post("/log/new", data)
        assert _stored(app, fields["id"]).local_start.isoformat() == "2026-01-10T06:00:00+09:00"

    @pytest.mark.parametrize(
        ("change", "field", "message"),
        [
            ({"duration": "0"}, "duration", "Enter a duration over 0 and at most 12 hours."),
            ({"duration": "-5"}, "duration", "Enter a duration over 0 and at most 12 hours."),
            ({"duration": "721"}, "duration", "Enter a duration over 0 and at most 12 hours."),
            ({"duration": "ten"}, "duration", "Enter minutes (e.g. 25 or 12.5)"),
            ({"duration": ""}, "duration", "Enter how long the session lasted."),
            ({"started_local": "tomorrow"}, "started_local", "Enter the date and time you started."),
            ({"started_local": "2099-01-01T10:00"}, "started_local", "more than a day in the future"),
            ({"notes": "x" * 10_001}, "notes", "At most 10,000 characters."),
            ({"effort": "11"}, "effort", "from 1 to 10"),
            ({"effort": "hard"}, "effort", "Enter a whole number."),
            ({"setting": "road"}, "setting", "Must be one of"),
            ({"surface": "lava"}, "surface", "Must be one of"),
            ({"distance": "far"}, "distance", "Enter a number"),
            (
                {"bouts": "6", "backward_s": ""},
                "intervals",
                "Give the number of bouts and the seconds of each",
            ),
            ({"bouts": "100", "backward_s": "60"}, "intervals", "add up to more than the whole session"),
        ],
    )
    def test_invalid_input_is_a_422_with_the_message_at_the_field(
        self, app, runner_a, change, field, message
    ):
        _, fields = _form(runner_a)
        response = runner_a.post("/log/new", {**fields, **_valid_form(**change)})
        html = response.get_data(as_text=True)
        assert response.status_code == 422
        assert message in html
        assert f'id="{field}-error"' in html
        assert 'class="error-summary" role="alert"' in html
        if field != "intervals" and field != "setting":
            assert re.search(
                rf'id="{field}"[^>]*aria-describedby="[^"]*{field}-error"[^>]*aria-invalid="true"[^>]*autofocus',
                html,
            )
        assert session_count(app) == 0

    def test_sending_the_same_form_twice_logs_it_once(self, app, runner_a):
        _, fields = _form(runner_a)
        first = runner_a.post("/log/new", {**fields, **_valid_form()})
        second = runner_a.post("/log/new", {**fields, **_valid_form()})
        assert first.status_code == second.status_code == 303
        assert first.headers["Location"] == second.headers["Location"]
        assert session_count(app) == 1

    def test_soreness_is_saved_as_ticked(self, app, runner_a):
        _, fields = _form(runner_a)
        data = {**fields, **_valid_form()}
        response = runner_a.client.post(
            "/log/new", data={**data, "csrf_token": runner_a.csrf, "soreness": ["calves", "knees"]}
        )
        assert response.status_code == 303
        assert _stored(app, fields["id"]).soreness == ["calves", "knees"]

    def test_works_without_javascript_no_inline_script_or_style(self, runner_a):
        html, _ = _form(runner_a)
        assert 'method="post" action="/log/new"' in html
        assert "style=" not in html
        assert not re.search(r"<script(?![^>]*\bsrc=)", html)
        for name in (
            "started_local",
            "duration",
            "distance",
            "venue_name",
            "surface",
            "bouts",
            "backward_s",
            "recovery_s",
            "effort",
            "notes",
        ):
            assert f'<label for="{name}">' in html, name


class TestList:
    def test_newest_first_with_paging(self, runner_a, token_a):
        start = datetime(2026, 3, 1, 8, tzinfo=UTC)
        for day in range(25):
            runner_a.log(token_a, started_at=(start + timedelta(days=day)).isoformat(), notes=f"day {day}")
        html = runner_a.client.get("/log").get_data(as_text=True)
        assert html.count('class="session-item"') == 20
        assert html.index("25 Mar 2026") < html.index("24 Mar 2026")
        next_url = re.search(r'<a class="button" href="([^"]+)" hx-get=', html).group(1).replace("&amp;", "&")
        fragment = runner_a.client.get(next_url, headers=HTMX)
        body = fragment.get_data(as_text=True)
        assert "<html" not in body and body.count('class="session-item"') == 5
        assert "Show older sessions" not in body
        assert "HX-Request" in fragment.headers["Vary"]
        assert runner_a.client.get(next_url).get_data(as_text=True).count("<html") == 1

    def test_filters_by_month_and_setting_as_page_and_fragment(self, runner_a, token_a):
        runner_a.log(
            token_a, started_at="2026-04-10T10:00:00+02:00", setting="treadmill", notes="april treadmill"
        )
        runner_a.log(
            token_a, started_at="2026-04-11T10:00:00+02:00", setting="outdoor", notes="april outdoor"
        )
        runner_a.log(
            token_a, started_at="2026-05-01T10:00:00+02:00", setting="treadmill", notes="may treadmill"
        )
        page = runner_a.client.get("/log?month=2026-04&setting=treadmill").get_data(as_text=True)
        assert page.count('class="session-item"') == 1 and "10 Apr 2026" in page
        assert 'value="2026-04"' in page and '<option value="treadmill" selected>' in page
        fragment = runner_a.client.get("/log?month=2026-05", headers=HTMX).get_data(as_text=True)
        assert fragment.count('class="session-item"') == 1 and "1 May 2026, 10:00" in fragment
        empty = runner_a.client.get("/log?month=2025-01").get_data(as_text=True)
        assert "No sessions match these filters." in empty

    @pytest.mark.parametrize(
        "query",
        [
            "month=April",
            "month=2026-00",
            "month=9999-12",
            "month=0000-01",
            "setting=moon",
            "cursor=broken!",
            "cursor=" + "A" * 300,
        ],
    )
    def test_bad_filters_are_a_clear_400(self, runner_a, query):
        response = runner_a.client.get(f"/log?{query}")
        assert response.status_code == 400
        assert 'role="alert"' in response.get_data(as_text=True)

    def test_script_in_notes_is_shown_as_text(self, runner_a, token_a):
        stored = runner_a.log(token_a, notes="<script>alert('x')</script>", venue={"name": "<b>Track</b>"})
        for url in (f"/log/{stored['id']}", "/log"):
            html = runner_a.client.get(url).get_data(as_text=True)
            assert "<script>alert" not in html and "<b>Track" not in html
        detail = runner_a.client.get(f"/log/{stored['id']}").get_data(as_text=True)
        assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in detail


class TestEditAndDelete:
    def test_edit_is_prefilled_and_saves(self, app, runner_a, token_a):
        stored = runner_a.log(
            token_a, started_at="2026-02-02T18:45:00+01:00", duration_s=750, distance_m=2000.0
        )
        html = runner_a.client.get(f"/log/{stored['id']}/edit").get_data(as_text=True)
        assert 'value="2026-02-02T18:45"' in html and 'value="12:30"' in html and 'value="2.00"' in html
        assert 'value="way/123456"' in html
        data = {
            **hidden_fields(html),
            **_valid_form(duration="15", notes="edited"),
            "started_local": "2026-02-02T19:00",
        }
        response = runner_a.post(f"/log/{stored['id']}/edit", data)
        assert response.status_code == 303
        session = _stored(app, stored["id"])
        assert session.duration_s == 900 and session.notes == "edited"
        assert session.local_start.isoformat() == "2026-02-02T19:00:00+01:00"  # the logged offset is kept
        assert session.venue_osm == "way/123456"

    def test_an_invalid_edit_changes_nothing(self, app, runner_a, token_a):
        stored = runner_a.log(token_a)
        html = runner_a.client.get(f"/log/{stored['id']}/edit").get_data(as_text=True)
        response = runner_a.post(
            f"/log/{stored['id']}/edit",
            {**hidden_fields(html), **_valid_form(duration="0"), "started_local": "2026-02-02T19:00"},
        )
        assert response.status_code == 422
        assert _stored(app, stored["id"]).duration_s == stored["duration_s"]

    def test_edit_cannot_move_the_form_to_another_session(self, app, runner_a, token_a):
        one, two = runner_a.log(token_a, notes="one"), runner_a.log(token_a, notes="two")
        html = runner_a.client.get(f"/log/{one['id']}/edit").get_data(as_text=True)
        data = {
            **hidden_fields(html),
            **_valid_form(notes="changed"),
            "id": two["id"],
            "started_local": "2026-02-02T19:00",
        }
        runner_a.post(f"/log/{one['id']}/edit", data)
        assert _stored(app, one["id"]).notes == "changed" and _stored(app, two["id"]).notes == "two"

    def test_delete_asks_first_then_deletes(self, app, runner_a, token_a):
        stored = runner_a.log(token_a)
        question = runner_a.client.get(f"/log/{stored['id']}/delete")
        assert question.status_code == 200 and "This can’t be undone." in question.get_data(as_text=True)
        assert session_count(app) == 1
        response = runner_a.post(f"/log/{stored['id']}/delete")
        assert response.status_code == 303 and response.headers["Location"] == "/log"
        assert session_count(app) == 0
        assert "Session deleted." in runner_a.client.get("/log").get_data(as_text=True)

    def test_delete_in_the_list_with_htmx_swaps_the_row(self, app, runner_a, token_a):
        stored = runner_a.log(token_a)
        question = runner_a.client.get(f"/log/{stored['id']}/delete", headers=HTMX).get_data(as_text=True)
        assert question.lstrip().startswith('<li class="session-item confirm-delete"')
        keep = runner_a.client.get(f"/log/{stored['id']}", headers=HTMX).get_data(as_text=True)
        assert keep.lstrip().startswith('<li class="session-item"')
        gone = runner_a.post(f"/log/{stored['id']}/delete", headers=HTMX)
        assert gone.status_code == 200 and "deleted." in gone.get_data(as_text=True)
        assert "<html" not in gone.get_data(as_text=True)
        assert session_count(app) == 0

    def test_delete_without_csrf_deletes_nothing(self, app, runner_a, token_a):
        stored = runner_a.log(token_a)
        assert runner_a.client.post(f"/log/{stored['id']}/delete").status_code == 400
        assert session_count(app) == 1


class TestIsolation:
    @pytest.mark.parametrize(
        ("method", "suffix"),
        [("GET", ""), ("GET", "/edit"), ("POST", "/edit"), ("GET", "/delete"), ("POST", "/delete")],
    )
    def test_another_runners_session_is_404_on_every_page(
        self, app, runner_a, runner_b, token_a, method, suffix
    ):
        stored = runner_a.log(token_a, notes="A's private notes")
        url = f"/log/{stored['id']}{suffix}"
        if method == "GET":
            response = runner_b.client.get(url)
        else:
            response = runner_b.post(
                url, {**_valid_form(notes="B was here"), "started_local": "2026-01-01T10:00"}
            )
        assert response.status_code == 404
        assert "A's private notes" not in response.get_data(as_text=True)
        session = _stored(app, stored["id"])
        assert session is not None and session.notes == "A's private notes"

    def test_lists_progress_and_exports_show_only_your_own(self, runner_a, runner_b, token_a):
        runner_a.log(token_a, notes="A's private notes")
        for url in ("/log", "/progress", "/data/export.csv", "/data/export.json"):
            body = runner_b.client.get(url).get_data(as_text=True)
            assert "A's private notes" not in body and runner_a.email not in body, url
        assert "No sessions yet" in runner_b.client.get("/log").get_data(as_text=True)
        assert re.search(r'id="total-sessions">0<', runner_b.client.get("/progress").get_data(as_text=True))

    def test_the_log_form_cannot_overwrite_another_runners_session(self, app, runner_a, runner_b, token_a):
        stored = runner_a.log(token_a, notes="A's")
        _, fields = _form(runner_b)
        response = runner_b.post("/log/new", {**fields, **_valid_form(notes="B's"), "id": stored["id"]})
        assert response.status_code == 422
        assert (
            _stored(app, stored["id"]).notes == "A's"
            and _stored(app, stored["id"]).user_id == runner_a.user_id
        )


class TestProgressPage:
    def test_shows_the_week_streak_totals_chart_and_next_step(self, app, runner_a, token_a):
        empty = runner_a.client.get("/progress").get_data(as_text=True)
        assert "Start with 30-second backward bouts" in empty and 'id="week-count">0<' in empty
        now = datetime.now(UTC)
        runner_a.log(
            token_a,
            started_at=(now - timedelta(hours=1)).isoformat(),
            duration_s=600,
            intervals={"bouts": 5, "backward_s": 40, "recovery_s": 60},
            effort=3,
            soreness=[],
        )
        html = runner_a.client.get("/progress").get_data(as_text=True)
        assert re.search(r'id="total-sessions">1<', html)
        assert re.search(r'id="total-minutes">3.3 min<', html)  # 5 x 40 s backwards
        assert re.search(r'id="longest-bout">40 s<', html)
        # 40 s bouts are already past week 1 of the plan (30 s): the coach never suggests more than its next step.
        assert "Stay with the plan: 30-second bouts" in html and "Try 45-second bouts" not in html
        assert "<svg" in html and 'role="img"' in html and '<text class="chart-value"' in html
        assert "style=" not in html
        assert "Add your body weight" in html

    def test_energy_appears_with_a_body_weight(self, runner_a, token_a):
        runner_a.post(
            "/settings", {"units": "km", "weekly_target": "3", "body_weight": "70", "time_zone": "UTC"}
        )
        runner_a.log(
            token_a,
            started_at=datetime.now(UTC).isoformat(),
            duration_s=3600,
            intervals=None,
            pattern="continuous",
            distance_m=None,
        )  # the runner says all of it was backwards
        html = runner_a.client.get("/progress").get_data(as_text=True)
        assert "about 784 kcal" in html  # 11.2 MET x 70 kg x 1 h
        assert "11.2 MET" in html


class TestDataPages:
    def test_data_page_and_exports_need_a_sign_in(self, app):
        for url in ("/data", "/data/export.csv", "/data/export.json"):
            assert app.test_client().get(url).status_code == 303


def test_every_logbook_page_has_no_inline_style_or_script(runner_a, token_a):
    stored = runner_a.log(token_a)
    for url in (
        "/log",
        "/log/new",
        f"/log/{stored['id']}",
        f"/log/{stored['id']}/edit",
        f"/log/{stored['id']}/delete",
        "/progress",
        "/data",
        "/settings",
        "/login",
        "/signup",
    ):
        html = runner_a.client.get(url).get_data(as_text=True)
        assert "style=" not in html, url
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), url
        assert not re.search(r"\son[a-z]+=", html), url


def test_json_and_pages_disagree_on_nothing(runner_a, token_a):
    stored = runner_a.log(token_a, **session_payload(duration_s=754, effort=7, soreness=["quads"]))
    html = runner_a.client.get(f"/log/{stored['id']}").get_data(as_text=True)
    assert "12 min 34 s" in html and "7/10" in html and "quads" in html


class TestTheOutboxPath:
    """The offline outbox sends a kept form to the JSON API, signed in by the page's cookie with the
    CSRF token in a header; the log form itself serves forms only (no hand-built JSON)."""

    def test_the_api_takes_the_signed_in_browser_and_stays_idempotent(self, app, runner_a):
        body = session_payload()
        headers = {"X-CSRFToken": runner_a.csrf}
        first = runner_a.client.post("/api/v1/runs", json=body, headers=headers)
        again = runner_a.client.post("/api/v1/runs", json=body, headers=headers)
        assert (first.status_code, again.status_code) == (201, 200)
        assert first.json["id"] == body["id"] and first.json == again.json
        assert session_count(app) == 1

    def test_a_cookie_write_without_the_csrf_header_is_refused(self, app, runner_a):
        response = runner_a.client.post("/api/v1/runs", json=session_payload())
        assert response.status_code == 403 and response.json["error"] == "csrf_failed"
        forged = runner_a.client.post(
            "/api/v1/runs", json=session_payload(), headers={"X-CSRFToken": "not-the-token"}
        )
        assert forged.status_code == 403
        assert session_count(app) == 0

    def test_signed_out_the_api_is_a_401(self, app, runner_a):
        csrf = runner_a.csrf
        runner_a.post("/logout")
        response = runner_a.client.post("/api/v1/runs", json=session_payload(), headers={"X-CSRFToken": csrf})
        assert response.status_code == 401
        assert session_count(app) == 0

    def test_the_log_form_answers_as_a_form_whatever_the_accept_header(self, app, runner_a):
        json_please = {"Accept": "application/json"}
        _, fields = _form(runner_a)
        invalid = runner_a.post("/log/new", {**fields, **_valid_form(duration="0")}, headers=json_please)
        assert invalid.status_code == 422 and invalid.mimetype == "text/html"
        assert 'aria-invalid="true"' in invalid.get_data(as_text=True)
        saved = runner_a.post("/log/new", {**fields, **_valid_form()}, headers=json_please)
        assert saved.status_code == 303 and saved.headers["Location"] == f"/log/{fields['id']}"
        assert session_count(app) == 1


def test_a_new_entry_takes_the_browsers_time_zone_and_an_edit_keeps_its_own(runner_a):
    html, fields = _form(runner_a)
    assert re.search(r'name="tz"[^>]*data-browser-time-zone', html)
    created = runner_a.post("/log/new", {**fields, **_valid_form()})
    assert created.status_code in (302, 303)
    with runner_a.app.app_context():
        stored = db.session.scalars(db.select(Run)).one()
    edit = runner_a.client.get(f"/log/{stored.id}/edit").get_data(as_text=True)
    assert 'name="tz"' in edit and not re.search(r'name="tz"[^>]*data-browser-time-zone', edit)
