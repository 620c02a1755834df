"""Your data is yours: CSV export and import (preview and report first), JSON export of everything."""

from __future__ import annotations

import csv
import html
import io
import json
import re

import pytest

from tests.support.runners import session_count


def _upload(runner, text: str | bytes, name: str = "sessions.csv"):
    data = text.encode() if isinstance(text, str) else text
    return runner.post("/data/import", {"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def _confirm(runner, preview_html: str):
    text = re.search(
        r'<textarea name="csv" hidden aria-hidden="true" tabindex="-1">(.*?)</textarea>', preview_html, re.S
    ).group(1)
    return runner.post(
        "/data/import/confirm", {"csv": html.unescape(text)}, content_type="multipart/form-data"
    )


def _rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


class TestExport:
    def test_csv_has_every_session_in_metric_units(self, runner_a, token_a):
        one = runner_a.log(
            token_a,
            started_at="2026-01-05T07:00:00+01:00",
            notes="line one\nline two",
            soreness=["calves", "knees"],
        )
        two = runner_a.log(
            token_a, started_at="2026-01-06T07:00:00+01:00", intervals=None, distance_m=None, venue=None
        )
        response = runner_a.client.get("/data/export.csv")
        assert response.status_code == 200 and response.mimetype == "text/csv"
        assert "attachment" in response.headers["Content-Disposition"]
        rows = _rows(response.get_data(as_text=True))
        assert [r["id"] for r in rows] == [one["id"], two["id"]]  # oldest first
        assert rows[0]["started_at"] == "2026-01-05T07:00:00+01:00" and rows[0]["duration_s"] == "1200"
        assert rows[0]["distance_m"] == "2500.0" and rows[0]["soreness"] == "calves;knees"
        assert rows[0]["notes"] == "line one\nline two" and rows[0]["venue_osm"] == "way/123456"
        assert rows[1]["bouts"] == "" and rows[1]["distance_m"] == ""

    def test_cells_that_look_like_formulas_are_exported_as_text(self, runner_a, token_a):
        runner_a.log(token_a, notes='=HYPERLINK("http://evil")', venue={"name": "+cmd"})
        row = _rows(runner_a.client.get("/data/export.csv").get_data(as_text=True))[0]
        assert row["notes"].startswith("'=") and row["venue_name"] == "'+cmd"

    def test_json_has_everything_but_secrets(self, runner_a, token_a):
        stored = runner_a.log(token_a, weather=None, weather_token=runner_a.weather_token(token_a))
        assert stored["weather"]["source"] == "open-meteo"
        response = runner_a.client.get("/data/export.json")
        body = json.loads(response.get_data(as_text=True))
        assert body["format"] == "backrun-export/1"
        assert body["account"]["email"] == runner_a.email and body["account"]["weekly_target"] == 3
        assert body["sessions"] == [stored]
        assert body["api_tokens"][0]["prefix"] and "token_hash" not in json.dumps(body)
        assert token_a not in response.get_data(as_text=True)


class TestImport:
    def test_preview_writes_nothing_and_confirm_imports(self, app, runner_a, token_a):
        runner_a.log(token_a, notes="kept")
        exported = runner_a.client.get("/data/export.csv").get_data(as_text=True)
        extra = "\r\n,2026-02-01T08:00:00+00:00,900,,treadmill,,,,,,,,4,calves,from a spreadsheet,,"  # pattern empty
        preview = _upload(runner_a, exported.rstrip("\r\n") + extra)
        html = preview.get_data(as_text=True)
        assert preview.status_code == 200
        assert re.search(r'id="import-valid">1<', html) and re.search(r'id="import-skipped">1<', html)
        assert "from a spreadsheet" in html
        assert session_count(app) == 1
        done = _confirm(runner_a, html)
        assert done.status_code == 303
        assert session_count(app) == 2
        assert "Imported 1 session; 1 row skipped." in runner_a.client.get("/log").get_data(as_text=True)

    def test_importing_the_same_file_twice_adds_nothing_twice(self, app, runner_a):
        text = "started_at,duration_s,setting,effort\r\n2026-02-01T08:00:00+00:00,900,treadmill,4\r\n2026-02-02T08:00:00+00:00,600,outdoor,\r\n"
        _confirm(runner_a, _upload(runner_a, text).get_data(as_text=True))
        assert session_count(app) == 2
        again = _upload(runner_a, text).get_data(as_text=True)
        assert re.search(r'id="import-valid">0<', again) and re.search(r'id="import-skipped">2<', again)
        assert session_count(app) == 2

    def test_export_then_import_restores_a_log(self, app, runner_a, token_a):
        stored = [
            runner_a.log(token_a, notes=f"session {i}", soreness=["quads"] if i else []) for i in range(3)
        ]
        exported = runner_a.client.get("/data/export.csv").get_data(as_text=True)
        for session in stored:
            runner_a.api("DELETE", f"/api/v1/sessions/{session['id']}", token_a)
        _confirm(runner_a, _upload(runner_a, exported).get_data(as_text=True))
        listed = runner_a.api("GET", "/api/v1/sessions", token_a).json["sessions"]
        keep = (
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
        )
        assert sorted(({k: s[k] for k in keep} for s in listed), key=lambda s: s["notes"]) == [
            {k: s[k] for k in keep} for s in stored
        ]

    def test_the_report_names_each_bad_row_and_field(self, app, runner_a):
        text = (
            "started_at,duration_s,setting,effort,notes\r\n"
            "2026-02-01T08:00:00+00:00,900,treadmill,4,fine\r\n"
            "2026-02-01T08:00:00,0,road,11,\r\n"
            "2099-01-01T08:00:00+00:00,ten,outdoor,,\r\n"
        )
        response = _upload(runner_a, text)
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert re.search(r'id="import-valid">1<', html) and re.search(r'id="import-invalid">2<', html)
        for line, field in (
            (3, "started_at"),
            (3, "duration_s"),
            (3, "setting"),
            (3, "effort"),
            (4, "duration_s"),
        ):
            assert re.search(rf"<li>Line {line}, <code>{field}</code>:", html), (
                line,
                field,
            )  # a list: fits a phone
        assert session_count(app) == 0

    @pytest.mark.parametrize(
        ("content", "message"),
        [
            ("", "The file is empty."),
            ("when,how_long\r\n2026-01-01,5\r\n", "unknown columns when, how_long"),
            ("started_at,duration_s\r\n2026-01-01T08:00:00+00:00,5\r\n", "missing column setting"),
            ('started_at,duration_s,setting\r\n"2026-01-01,5,outdoor\r\n', None),
        ],
    )
    def test_unusable_files_say_why(self, app, runner_a, content, message):
        response = _upload(runner_a, content)
        html = response.get_data(as_text=True)
        assert response.status_code in (200, 422)
        if message:
            assert message in html
        assert session_count(app) == 0

    def test_a_file_that_isnt_utf8_is_refused_clearly(self, app, runner_a):
        response = _upload(
            runner_a,
            "started_at,duration_s,setting,notes\r\n2026-01-01T08:00:00+00:00,60,outdoor,caf\xe9\r\n".encode(
                "latin-1"
            ),
        )
        assert response.status_code == 422
        assert "isn’t UTF-8" in response.get_data(as_text=True)

    def test_another_runners_ids_are_not_taken_over(self, app, runner_a, runner_b, token_a):
        runner_a.log(token_a, notes="A's")
        exported = runner_a.client.get("/data/export.csv").get_data(as_text=True)
        html = _upload(runner_b, exported).get_data(as_text=True)
        assert "This id belongs to another account." in html
        assert session_count(app, runner_b.user_id) == 0

    def test_the_import_forms_need_csrf(self, app, runner_a):
        response = runner_a.client.post(
            "/data/import",
            data={"file": (io.BytesIO(b"started_at,duration_s,setting\r\n"), "x.csv")},
            content_type="multipart/form-data",
        )
        assert response.status_code == 400
        response = runner_a.client.post(
            "/data/import/confirm",
            data={"csv": "started_at,duration_s,setting\r\n2026-01-01T08:00:00+00:00,60,outdoor\r\n"},
        )
        assert response.status_code == 400
        assert session_count(app) == 0

    def test_a_large_import_fits(self, app, runner_a):
        lines = ["started_at,duration_s,setting,notes"] + [
            f"2025-01-01T08:00:00+00:00,{60 + i},outdoor,{'n' * 100}" for i in range(3000)
        ]
        text = "\r\n".join(lines) + "\r\n"
        assert len(text) > 256 * 1024  # more than any other request may send
        preview = _upload(runner_a, text)
        assert preview.status_code == 200
        assert _confirm(runner_a, preview.get_data(as_text=True)).status_code == 303
        assert session_count(app) == 3000
