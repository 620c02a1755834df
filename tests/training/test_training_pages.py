"""The timer page, the plan on the progress page, and the log form pre-filled by the timer."""

from __future__ import annotations

import json
import re
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from backrun.extensions import db
from backrun.logbook.models import Run
from backrun.training.plan import WEEKS
from tests.support.apps import daylit_location
from tests.support.runners import hidden_fields

VADUZ = ZoneInfo("Europe/Vaduz")  # the runners' time zone (tests/logbook/helpers.py)


def last_weeks_comfortable_sessions(runner, token, count=3):
    """Sessions on Monday, Wednesday and Friday of last week: week 1 of the plan, done."""
    today = datetime.now(VADUZ).date()
    monday = today - timedelta(days=today.weekday() + 7)
    for offset in (0, 2, 4)[:count]:
        start = datetime.combine(monday + timedelta(days=offset), datetime.min.time(), VADUZ).replace(hour=7)
        runner.log(token, started_at=start.isoformat(), effort=3, soreness=[])


def input_value(html: str, name: str) -> str:
    return re.search(rf'<input id="[^"]+" name="{name}" type="[^"]+"[^>]*value="([^"]*)"', html).group(1)


def assert_no_inline_code(html: str) -> None:
    assert "style=" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert not re.search(r"\son[a-z]+=", html)


class TestTimerPage:
    def test_works_signed_out_with_the_plans_first_workout(self, app):
        response = app.test_client().get("/timer")
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-cache"  # public: the offline shell keeps it
        assert "X-Backrun-Runner" not in response.headers
        assert re.search(r'src="/static/(?:[0-9a-f]{12}/)?js/timer/ui.js" type="module"', html)
        assert (
            input_value(html, "bouts"),
            input_value(html, "backwardS"),
            input_value(html, "recoveryS"),
        ) == ("6", "30", "90")
        assert (input_value(html, "warmUpMin"), input_value(html, "coolDownMin")) == ("5", "5")
        assert "Beginner plan: week 1" in html and "Sign in</a> to follow the six-week plan" in html
        assert 'role="timer"' in html and 'role="status" aria-live="polite"' in html
        assert_no_inline_code(html)

    def test_offers_every_week_of_the_plan(self, app):
        html = app.test_client().get("/timer").get_data(as_text=True)
        presets = [
            json.loads(raw.replace("&#34;", '"')) for raw in re.findall(r"data-workout='([^']*)'", html)
        ]
        assert presets[1:] == [w.for_timer() for w in WEEKS]

    def test_the_same_page_for_any_advice_context(self, app):
        # The script reads the context from the URL: the kept offline copy serves every query.
        client = app.test_client()
        plain = client.get("/timer").get_data(as_text=True)
        assert (
            client.get("/timer?lat=47.1&lon=9.5&setting=outdoor&place=Vaduz").get_data(as_text=True) == plain
        )

    def test_signed_in_it_offers_todays_step_from_the_plan(self, runner_a, token_a):
        last_weeks_comfortable_sessions(runner_a, token_a)
        response = runner_a.client.get("/timer")
        html = response.get_data(as_text=True)
        assert "private" in response.headers["Cache-Control"] and response.headers["X-Backrun-Runner"]
        assert "Beginner plan: week 2 of 6, session 1 of 3" in html
        assert (
            input_value(html, "bouts"),
            input_value(html, "backwardS"),
            input_value(html, "recoveryS"),
        ) == ("8", "35", "75")
        assert_no_inline_code(html)

    def test_the_nav_and_im_going_lead_to_the_timer_with_the_advice_context(self, runner_a):
        lat, lon = daylit_location()
        html = runner_a.client.get("/advice", query_string={"lat": lat, "lon": lon, "minutes": 45}).get_data(
            as_text=True
        )
        going = re.search(r'id="im-going" href="([^"]+)"', html).group(1)
        timer = re.search(r'id="im-going-timer" href="([^"]+)"', html).group(1)
        assert timer.startswith("/timer?")
        assert timer.split("?", 1)[1] == going.split("?", 1)[1]  # the same lat, lon, minutes, setting
        assert '<a href="/timer"' in runner_a.client.get("/").get_data(as_text=True)


