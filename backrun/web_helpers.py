"""Shared helpers for HTML views: fragment or full page, and template context."""

from __future__ import annotations

from datetime import datetime, timezone

from flask import Flask, make_response, render_template, request
from markupsafe import Markup


def is_fragment_request() -> bool:
    """An htmx request wants a fragment, except a history restore, which needs the whole page."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request


def render_page_or_fragment(page_template: str, fragment_template: str, **context):
    """Render the fragment for htmx swaps and the full page otherwise, from the same URL.

    Both answers say `Vary: HX-Request`, so no cache (browser, proxy or service worker) hands
    a bare fragment to a full navigation.
    """
    template = fragment_template if is_fragment_request() else page_template
    response = make_response(render_template(template, **context))
    response.vary.add("HX-Request")
    return response


def init_app(app: Flask) -> None:
    register_filters(app)

    @app.context_processor
    def _globals():
        return {"is_fragment": is_fragment_request()}


VERDICT_WORDS = {"go": "Go", "caution": "Caution", "indoors": "Indoors", "unknown": "Unknown"}
VERDICT_ICONS = {"go": "✓", "caution": "⚠", "indoors": "⌂", "unknown": "?"}
VERDICT_HEADLINES = {
    "go": "Good conditions to run backwards outside on a flat venue.",
    "caution": "You can go, carefully: read the reasons and keep it short.",
    "indoors": "Run indoors today: treadmill with handrails or an indoor track.",
    "unknown": "Unknown: the weather can’t be checked. Check conditions yourself, or run indoors.",
}


def clock(value) -> Markup:
    """A time as HH:MM UTC in a <time> element; app.js shows it in the runner's own time zone."""
    if value is None:
        return Markup("")
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    utc = value.astimezone(timezone.utc)
    return Markup('<time datetime="{}" data-local>{} UTC</time>').format(utc.isoformat(), utc.strftime("%H:%M"))


def register_filters(app: Flask) -> None:
    app.add_template_filter(lambda v: VERDICT_WORDS.get(v, v), "verdict_word")
    app.add_template_filter(lambda v: VERDICT_ICONS.get(v, "?"), "verdict_icon")
    app.add_template_filter(lambda v: VERDICT_HEADLINES.get(v, ""), "verdict_headline")
    app.add_template_filter(clock, "clock")
