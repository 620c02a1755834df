"""The account forms (Flask-WTF: each carries its CSRF token)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, DecimalField, HiddenField, IntegerField, PasswordField, StringField
from wtforms.validators import InputRequired, NumberRange, Optional, ValidationError

from backrun.accounts import service
from backrun.platform import units as display_units
from backrun.platform import zones

LB_PER_KG = 2.2046226218


def _email(form, field) -> None:
    field.data = service.normalise_email(field.data or "")
    problem = service.email_problem(field.data)
    if problem:
        raise ValidationError(problem)


def _new_password(form, field) -> None:
    problem = service.password_problem(field.data or "")
    if problem:
        raise ValidationError(problem)


class SignupForm(FlaskForm):
    email = StringField("Email", validators=[_email])
    password = PasswordField("Password", validators=[_new_password])
    # Filled in by the page's script with the browser's zone; UTC without JavaScript.
    tz = HiddenField()
    remember = BooleanField("Keep me signed in on this device", default=True)


class LoginForm(FlaskForm):
    email = StringField("Email", validators=[InputRequired("Enter your email address.")])
    password = PasswordField("Password", validators=[InputRequired("Enter your password.")])
    remember = BooleanField("Keep me signed in on this device", default=True)
    next = HiddenField()


class PreferencesForm(FlaskForm):
    units = StringField("Units")
    weekly_target = IntegerField(
        "Weekly target (sessions)",
        validators=[
            InputRequired("Enter how many sessions a week you aim for."),
            NumberRange(
                service.MIN_TARGET,
                service.MAX_TARGET,
                f"Choose {service.MIN_TARGET} to {service.MAX_TARGET} sessions a week.",
            ),
        ],
    )
    body_weight = DecimalField("Body weight (optional)", places=1, validators=[Optional()])
    time_zone = StringField("Time zone")
    # Optional in the POST: a form without them (an older page, a script) keeps the runner's choice.
    temperature_unit = StringField("Temperature")
    wind_unit = StringField("Wind")
    TEMPERATURE_CHOICES = tuple(display_units.TEMPERATURE_LABELS.items())
    WIND_CHOICES = tuple(display_units.WIND_LABELS.items())
    # Rendered as radio buttons and a select by the template; checked here (plain strings, no
    # WTForms choice fields).
    UNIT_CHOICES = (("km", "Kilometres"), ("mi", "Miles"))

    def validate_units(self, field) -> None:
        if field.data not in dict(self.UNIT_CHOICES):
            raise ValidationError("Choose kilometres or miles.")

    def validate_temperature_unit(self, field) -> None:
        if field.data and field.data not in display_units.TEMPERATURES:
            raise ValidationError("Choose °C or °F.")

    def validate_wind_unit(self, field) -> None:
        if field.data and field.data not in display_units.WINDS:
            raise ValidationError("Choose km/h, mph or m/s.")

    def validate_time_zone(self, field) -> None:
        if not zones.valid_time_zone(field.data):
            raise ValidationError("Choose a time zone from the list.")

    def weight_unit(self) -> str:
        return "lb" if self.units.data == "mi" else "kg"

    def validate_body_weight(self, field) -> None:
        if field.data is None:
            return
        low, high = service.MIN_WEIGHT_KG, service.MAX_WEIGHT_KG
        if self.weight_unit() == "lb":
            low, high = low * LB_PER_KG, high * LB_PER_KG
        if not low <= float(field.data) <= high:
            raise ValidationError(
                f"Enter a weight from {low:.0f} to {high:.0f} {self.weight_unit()}, or leave it empty."
            )

    def body_weight_kg(self) -> float | None:
        if self.body_weight.data is None:
            return None
        value = float(self.body_weight.data)
        return round(value / LB_PER_KG if self.weight_unit() == "lb" else value, 1)


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(
        "Current password", validators=[InputRequired("Enter your current password.")]
    )
    new_password = PasswordField("New password", validators=[_new_password])


class DeleteAccountForm(FlaskForm):
    delete_password = PasswordField(
        "Your password", validators=[InputRequired("Enter your password to confirm.")]
    )


class TokenForm(FlaskForm):
    token_name = StringField(
        "Name of the client", validators=[InputRequired("Give the token a name, e.g. “phone”.")]
    )

    def validate_token_name(self, field) -> None:
        field.data = (field.data or "").strip()
        if not field.data:
            raise ValidationError("Give the token a name, e.g. “phone”.")
        if len(field.data) > 100:
            raise ValidationError("Use at most 100 characters.")
