"""Schemas of the runs and token API, for validation and for the OpenAPI document.

A run's own schema lives with the logbook (backrun/logbook/schemas.py): the log form and the
CSV import are checked by the very same rules.
"""

from __future__ import annotations

from marshmallow import ValidationError, fields, validate, validates

from backrun.logbook.models import SETTINGS
from backrun.logbook.schemas import RunSchema, StrictSchema
from backrun.logbook.service import MAX_PAGE_SIZE

__all__ = [
    "RunSchema",
    "RunListSchema",
    "RunListQuery",
    "TokenRequestSchema",
    "TokenSchema",
    "ValidationErrorSchema",
]


class RunListQuery(StrictSchema):
    cursor = fields.String(
        load_default=None,
        validate=validate.Length(max=200),
        metadata={"description": "From `next` of the previous page."},
    )
    limit = fields.Integer(
        load_default=50,
        validate=validate.Range(1, MAX_PAGE_SIZE),
        metadata={"description": f"Runs per page, 1 to {MAX_PAGE_SIZE}."},
    )
    month = fields.String(
        load_default=None,
        validate=validate.Regexp(r"^\d{4}-(0[1-9]|1[0-2])$", error="Use YYYY-MM."),
        metadata={"description": "Only runs started in this month (the runner's local date), YYYY-MM."},
    )
    setting = fields.String(load_default=None, validate=validate.OneOf(SETTINGS))

    @validates("month")
    def _a_real_month(self, value, **kwargs):
        from backrun.logbook.filters import month_start

        if value is None:
            return
        try:
            month_start(value)
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc


class RunListSchema(StrictSchema):
    # The key from before runs were called runs: existing clients read it.
    sessions = fields.List(fields.Nested(RunSchema), required=True, metadata={"description": "Newest first."})
    next = fields.String(
        allow_none=True,
        required=True,
        metadata={"description": "URL of the next (older) page; null on the last page."},
    )


class TokenRequestSchema(StrictSchema):
    email = fields.String(required=True, validate=validate.Length(1, 254))
    password = fields.String(required=True, validate=validate.Length(1, 256))
    name = fields.String(
        load_default="API client",
        validate=validate.Length(1, 100),
        metadata={"description": "Shown in the runner's token list (optional)."},
    )


class TokenSchema(StrictSchema):
    token = fields.String(
        required=True, metadata={"description": "Send as `Authorization: Bearer <token>`. Shown once."}
    )


class ValidationErrorSchema(StrictSchema):
    error = fields.String(required=True, metadata={"example": "invalid_session"})
    detail = fields.String(required=True)
    fields_ = fields.Dict(
        data_key="fields",
        required=True,
        metadata={
            "description": "A list of messages per field (nested for `venue`, `intervals`, `weather`)."
        },
    )
