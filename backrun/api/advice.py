"""GET /api/v1/advice: the verdict for a run window at a place."""

from __future__ import annotations

from datetime import datetime, timezone

from flask import current_app, request

from backrun.advice_service import get_advice
from backrun.logbook import snapshot
from backrun.api import bp
from backrun.api.auth import optional_api_user
from backrun.api.openapi import ErrorSchema, documented
from backrun.api.schemas import AdviceQuery, AdviceSchema
from backrun.api.validation import parse_query


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
    args = _query_args()
    now = datetime.now(timezone.utc)
    result = get_advice(args["lat"], args["lon"], minutes=args["minutes"], start=args["start"], now=now)
    user = optional_api_user()
    weather = snapshot.from_advice(result, now) if user is not None else None
    if weather is None:
        body = advice_body(result, now)
    else:
        # Signed for this runner: send it with the session as `weather_token` to keep this advice in the
        # log. Per runner, so never in the memoised body.
        data = advice_json(result, now)
        data["weather_token"] = snapshot.sign(weather, user.id)
        body = current_app.json.dumps(data, separators=(",", ":")) + "\n"
    response = current_app.response_class(body, mimetype="application/json")
    response.headers["Cache-Control"] = "private, max-age=60"
    return response


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


def advice_body(result, now: datetime) -> str:
    """The JSON text, serialised once per memoised result (and staleness): the cached path serves
    the same body many times a minute. Only what depends on the result alone may go in here;
    anything per request or per runner (a signed token) needs its own serialisation."""
    stale = result.is_stale(now)
    body = result.memo.get(("json", stale))
    if body is None:  # compact, as jsonify writes it
        body = result.memo[("json", stale)] = current_app.json.dumps(advice_json(result, now),
                                                                     separators=(",", ":")) + "\n"
    return body


def advice_json(result, now: datetime) -> dict:
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
        "weather_errors": [{"provider": e.provider, "kind": e.kind, "detail": e.detail} for e in result.weather.errors],
        "ground": advice["ground"],
    }
