"""GET /api/v1/advice: the verdict for a run window at a place."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app, request
from flask_login import current_user

from backrun.advice.service import AIR_ATTRIBUTION, get_advice
from backrun.api import bp
from backrun.api.auth import api_user
from backrun.api.openapi import ErrorSchema, documented
from backrun.api.schemas import AdviceQuery, AdviceSchema
from backrun.api.validation import parse_query
from backrun.logbook import snapshot
from backrun.platform.cache import PRIVATE_SHORT, cache_policy
from backrun.training.fit import RunnerFit, fit_for

AIR_UNKNOWN = (
    "Air quality unknown: we couldn't get it for your run, so this verdict is from the weather alone."
)
AIR_PARTIAL = "Air quality is known for part of your run only; the rest is unknown."


@bp.get("/advice")
@cache_policy(PRIVATE_SHORT)
@documented(
    summary="Weather safety advice for backward running",
    description="`go`, `caution`, `indoors` or `unknown` for the planned run, with every reason that fired. "
    "When no weather can be had the answer is still 200, with verdict `unknown`.",
    tags=["advice"],
    query=AdviceQuery,
    responses={200: (AdviceSchema, "The advice."), 400: (ErrorSchema, "Invalid parameters.")},
)
def advice():
    args = _query_args()
    now = datetime.now(UTC)
    fit = fit_for(user := _runner(), args)
    result = get_advice(
        args["lat"],
        args["lon"],
        minutes=args["minutes"],
        start=args["start"],
        now=now,
        profile=fit.profile,
        kit_offset_c=fit.kit_offset_c,
    )
    weather = snapshot.from_advice(result, now) if user is not None else None
    if weather is None:
        body = advice_body(result, now, fit)
    else:
        # Signed for this runner: send it with the session as `weather_token` to keep this advice in the
        # log. Per runner, so never in the memoised body.
        data = advice_json(result, now, fit)
        data["weather_token"] = snapshot.sign(weather, user.id)
        body = current_app.json.dumps(data, separators=(",", ":")) + "\n"
    return current_app.response_class(body, mimetype="application/json")


_ARGS_MEMO: dict[bytes, dict] = {}
_ARGS_MEMO_MAX = 1024


def _query_args() -> dict:
    """Validated arguments, remembered per query string: the same few URLs are asked again and
    again. Not with `start`, whose validity depends on the clock; errors are never remembered."""
    raw = request.query_string
    args = _ARGS_MEMO.get(raw)
    if args is None:
        args = parse_query(AdviceQuery)
        if args.get("start") is None:
            if len(_ARGS_MEMO) >= _ARGS_MEMO_MAX:
                _ARGS_MEMO.clear()
            _ARGS_MEMO[raw] = args
    return dict(args)


def advice_body(result, now: datetime, fit: RunnerFit) -> str:
    """The JSON text, serialised once per memoised result (and staleness): the cached path serves
    the same body many times a minute. Only what depends on the result alone may go in here;
    anything per request or per runner (a signed token) needs its own serialisation."""
    key = ("json", result.is_stale(now), fit.warmth)  # the profile and kit offset are in the result's own key
    body = result.memo.get(key)
    if body is None:  # compact, as jsonify writes it
        body = result.memo[key] = (
            current_app.json.dumps(advice_json(result, now, fit), separators=(",", ":")) + "\n"
        )
    return body


def _runner():
    """The signed-in runner (token or session), or None: advice is open to everyone."""
    if request.headers.get("Authorization") is not None:
        return api_user()  # a bad token is a 401, as everywhere in the API
    return current_user._get_current_object() if current_user.is_authenticated else None


def air_json(result) -> dict:
    reading = result.advice.air
    values = (
        reading.to_dict()
        if reading
        else {
            "us_aqi": None,
            "european_aqi": None,
            "pm2_5": None,
            "pm10": None,
            "ozone": None,
            "pollen": {},
            "complete": False,
        }
    )
    message = AIR_UNKNOWN if reading is None else None if reading.complete else AIR_PARTIAL
    return {"known": reading is not None, "message": message, **values, "attribution": AIR_ATTRIBUTION}


def advice_json(result, now: datetime, fit: RunnerFit | None = None) -> dict:
    fit = fit or RunnerFit()
    advice = result.advice_dict
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
        "weather_errors": [
            {"provider": e.provider, "kind": e.kind, "detail": e.detail} for e in result.weather.errors
        ],
        "ground": advice["ground"],
        "air_quality": air_json(result),
        "profile": result.advice.profile.to_dict() | {"runs": fit.warmth},
        "kit": result.kit.to_dict(),
    }
