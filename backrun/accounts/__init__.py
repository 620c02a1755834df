"""Runners' accounts: sign up, sign in (Flask-Login), settings, personal API tokens."""

from __future__ import annotations

from flask import Blueprint, Flask, redirect, request, url_for

from backrun.extensions import login_manager

bp = Blueprint("accounts", __name__)


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Sign in to see your logbook."
    login_manager.login_message_category = "info"
    # "basic": a changed network (phones switch all the time) must not sign the runner out.
    login_manager.session_protection = "basic"
    login_manager.user_loader(_load_user)
    login_manager.unauthorized_handler(_unauthorized)


def _load_user(user_id: str):
    from backrun.accounts import signins

    # A changed nonce (password changed elsewhere) or a deleted sign-in (signed out) ends this session.
    return signins.load(user_id)


def _unauthorized():
    from backrun.platform.errors import ApiError, wants_json
    from backrun.platform.pages import is_fragment_request

    target = url_for("accounts.login", next=request.full_path.rstrip("?"))
    if wants_json():
        # A script (the offline outbox) keeps its entries and asks the runner to sign in again.
        raise ApiError(401, "authentication_required", "Sign in again to continue.", {"login_url": target})
    if is_fragment_request():
        # htmx follows a redirect inside the XHR and would swap the sign-in page into a fragment.
        return "", 401, {"HX-Redirect": target}
    return redirect(target, 303)


from backrun.accounts import views  # noqa: E402,F401  (routes register on import)
