"""The runner-profile part of the settings page (issue 18): experience, sensitivities, warmth.

Its own form and route, so the rest of the settings page is untouched (the accounts package
renders the page; the profile belongs to training, which knows where a runner is in the plan). Bad input changes nothing
and answers 422 with the settings page and a message.
"""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_login import current_user, login_required

from backrun.advice.kit import WARMTHS
from backrun.extensions import db
from backrun.platform.cache import NO_STORE, cache_policy
from backrun.safety.profile import EXPERIENCES, SENSITIVITIES
from backrun.training import bp

AUTOMATIC = "auto"  # beginner while the six-week plan is under way, then regular


def profile_problem(experience: str, sensitivities: list[str], warmth: str) -> str | None:
    if experience not in (AUTOMATIC, *EXPERIENCES):
        return "Choose how experienced you are from the list."
    if any(s not in SENSITIVITIES for s in sensitivities) or len(set(sensitivities)) != len(sensitivities):
        return "Tick only the sensitivities offered."
    if warmth not in WARMTHS:
        return "Choose whether you run hot, cold or neither."
    return None


@bp.post("/settings/profile")
@cache_policy(NO_STORE)
@login_required
def save_profile():
    from backrun.accounts.views import _settings_page  # the one settings page renderer

    experience = request.form.get("experience", "")
    sensitivities = request.form.getlist("sensitivity")
    warmth = request.form.get("runs", "")
    problem = profile_problem(experience, sensitivities, warmth)
    if problem:
        flash(problem, "error")
        return _settings_page(422)
    current_user.experience = None if experience == AUTOMATIC else experience
    current_user.sensitivities = ",".join(s for s in SENSITIVITIES if s in sensitivities)
    current_user.warmth = warmth
    db.session.commit()
    flash("Runner profile saved.", "success")
    return redirect(url_for("accounts.settings") + "#profile-heading", 303)
