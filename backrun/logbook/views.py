"""Logbook pages: the list (filters, paging), the log form ("I'm going"), a run, edit, delete.

Every page answers a full page or, for htmx, a fragment, through `render_page_or_fragment`; every
form works without JavaScript. Another runner's run is a 404, never a 403: it doesn't exist
for you.
"""

from __future__ import annotations

import logging
import re
import uuid
from datetime import UTC, datetime, timedelta

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user, login_required

from backrun.advice import limits
from backrun.advice.service import get_advice
from backrun.logbook import bp, service, snapshot
from backrun.logbook.filters import FilterForm
from backrun.logbook.models import SETTINGS, SURFACES, Run
from backrun.logbook.run_form import SORENESS_LABELS, RunForm
from backrun.logbook.schemas import MAX_BOUTS, MAX_DURATION_S, OSM_REF
from backrun.logbook.template_filters import EFFORT_LABELS, SETTING_LABELS, SURFACE_LABELS
from backrun.places.coordinates import InvalidCoordinates, parse_lat_lon
from backrun.platform.cache import PRIVATE_NO_STORE, PRIVATE_REVALIDATE, cache_policy
from backrun.platform.pages import is_fragment_request, render_page_or_fragment

log = logging.getLogger(__name__)


def _own_run_or_404(run_id: str) -> Run:
    try:
        parsed = uuid.UUID(run_id)
    except ValueError:
        abort(404)
    run = service.get_own(current_user, parsed)
    if run is None:
        abort(404)
    return run


def _form_context(form: RunForm, weather: dict | None, **extra) -> dict:
    return {
        "form": form,
        "weather": weather,
        "units": current_user.units,
        "settings": SETTINGS,
        "setting_labels": SETTING_LABELS,
        "surfaces": SURFACES,
        "surface_labels": SURFACE_LABELS,
        "effort_labels": EFFORT_LABELS,
        "soreness_labels": SORENESS_LABELS,
        **extra,
    }


# --- list ----------------------------------------------------------------------------------


@bp.get("/log")
@cache_policy(PRIVATE_NO_STORE)
@login_required
def runs():
    filters = FilterForm.from_args(request.args)
    status = 200
    page = service.Page([], None)
    if filters.error:
        status = 400
    else:
        try:
            page = service.list_runs(
                current_user, filters.filters(), cursor=request.args.get("cursor") or None
            )
        except service.BadCursor as exc:
            filters.error, status = str(exc), 400
    next_url = (
        url_for("logbook.runs", cursor=page.next_cursor, **filters.query()) if page.next_cursor else None
    )
    response = render_page_or_fragment(
        "logbook/list.html",
        "logbook/_run_items.html",
        page=page,
        filters=filters,
        next_url=next_url,
        units=current_user.units,
        settings=SETTINGS,
        setting_labels=SETTING_LABELS,
        paged=bool(request.args.get("cursor")),
    )
    response.status_code = status
    return response


# --- log a run -------------------------------------------------------------------------------


def _advice_snapshot(args) -> dict | None:
    """The advice for the place the runner tapped "I'm going" at, built here, never taken from the client."""
    if not (args.get("lat") and args.get("lon")):
        return None
    try:
        lat, lon = parse_lat_lon(args.get("lat", ""), args.get("lon", ""))
    except InvalidCoordinates:
        return None
    try:
        minutes = limits.clamp_minutes(int(args.get("minutes", limits.DEFAULT_MINUTES)))
    except ValueError:
        minutes = limits.DEFAULT_MINUTES
    now = datetime.now(UTC)
    return snapshot.from_advice(get_advice(lat, lon, minutes=minutes, now=now), now)


# What the interval timer measured (issue 6), in whole seconds: the form shows it for the runner to check.
MEASURED = {
    "duration_s": (1, MAX_DURATION_S),
    "bouts": (1, MAX_BOUTS),
    "backward_s": (1, MAX_DURATION_S),
    "recovery_s": (0, MAX_DURATION_S),
}


def _measured(args) -> dict[str, str]:
    values = {}
    for name, (low, high) in MEASURED.items():
        text = args.get(name, "")
        if re.fullmatch(r"[0-9]{1,6}", text) and low <= int(text) <= high:
            values[name] = str(int(text))
    if "duration_s" in values:
        values["duration"] = "{}:{:02d}".format(*divmod(int(values.pop("duration_s")), 60))  # minutes:seconds
    return values


