"""What every HTML page shares: a fragment for htmx or the full page, the runner's units and
time zone, and the template filters that show them."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import Flask, g, has_request_context, make_response, render_template, request
from flask_login import current_user
from markupsafe import Markup

from backrun.platform import units as display_units
from backrun.platform.zones import valid_time_zone


def is_fragment_request() -> bool:
    """An htmx request wants a fragment, except a history restore, which needs the whole page."""
    htmx = getattr(request, "htmx", None)
    return htmx is not None and bool(htmx) and not htmx.history_restore_request


def render_page_or_fragment(page_template: str, fragment_template: str, **context):
    """Render the fragment for htmx swaps and the full page otherwise, from the same URL.

    Both answers say `Vary: HX-Request`, so no cache (browser, proxy or service worker) hands
    a bare fragment to a full navigation.
    """
    template = fragment_template if is_fragment_request() else page_template
    response = make_response(render_template(template, **context))
    response.vary.add("HX-Request")
    return response


def current_units() -> display_units.Units:
    """The units this request shows: the runner's choice, or their browser locale's usual ones.

    No `Vary: Accept-Language`: the service worker's kept pages must match whatever the browser
    sends, and a page kept on a phone was made for that phone's own locale anyway."""
    cached = g.get("backrun_units")
    if cached is None:
        if current_user and current_user.is_authenticated:
            cached = display_units.Units.of(
                current_user.units, current_user.temperature_unit, current_user.wind_unit
            )
        else:
            cached = display_units.for_language_tags([tag for tag, _ in request.accept_languages])
        g.backrun_units = cached
    return cached


def init_app(app: Flask) -> None:
    register_filters(app)

    @app.context_processor
    def _globals():
        return {"is_fragment": is_fragment_request(), "display_units": current_units}


def display_zone():
    """The zone times are shown in without JavaScript: the runner's own, else the zone this
    browser told us before (the `tz` cookie app.js sets), else None (UTC, said so)."""

    if "backrun_zone" not in g:
        name = None
        if current_user and current_user.is_authenticated:
            name = current_user.time_zone
        else:
            cookie = request.cookies.get("tz", "")
            name = cookie if cookie and valid_time_zone(cookie) else None
        g.backrun_zone = ZoneInfo(name) if name and name != "UTC" else None
    return g.backrun_zone


def clock(value) -> Markup:
    """A time as HH:MM in a <time> element: in the runner's zone when known (else UTC, said so);
    app.js shows it in the browser's own zone."""
    if value is None:
        return Markup("")
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    utc = value.astimezone(UTC)
    zone = display_zone() if has_request_context() else None
    text = utc.astimezone(zone).strftime("%H:%M") if zone else utc.strftime("%H:%M") + " UTC"
    return Markup('<time datetime="{}" data-local>{}</time>').format(utc.isoformat(), text)


def first_sentence(text: str) -> str:
    """The first sentence of a reason: the one line the verdict card has room for."""
    text = (text or "").strip()
    for end in (". ", "! ", "? "):
        cut = text.find(end)
        if cut > 0:
            text = text[: cut + 1]
    return text


def time_span(start, end) -> str:
    """`45 min`, `2 h 10 min` from start to end (never negative)."""
    minutes = max(0, round((end - start).total_seconds() / 60))
    hours, minutes = divmod(minutes, 60)
    if not hours:
        return f"{minutes} min"
    return f"{hours} h {minutes:02d} min" if minutes else f"{hours} h"


def register_filters(app: Flask) -> None:
    app.add_template_filter(first_sentence, "first_sentence")
    app.add_template_global(time_span, "time_span")
    app.add_template_filter(clock, "clock")
    app.add_template_filter(
        lambda c: display_units.temperature(c, current_units().temperature), "temperature"
    )
    app.add_template_filter(
        lambda kmh, label=True: display_units.wind(kmh, current_units().wind, label=label), "wind"
    )
    app.add_template_filter(lambda m: display_units.distance(m, current_units().distance), "far")
    app.add_template_filter(lambda text: display_units.in_text(text or "", current_units()), "in_units")
