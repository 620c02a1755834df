"""The Settings page's push section: see, change and remove this runner's subscriptions (HTML forms)."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user, login_required

from backrun.advice.limits import CHOICES as RUN_MINUTES
from backrun.platform.cache import NO_STORE, cache_policy
from backrun.push import bp, schedule, service


@bp.app_context_processor
def _subscriptions_for_settings():
    def push_subscriptions():
        return service.subscriptions_of(current_user) if current_user.is_authenticated else []

    return {"push_subscriptions": push_subscriptions, "push_run_minutes": RUN_MINUTES}


def _own_or_404(subscription_id: int):
    sub = service.get_own(current_user, subscription_id)
    if sub is None:
        abort(404)  # not theirs, or already gone: the same answer either way
    return sub


@bp.post("/settings/push/<int:subscription_id>")
@cache_policy(NO_STORE)
@login_required
def save_subscription(subscription_id: int):
    sub = _own_or_404(subscription_id)
    form = request.form
    briefing_at = form.get("briefing_at", "").strip() or None
    name = form.get("place_name", "").strip()
    problems = []
    if briefing_at is not None:
        try:
            schedule.parse_hhmm(
                briefing_at[:5] if len(briefing_at) == 8 and briefing_at.endswith(":00") else briefing_at
            )
            briefing_at = briefing_at[:5]
        except schedule.BadTime:
            problems.append("The briefing time must be a time of day, like 07:00.")
    try:
        minutes = int(form.get("minutes", ""))
    except ValueError:
        minutes = -1
    if minutes not in RUN_MINUTES and minutes != sub.minutes:
        problems.append("Choose a run length from the list.")
    if not name or len(name) > 200:
        problems.append("The place needs a name (at most 200 characters).")
    alerts = form.get("safe_window_alerts") == "on"
    if briefing_at is None and not alerts:
        problems.append("Keep a briefing time or the safe-window alerts, or remove the subscription.")
    if problems:
        for problem in problems:
            flash(problem, "error")
        return redirect(url_for("accounts.settings", _anchor="push-heading"), 303)
    service.update(sub, briefing_at=briefing_at, minutes=minutes, safe_window_alerts=alerts, place_name=name)
    flash("Notification settings saved.", "success")
    return redirect(url_for("accounts.settings", _anchor="push-heading"), 303)


@bp.post("/settings/push/<int:subscription_id>/delete")
@cache_policy(NO_STORE)
@login_required
def remove_subscription(subscription_id: int):
    service.remove(_own_or_404(subscription_id))
    flash("Notifications removed for that device.", "success")
    return redirect(url_for("accounts.settings", _anchor="push-heading"), 303)
