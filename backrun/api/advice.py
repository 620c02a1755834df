"""GET /api/v1/advice: the verdict for a run window at a place."""

from __future__ import annotations

from datetime import datetime, timezone

from flask import jsonify, request
from flask_login import current_user

from backrun.advice_service import AIR_ATTRIBUTION, get_advice
from backrun.api import bp
from backrun.api.openapi import ErrorSchema, documented
from backrun.api.schemas import AdviceQuery, AdviceSchema
from backrun.api.validation import parse_query
from backrun.runner_profile import RunnerFit, fit_for

AIR_UNKNOWN = "Air quality unknown: we couldn't get it for your run, so this verdict is from the weather alone."
AIR_PARTIAL = "Air quality is known for part of your run only; the rest is unknown."


@bp.get("/advice")
@documented(
    summary="Weather safety advice for backward running",
    description="`go`, `caution`, `indoors` or `unknown` for the planned run, with every reason that fired. "
    "When no weather can be had the answer is still 200, with verdict `unknown`.",
    tags=["advice"],
    query=AdviceQuery,
    responses={200: (AdviceSchema, "The advice."), 400: (ErrorSchema, "Invalid parameters.")},
)
def advice():
    args = parse_query(AdviceQuery)
    now = datetime.now(timezone.utc)
    fit = fit_for(_runner(), args)
    result = get_advice(args["lat"], args["lon"], minutes=args["minutes"], start=args["start"], now=now,
                        profile=fit.profile, kit_offset_c=fit.kit_offset_c)
    body = advice_json(result, now, fit)
    response = jsonify(body)
    response.headers["Cache-Control"] = "private, max-age=60"
    return response


def _runner():
    """The signed-in runner (token or session), or None: advice is open to everyone."""
    if request.headers.get("Authorization") is not None:
        from backrun.api.auth import api_user  # a bad token is a 401, as everywhere in the API

        return api_user()
    return current_user._get_current_object() if current_user.is_authenticated else None


def air_json(result) -> dict:
    reading = result.advice.air
    values = reading.to_dict() if reading else {"us_aqi": None, "european_aqi": None, "pm2_5": None,
                                                "pm10": None, "ozone": None, "pollen": {}, "complete": False}
    message = AIR_UNKNOWN if reading is None else None if reading.complete else AIR_PARTIAL
    return {"known": reading is not None, "message": message, **values, "attribution": AIR_ATTRIBUTION}


def advice_json(result, now: datetime, fit: RunnerFit | None = None) -> dict:
    fit = fit or RunnerFit()
    advice = result.advice.to_dict()
    return {
        "verdict": advice["verdict"],
        "reasons": advice["reasons"],
        "window": {"start": advice["window_start"], "end": advice["window_end"]},
        "outlook": advice["outlook"],
        "next_safe_window": advice["next_safe_window"],
        "source": result.source,
        "fetched_at": result.fetched_at.isoformat() if result.fetched_at else None,
        "stale": result.is_stale(now),
        "data_age_s": advice["data_age_s"],
        "attribution": result.attribution,
        "location": {"lat": result.latitude, "lon": result.longitude},
        "air_quality": air_json(result),
        "profile": result.advice.profile.to_dict() | {"runs": fit.runs},
        "kit": result.kit.to_dict(),
    }
