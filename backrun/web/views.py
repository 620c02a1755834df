"""Home page and the advice fragment (one URL, full page or fragment)."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app, render_template, request
from flask_login import current_user

from backrun.advice.service import get_advice
from backrun.advice.venues import venues_for_advice
from backrun.extensions import limiter
from backrun.places.coordinates import InvalidCoordinates
from backrun.places.geocoding import GeocodingError, geocode
from backrun.platform.cache import NO_STORE, PAGE, apply, cache_policy
from backrun.platform.pages import render_page_or_fragment
from backrun.training.fit import RunnerFit, fit_for, profile_args
from backrun.web import bp
from backrun.web.conditions import conditions_now
from backrun.web.forms import RUN_MINUTES, AdviceForm


@bp.get("/")
@cache_policy(PAGE)
def index():
    return render_template("web/index.html", form=AdviceForm(), run_minutes=RUN_MINUTES)


def _geocode_limit() -> str:
    return current_app.config["BACKRUN_GEOCODE_RATELIMIT"] or "1000000/minute"


@bp.get("/advice")
@cache_policy(PAGE)
# Place searches cost a Nominatim request (1 a second for the whole app): limit them per client.
@limiter.limit(_geocode_limit, scope="geocode", exempt_when=lambda: not request.args.get("place"))
def advice():
    """Advice for coordinates (the location button) or a place name (the form, also without JS)."""
    form = AdviceForm.from_args(request.args)
    context = {"form": form, "run_minutes": RUN_MINUTES, "result": None, "place_name": None}
    status = 200
    upstream_down = False
    if not form.error and not form.has_location:
        form.error = "Type a place or address to get advice."  # true with or without JavaScript
    fit = None if form.error else _runner_fit(form)  # checked before any place lookup
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
            # Nominatim down or busy is not our failure: the page says so plainly, as the advice
            # says "unknown" when the weather can't be had (200, never a 5xx), and no cache or
            # service worker keeps it in place of a real answer (no-store).
            upstream_down = exc.kind in {"busy", "unavailable"}
            status = 200 if upstream_down else 400 if exc.kind == "invalid" else 404
        else:
            now = datetime.now(UTC)
            context["fit"] = fit
            context["result"] = get_advice(
                lat, lon, minutes=form.minutes, now=now, profile=fit.profile, kit_offset_c=fit.kit_offset_c
            )
            context["now"] = now
            context["conditions"] = conditions_now(context["result"].weather.forecast, now)
            context["venues"] = venues_for_advice(context["result"], now)
    if form.error and status == 200 and not upstream_down:
        status = 400
    response = render_page_or_fragment("web/page.html", "web/_advice.html", **context)
    response.status_code = status
    if upstream_down:
        apply(response, NO_STORE)
    return response


def _runner_fit(form) -> RunnerFit | None:
    """Signed in: the account's profile. Signed out: what the phone keeps and sends (query
    parameters, from static/js/profile.js). Bad values: a form error, nothing else."""
    if current_user.is_authenticated:
        return fit_for(current_user._get_current_object(), {})
    try:
        return fit_for(None, profile_args(request.args))
    except ValueError as exc:
        form.error = str(exc)
        return None
