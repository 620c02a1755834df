"""Home page and the advice fragment (one URL, full page or fragment)."""

from __future__ import annotations

from datetime import datetime, timezone

from flask import current_app, render_template, request

from backrun.advice_service import get_advice
from backrun.extensions import limiter
from backrun.places.coordinates import InvalidCoordinates
from backrun.places.geocoding import GeocodingError, geocode
from backrun.venues.views import venues_for_advice
from backrun.web import bp
from backrun.web.forms import RUN_MINUTES, AdviceForm
from backrun.web_helpers import render_page_or_fragment


@bp.get("/")
def index():
    return render_template("index.html", form=AdviceForm(), run_minutes=RUN_MINUTES)


def _geocode_limit() -> str:
    return current_app.config["BACKRUN_GEOCODE_RATELIMIT"] or "1000000/minute"


@bp.get("/advice")
# Place searches cost a Nominatim request (1 a second for the whole app): limit them per client.
@limiter.limit(_geocode_limit, scope="geocode", exempt_when=lambda: not request.args.get("place"))
def advice():
    """Advice for coordinates (the location button) or a place name (the form, also without JS)."""
    form = AdviceForm.from_args(request.args)
    context = {"form": form, "run_minutes": RUN_MINUTES, "result": None, "place_name": None}
    status = 200
    if not form.error and not form.has_location:
        form.error = "Use your location or type a place name."
    if not form.error:
        try:
            if form.uses_coordinates:
                lat, lon = form.coordinates()
            else:
                place = geocode(form.place)
                lat, lon, context["place_name"] = place.latitude, place.longitude, place.name
        except InvalidCoordinates as exc:
            form.error = str(exc)
        except GeocodingError as exc:
            form.error = exc.message
            status = 503 if exc.kind in {"busy", "unavailable"} else 400 if exc.kind == "invalid" else 404
        else:
            now = datetime.now(timezone.utc)
            context["result"] = get_advice(lat, lon, minutes=form.minutes, now=now)
            context["now"] = now
            context["venues"] = venues_for_advice(context["result"], now)
    if form.error and status == 200:
        status = 400
    response = render_page_or_fragment("advice/page.html", "advice/_advice.html", **context)
    response.status_code = status
    return response