class TestPlanOnTheProgressPage:
    def test_a_new_runner_is_at_week_one(self, runner_a):
        html = runner_a.client.get("/progress").get_data(as_text=True)
        assert re.search(r'id="plan-where">Week <strong>1</strong> of 6, session 1 of 3', html)
        assert 'aria-current="step">1' in html
        assert "6 × 30 s backwards, 1 min 30 s walking between" in html
        assert 'href="/timer"' in html

    def test_shows_where_the_runner_is(self, runner_a, token_a):
        last_weeks_comfortable_sessions(runner_a, token_a)
        html = runner_a.client.get("/progress").get_data(as_text=True)
        assert re.search(r'id="plan-where">Week <strong>2</strong> of 6, session 1 of 3', html)
        assert '<li class="done">1 <span aria-hidden="true">✓</span>' in html
        assert_no_inline_code(html)

    def test_a_hard_session_holds_the_week(self, runner_a, token_a):
        last_weeks_comfortable_sessions(runner_a, token_a, count=2)
        runner_a.log(token_a, effort=7, soreness=[])
        html = runner_a.client.get("/progress").get_data(as_text=True)
        assert re.search(r'id="plan-where">Week <strong>1</strong> of 6, session 1 of 3', html)
        assert "it felt hard (effort 7)" in html


class TestLogFormFromTheTimer:
    def test_is_prefilled_with_what_the_timer_measured(self, app, runner_a):
        html = runner_a.client.get(
            "/log/new?duration_s=1230&bouts=6&backward_s=30&recovery_s=90&setting=treadmill&venue_name=Gym"
        ).get_data(as_text=True)
        assert re.search(r'name="duration" type="text" value="20:30"', html)
        assert re.search(r'name="bouts" type="number" value="6"', html)
        assert re.search(r'name="backward_s" type="number" value="30"', html)
        assert re.search(r'name="recovery_s" type="number" value="90"', html)
        assert re.search(r'<input type="radio" name="setting" value="treadmill" checked', html)
        assert 'value="Gym"' in html
        # For the copy kept offline, which is the blank form whatever the URL says.
        assert re.search(r'src="/static/(?:[0-9a-f]{12}/)?js/timer/log-prefill.js" type="module"', html)

    def test_a_short_workout_saves_with_its_seconds(self, app, runner_a):
        lat, lon = daylit_location()
        html = runner_a.client.get(
            f"/log/new?lat={lat}&lon={lon}&setting=outdoor&place=Vaduz"
            "&duration_s=9&bouts=2&backward_s=3&recovery_s=3"
        ).get_data(as_text=True)
        fields = hidden_fields(html)
        assert fields["weather_token"], "the weather snapshot comes along as from I'm going"
        form = {
            **fields,
            "started_local": re.search(
                r'name="started_local" type="datetime-local" value="([^"]*)"', html
            ).group(1),
            "duration": re.search(r'name="duration" type="text" value="([^"]*)"', html).group(1),
            "bouts": "2",
            "backward_s": "3",
            "recovery_s": "3",
            "setting": "outdoor",
            "venue_name": "Vaduz",
            "effort": "3",
        }
        assert form["duration"] == "0:09"
        assert runner_a.post("/log/new", form).status_code == 303
        with app.app_context():
            stored = db.session.get(Run, uuid.UUID(fields["id"]))
            assert (stored.duration_s, stored.bouts, stored.backward_s, stored.recovery_s) == (9, 2, 3, 3)
            assert stored.weather["verdict"] == "go"

    def test_nonsense_numbers_are_left_out(self, runner_a):
        html = runner_a.client.get(
            "/log/new?duration_s=-5&bouts=abc&backward_s=99999999&recovery_s=١٢"
        ).get_data(as_text=True)
        for name in ("duration", "bouts", "backward_s", "recovery_s"):
            assert re.search(rf'name="{name}" type="\w+" value=""', html), name


def test_the_service_worker_keeps_the_timer_for_no_signal(app):
    source = app.test_client().get("/sw.js").get_data(as_text=True)
    build = json.loads(re.search(r"const BUILD = (\{.*?\});\n", source).group(1))
    shell = {re.sub(r"^/static/(?:[0-9a-f]{12}/)?", "", url) for url in build["shell"]}
    timer = Path(app.static_folder) / "js" / "timer"
    modules = {f"js/timer/{path.name}" for path in timer.glob("*.js")}
    assert {
        f"js/timer/{name}.js" for name in ("engine", "audio", "feedback", "log-link", "ui", "log-prefill")
    } <= modules
    assert modules <= shell, "a timer module the service worker doesn't keep breaks the timer offline"
    # ...and every module they import is one of them (a new file must be in static/js/timer/).
    for path in timer.glob("*.js"):
        for imported in re.findall(r'^import .*? from "\./([^"]+)";$', path.read_text(), re.MULTILINE):
            assert f"js/timer/{imported}" in modules, f"{path.name} imports {imported}"
    assert "/timer" in build["shellPages"]  # signed out, from the install on
    assert "/timer" in build["runnerPages"]  # signed in, with the runner's plan step, for any query
