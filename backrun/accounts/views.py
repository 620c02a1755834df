"""Sign up, sign in and out, and the settings page (preferences, password, tokens, deletion)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from backrun.accounts import bp, service, signins, tokens
from backrun.accounts.forms import (
    LB_PER_KG,
    DeleteAccountForm,
    LoginForm,
    PasswordChangeForm,
    PreferencesForm,
    SignupForm,
    TokenForm,
)
from backrun.accounts.limits import login_attempts, password_checks, signup_attempts
from backrun.accounts.passwords import verify_password
from backrun.extensions import db
from backrun.platform import zones
from backrun.platform.cache import NO_STORE, cache_policy

HOME_AFTER_SIGN_IN = "logbook.runs"


def safe_next(target: str | None) -> str:
    """Only a path on this site: `next` must never send the runner somewhere else."""
    fallback = url_for(HOME_AFTER_SIGN_IN)
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    return target


def _page(template: str, status: int = 200, **context):
    # Pages with forms for secrets: every route here is NO_STORE (never kept by any cache).
    return make_response(render_template(template, **context), status)


@bp.route("/signup", methods=["GET", "POST"])
@cache_policy(NO_STORE)
@signup_attempts
def signup():
    if current_user.is_authenticated:
        return redirect(url_for(HOME_AFTER_SIGN_IN), 303)
    form = SignupForm()
    status = 200
    if form.is_submitted():
        if form.validate():
            try:
                user = service.create_account(form.email.data, form.password.data, form.tz.data)
            except service.EmailTaken:
                form.email.errors = ["An account with this email already exists. Sign in instead."]
            else:
                _sign_in(user, remember=form.remember.data)
                return redirect(safe_next(request.args.get("next")), 303)
        status = 422
    return _page("accounts/signup.html", status, form=form, next=request.args.get("next", ""))


@bp.route("/login", methods=["GET", "POST"])
@cache_policy(NO_STORE)
@login_attempts
def login():
    if current_user.is_authenticated and request.method == "GET":
        return redirect(safe_next(request.args.get("next")), 303)
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    status = 200
    problem = None
    if form.is_submitted():
        if form.validate():
            user = service.authenticate(form.email.data, form.password.data)
            if user is not None:
                _sign_in(user, remember=form.remember.data)
                return redirect(safe_next(form.next.data), 303)
            problem = "That email and password don’t match an account."
        status = 422
    return _page("accounts/login.html", status, form=form, problem=problem)


def _sign_in(user, *, remember: bool) -> None:
    signins.start(user)
    db.session.commit()
    login_user(user, remember=remember)


@bp.post("/logout")
@cache_policy(NO_STORE)
def logout():
    if current_user.is_authenticated:
        signins.end(current_user._get_current_object())  # copies of this device's cookies die with it
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("accounts.login"), 303)


@bp.post("/settings/sign-out-everywhere")
@cache_policy(NO_STORE)
@login_required
def sign_out_everywhere():
    service.sign_out_everywhere(current_user._get_current_object())
    logout_user()
    flash("You are signed out on every device, this one included.", "info")
    return redirect(url_for("accounts.login"), 303)


# --- settings ----------------------------------------------------------------------------


def _preferences_form() -> PreferencesForm:
    form = PreferencesForm(formdata=None)
    form.units.data = current_user.units
    form.temperature_unit.data = current_user.temperature_unit
    form.wind_unit.data = current_user.wind_unit
    form.weekly_target.data = current_user.weekly_target
    form.time_zone.data = current_user.time_zone
    weight = current_user.body_weight_kg
    if weight is not None:
        form.body_weight.data = round(weight * LB_PER_KG if current_user.units == "mi" else weight, 1)
    return form


def _settings_page(status: int = 200, **forms):
    context = {
        "preferences": forms.get("preferences") or _preferences_form(),
        "password_form": forms.get("password_form") or PasswordChangeForm(formdata=None),
        "delete_form": forms.get("delete_form") or DeleteAccountForm(formdata=None),
        "token_form": forms.get("token_form") or TokenForm(formdata=None),
        "tokens": tokens.tokens_of(current_user),
        "new_token": forms.get("new_token"),
        "time_zones": zones.time_zone_names(),
    }
    return _page("accounts/settings.html", status, **context)


@bp.get("/settings")
@cache_policy(NO_STORE)
@login_required
def settings():
    return _settings_page()


@bp.post("/settings")
@cache_policy(NO_STORE)
@login_required
def save_preferences():
    form = PreferencesForm()
    if not form.validate():
        return _settings_page(422, preferences=form)
    service.update_preferences(
        current_user,
        units=form.units.data,
        weekly_target=form.weekly_target.data,
        body_weight_kg=form.body_weight_kg(),
        time_zone=form.time_zone.data,
        temperature_unit=form.temperature_unit.data or None,
        wind_unit=form.wind_unit.data or None,
    )
    flash("Settings saved.", "success")
    return redirect(url_for("accounts.settings"), 303)


@bp.post("/settings/password")
@cache_policy(NO_STORE)
@login_required
@password_checks
def change_password():
    form = PasswordChangeForm()
    if form.validate():
        if verify_password(current_user.password_hash, form.current_password.data):
            service.change_password(current_user, form.new_password.data)
            # The nonce changed: sign this device in again under the new id (keeping "remember me"
            # if it was on), while every other device is out.
            remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
            _sign_in(current_user._get_current_object(), remember=remembered)
            flash("Password changed. Other devices have been signed out.", "success")
            return redirect(url_for("accounts.settings"), 303)
        form.current_password.errors = ["That isn’t your current password."]
    return _settings_page(422, password_form=form)


@bp.post("/settings/delete")
@cache_policy(NO_STORE)
@login_required
@password_checks
def delete_account():
    form = DeleteAccountForm()
    if form.validate():
        if verify_password(current_user.password_hash, form.delete_password.data):
            user = current_user._get_current_object()
            logout_user()
            service.delete_account(user)
            return _page("accounts/deleted.html")
        form.delete_password.errors = ["That isn’t your password. Nothing was deleted."]
    return _settings_page(422, delete_form=form)


@bp.post("/settings/tokens")
@cache_policy(NO_STORE)
@login_required
def create_token():
    form = TokenForm()
    if form.validate():
        try:
            _, token = tokens.create_token(current_user, form.token_name.data)
        except tokens.TooManyTokens as exc:
            form.token_name.errors = [str(exc)]
        else:
            # Shown once, on this response only: there is no way to read it again.
            return _settings_page(201, new_token=token)
    return _settings_page(422, token_form=form)


@bp.post("/settings/tokens/<int:token_id>/revoke")
@cache_policy(NO_STORE)
@login_required
def revoke_token(token_id: int):
    if not tokens.revoke_token(current_user, token_id):
        abort(404)  # not theirs, or already gone: the same answer either way
    flash("Token revoked. Clients using it can no longer sign in with it.", "success")
    return redirect(url_for("accounts.settings"), 303)
