"""Display units: every unit on every page a runner reads, storage and the API metric throughout."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from backrun.extensions import db
from backrun.logbook.models import Run
from backrun.platform import units
from backrun.platform.units import Units
from tests.support.apps import daylit_location
from tests.support.runners import FAST_HASH, make_logbook_app

# --- conversions ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("celsius", "unit", "text"),
    [
        (12.0, "c", "12 °C"),
        (12.0, "f", "54 °F"),
        (-4.4, "c", "−4 °C"),
        (-40.0, "f", "−40 °F"),
        (-0.2, "c", "0 °C"),
        (None, "f", ""),
    ],
)
def test_temperature(celsius, unit, text):
    assert units.temperature(celsius, unit) == text


@pytest.mark.parametrize(
    ("kmh", "unit", "text"),
    [
        (10.0, "kmh", "10 km/h"),
        (10.0, "mph", "6 mph"),
        (10.0, "ms", "3 m/s"),
        (100.0, "mph", "62 mph"),
        (36.0, "ms", "10 m/s"),
        (None, "kmh", ""),
    ],
)
def test_wind(kmh, unit, text):
    assert units.wind(kmh, unit) == text


@pytest.mark.parametrize(
    ("metres", "unit", "text"),
    [
        (0, "km", "0 m"),
        (246, "km", "250 m"),
        (1234, "km", "1.2 km"),
        (12_345, "km", "12 km"),
        (120, "mi", "< 0.1 mi"),
        (1609.344, "mi", "1.0 mi"),
        (20_000, "mi", "12 mi"),
        (None, "km", ""),
    ],
)
def test_distance(metres, unit, text):
    assert units.distance(metres, unit) == text


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        (["en-US", "en"], Units("mi", "f", "mph")),
        (["en-GB"], Units("mi", "c", "mph")),
        (["de-CH", "de"], Units()),
        (["fr"], Units()),
        ([], Units()),
        (["en_us"], Units("mi", "f", "mph")),
        (["*"], Units()),
        (["zh-Hant-TW"], Units()),
        (["es-419", "es-US"], Units("mi", "f", "mph")),
    ],
)
def test_the_locale_decides_for_signed_out_visitors(tags, expected):
    assert units.for_language_tags(tags) == expected


def test_sentences_written_in_metric_read_in_the_runners_units():
    message = "Gusts up to 62 km/h can push you off balance. Wind chill of −12 °C: cover up."
    assert units.in_text(message, Units()) == message
    assert units.in_text(message, Units("mi", "f", "mph")) == (
        "Gusts up to 39 mph can push you off balance. Wind chill of 10 °F: cover up."
    )
    assert units.in_text(message, Units("km", "c", "ms")) == (
        "Gusts up to 17 m/s can push you off balance. Wind chill of −12 °C: cover up."
    )


def test_invalid_choices_fall_back_to_metric():
    assert Units.of("furlong", "k", "knots") == Units()


# --- pages ---------------------------------------------------------------------------------


@pytest.fixture
def app(tmp_path, open_meteo, met_no, nominatim):
    return make_logbook_app(tmp_path, open_meteo, met_no, nominatim, **FAST_HASH)


# The fake's default weather: 12 °C, wind 10 km/h, gusts 18 km/h; a session of 2500 m.
EXPECTED = {
    ("km", "c", "kmh"): ("12 °C", "10 km/h", "18 km/h", "2.50 km"),
    ("mi", "f", "mph"): ("54 °F", "6 mph", "11 mph", "1.55 mi"),
    ("km", "f", "ms"): ("54 °F", "3 m/s", "5 m/s", "2.50 km"),
    ("mi", "c", "ms"): ("12 °C", "3 m/s", "5 m/s", "1.55 mi"),
}


def _choose(runner, distance, temperature, wind):
    response = runner.post(
        "/settings",
        {
            "units": distance,
            "weekly_target": "3",
            "body_weight": "",
            "time_zone": "UTC",
            "temperature_unit": temperature,
            "wind_unit": wind,
        },
    )
    assert response.status_code == 303


@pytest.mark.parametrize("choice", sorted(EXPECTED))
def test_every_page_uses_the_runners_units(runner_a, token_a, open_meteo, choice):
    temperature, wind, gusts, distance = EXPECTED[choice]
    _choose(runner_a, *choice)
    stored = runner_a.log(token_a, distance_m=2500.0)
    lat, lon = daylit_location()
    advice = runner_a.client.get("/advice", query_string={"lat": lat, "lon": lon}).get_data(as_text=True)
    card = advice[
        advice.index('class="conditions"') : advice.index("</ul>", advice.index('class="conditions"'))
    ]
    assert temperature in card and wind in card and f"gusts {gusts}" in card
    fragment = runner_a.client.get(
        "/advice", query_string={"lat": lat, "lon": lon}, headers={"HX-Request": "true"}
    ).get_data(as_text=True)
    assert temperature in fragment and wind in fragment
    for page in ("/log", f"/log/{stored['id']}"):
        assert distance in runner_a.client.get(page).get_data(as_text=True), page
    edit = runner_a.client.get(f"/log/{stored['id']}/edit").get_data(as_text=True)
    assert ("Distance in miles" if choice[0] == "mi" else "Distance in kilometres") in edit
    settings = runner_a.client.get("/settings").get_data(as_text=True)
    for name, value in zip(("units", "temperature_unit", "wind_unit"), choice, strict=True):
        assert re.search(rf'name="{name}" value="{value}" checked', settings)
    # Storage and the API stay metric.
    api = runner_a.api("GET", f"/api/v1/sessions/{stored['id']}", token_a).json
    assert api["distance_m"] == 2500.0
    exported = runner_a.client.get("/data/export.csv").get_data(as_text=True)
    assert "2500.0" in exported


def test_reasons_are_shown_in_the_runners_units(runner_a, open_meteo):
    open_meteo.set_weather({o: {"wind_speed_10m": 30.0, "wind_gusts_10m": 60.0} for o in range(-3, 10)})
    _choose(runner_a, "mi", "f", "mph")
    lat, lon = daylit_location()
    html = runner_a.client.get("/advice", query_string={"lat": lat, "lon": lon}).get_data(as_text=True)
    reasons = html[html.index('class="card reasons"') :]
    assert "37 mph" in reasons and "km/h" not in reasons


@pytest.mark.parametrize(
    ("language", "temperature", "wind"),
    [
        ("en-US,en;q=0.9", "54 °F", "6 mph"),
        ("en-GB", "12 °C", "6 mph"),
        ("de-DE,de", "12 °C", "10 km/h"),
        ("", "12 °C", "10 km/h"),
    ],
)
def test_signed_out_visitors_get_their_locales_units(client, open_meteo, language, temperature, wind):
    lat, lon = daylit_location()
    html = client.get(
        "/advice",
        query_string={"lat": lat, "lon": lon},
        headers={"Accept-Language": language} if language else {},
    ).get_data(as_text=True)
    card = html[html.index('class="conditions"') :]
    assert temperature in card and wind in card


def test_the_api_stays_metric_whatever_the_runner_chose(runner_a, token_a, open_meteo):
    _choose(runner_a, "mi", "f", "mph")
    lat, lon = daylit_location()
    body = runner_a.api(
        "GET",
        "/api/v1/advice",
        token_a,
        query_string={"lat": lat, "lon": lon},
        headers={"Accept-Language": "en-US"},
    ).get_data(as_text=True)
    assert "°F" not in body and "mph" not in body


def test_a_bad_unit_is_refused_and_changes_nothing(runner_a):
    _choose(runner_a, "km", "f", "mph")
    response = runner_a.post(
        "/settings",
        {
            "units": "km",
            "weekly_target": "3",
            "time_zone": "UTC",
            "temperature_unit": "kelvin",
            "wind_unit": "knots",
        },
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Choose °C or °F." in html and "Choose km/h, mph or m/s." in html
    settings = runner_a.client.get("/settings").get_data(as_text=True)
    assert re.search(r'name="temperature_unit" value="f" checked', settings)


def test_a_form_without_the_new_fields_keeps_the_choice(runner_a):
    _choose(runner_a, "km", "f", "ms")
    assert (
        runner_a.post("/settings", {"units": "mi", "weekly_target": "3", "time_zone": "UTC"}).status_code
        == 303
    )
    settings = runner_a.client.get("/settings").get_data(as_text=True)
    assert re.search(r'name="temperature_unit" value="f" checked', settings)
    assert re.search(r'name="wind_unit" value="ms" checked', settings)


def test_times_without_javascript_are_local(runner_a, client, open_meteo):
    lat, lon = daylit_location()
    runner_a.post("/settings", {"units": "km", "weekly_target": "3", "time_zone": "Asia/Kolkata"})
    html = runner_a.client.get("/advice", query_string={"lat": lat, "lon": lon}).get_data(as_text=True)
    instant, shown = re.search(
        r'class="verdict-window"><time datetime="([^"]+)" data-local>([^<]+)</time>', html
    ).groups()
    assert shown == datetime.fromisoformat(instant).astimezone(ZoneInfo("Asia/Kolkata")).strftime("%H:%M")
    # A signed-out visitor: the zone the browser told us (the tz cookie app.js sets), else UTC, said so.
    anonymous = client.get("/advice", query_string={"lat": lat, "lon": lon}).get_data(as_text=True)
    assert re.search(r'class="verdict-window"><time[^>]*>\d\d:\d\d UTC</time>', anonymous)
    client.set_cookie("tz", "America/New_York")
    told = client.get("/advice", query_string={"lat": lat, "lon": lon}).get_data(as_text=True)
    instant, shown = re.search(
        r'class="verdict-window"><time datetime="([^"]+)" data-local>([^<]+)</time>', told
    ).groups()
    assert shown == datetime.fromisoformat(instant).astimezone(ZoneInfo("America/New_York")).strftime("%H:%M")
    client.set_cookie("tz", "Not/AZone")
    assert "UTC</time>" in client.get("/advice", query_string={"lat": lat, "lon": lon}).get_data(as_text=True)


def test_the_weather_kept_with_a_session_reads_in_the_runners_units(app, runner_a, token_a):
    _choose(runner_a, "km", "f", "mph")
    stored = runner_a.log(token_a)
    # The API keeps only weather Backrun signed (issue 13): put a known snapshot in place directly.
    with app.app_context():
        session = db.session.get(Run, uuid.UUID(stored["id"]))
        session.weather = {
            "verdict": "caution",
            "reasons": [
                {
                    "code": "gusts",
                    "severity": "caution",
                    "message": "Gusts up to 52 km/h can push you off balance.",
                },
                {
                    "code": "wind_chill",
                    "severity": "caution",
                    "message": "Wind chill of -8 °C. Cover your skin.",
                },
            ],
        }
        db.session.commit()
    html = runner_a.client.get(f"/log/{stored['id']}").get_data(as_text=True)
    assert "Gusts up to 32 mph" in html and "Wind chill of 18 °F" in html
    assert runner_a.api("GET", f"/api/v1/sessions/{stored['id']}", token_a).json["weather"]["reasons"][0][
        "message"
    ] == ("Gusts up to 52 km/h can push you off balance.")  # stored as it was, metric