@bp.get("/log/new")
# The blank form: the service worker keeps it for this runner only (dropped at sign-out), so a
# session can be logged with no signal. Every other logbook answer is never kept anywhere.
@cache_policy(PRIVATE_REVALIDATE)
@login_required
def new_run():
    weather = _advice_snapshot(request.args)
    setting = request.args.get("setting", "")
    if setting not in SETTINGS:
        setting = "treadmill" if weather and weather["verdict"] == "indoors" else "outdoor"
    venue_osm = request.args.get("venue_osm", "").strip()
    form = RunForm.blank(
        time_zone=current_user.time_zone,
        now=datetime.now(UTC),
        setting=setting,
        venue_name=request.args.get("venue_name", request.args.get("place", "")).strip()[:200],
        venue_osm=venue_osm if OSM_REF.match(venue_osm) else "",
        weather_token=snapshot.sign(weather, current_user.id) if weather else "",
    )
    form.values.update(_measured(request.args))
    return render_page_or_fragment(
        "logbook/new.html",
        "logbook/_run_form.html",
        **_form_context(form, weather, action=url_for("logbook.create_run")),
    )


@bp.post("/log/new")
@cache_policy(PRIVATE_NO_STORE)
@login_required
def create_run():
    form = RunForm.from_post(request.form)
    token = form.value("weather_token")
    weather = snapshot.verify(token, current_user.id) if token else None
    if token and weather is None:
        log.info("log form: weather snapshot rejected (bad signature or expired)")
        form.values["weather_token"] = ""  # clearing a form field, not a password  # nosec B105
    data = form.to_run_data(
        units=current_user.units, fallback_zone=current_user.time_zone, fixed_offset=None, weather=weather
    )
    if data is not None:
        try:
            run, created = service.create_run(current_user, data)
        except service.IdTaken:
            form.errors["id"] = (
                "This form was already used for another session. Reload the page and try again."
            )
        else:
            # The same form sent twice (double tap, back button) finds the run already logged.
            flash("Session logged." if created else "That session was already in your log.", "success")
            return redirect(url_for("logbook.run_detail", run_id=run.id), 303)
    response = render_page_or_fragment(
        "logbook/new.html",
        "logbook/_run_form.html",
        **_form_context(form, weather, action=url_for("logbook.create_run")),
    )
    response.status_code = 422
    return response


# --- one run ---------------------------------------------------------------------------------


@bp.get("/log/<run_id>")
@cache_policy(PRIVATE_NO_STORE)
@login_required
def run_detail(run_id: str):
    run = _own_run_or_404(run_id)
    return render_page_or_fragment(
        "logbook/detail.html",
        "logbook/_run_item.html",
        run=run,
        units=current_user.units,
        body_weight_kg=current_user.body_weight_kg,
    )


@bp.route("/log/<run_id>/edit", methods=["GET", "POST"])
@cache_policy(PRIVATE_NO_STORE)
@login_required
def edit_run(run_id: str):
    run = _own_run_or_404(run_id)
    status = 200
    if request.method == "POST":
        form = RunForm.from_post(request.form)
        form.values["id"] = str(run.id)  # the URL says which run; the form can't change it
        data = form.to_run_data(
            units=current_user.units,
            fallback_zone=current_user.time_zone,
            fixed_offset=timedelta(minutes=run.utc_offset_min),
            weather=run.weather,
        )
        if data is not None:
            service.update_run(run, data)
            flash("Session updated.", "success")
            return redirect(url_for("logbook.run_detail", run_id=run.id), 303)
        status = 422
    else:
        form = RunForm.from_run(run, current_user.units)
    response = render_page_or_fragment(
        "logbook/edit.html",
        "logbook/_run_form.html",
        **_form_context(
            form,
            run.weather,
            run=run,
            action=url_for("logbook.edit_run", run_id=run.id),
        ),
    )
    response.status_code = status
    return response


@bp.route("/log/<run_id>/delete", methods=["GET", "POST"])
@cache_policy(PRIVATE_NO_STORE)
@login_required
def delete_run(run_id: str):
    run = _own_run_or_404(run_id)
    if request.method == "GET":
        # Asking first: in the list (htmx) the question replaces the row; without JS it is a page.
        return render_page_or_fragment(
            "logbook/delete.html",
            "logbook/_delete_confirm.html",
            run=run,
            units=current_user.units,
        )
    started = run.local_start
    service.delete_run(run)
    if is_fragment_request():
        response = render_page_or_fragment(
            "logbook/delete.html", "logbook/_deleted_item.html", started=started
        )
        return response
    flash("Session deleted.", "success")
    return redirect(url_for("logbook.runs"), 303)
