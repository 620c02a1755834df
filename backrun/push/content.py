"""What a briefing or an alert says (pure: advice in, payload dict out).

The payload is what the service worker shows: `kind`, `verdict`, `title` (the verdict first),
`body` (top reason, conditions, the next safe window), `url` (the advice for the place), `tag`
(one notification per place: a newer one replaces an unread older one) and the verdict's icon.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from backrun.advice import limits
from backrun.advice.words import VERDICT_ICONS
from backrun.safety.verdict import Advice
from backrun.weather.model import Forecast

VERDICT_TITLES = {
    "go": "Go",
    "caution": "Caution",
    "indoors": "Run indoors",
    "unknown": "Unknown: check yourself",
}
# Push services keep a message only this long for an offline device: a briefing is worth
# nothing the next day, an alert only while the window is still ahead.
TTL_S = {"briefing": 6 * 3600, "safe_window": 45 * 60}
URGENCY = {"briefing": "normal", "safe_window": "high"}
MAX_BODY = 300


def advice_url(latitude: float, longitude: float, minutes: int) -> str:
    """The advice page for the place; its form offers fixed run lengths, so the nearest one."""
    nearest = min(limits.CHOICES, key=lambda m: (abs(m - minutes), m))
    return "/advice?" + urlencode({"lat": f"{latitude:.4f}", "lon": f"{longitude:.4f}", "minutes": nearest})


def topic(kind: str, subscription_id: int) -> str:
    """RFC 8030 Topic (base64url alphabet, at most 32 chars): a newer message replaces an undelivered one."""
    return f"{kind.replace('_', '-')}-{subscription_id}"[:32]


def conditions(forecast: Forecast | None, start: datetime, end: datetime) -> str:
    """ "7–9 °C, dry, gusts to 25 km/h" over the run, from the steps it covers ('' without data)."""
    if forecast is None:
        return ""
    quarters = [s for s in forecast.quarter_hours if s.start < end and s.end > start]
    hours = [s for s in forecast.hours if s.start < end and s.end > start]

    def values(name: str) -> list[float]:
        # Quarter-hour feeds often carry only some variables: the hours fill in the rest.
        found = [getattr(s, name) for s in quarters if getattr(s, name) is not None]
        return found or [getattr(s, name) for s in hours if getattr(s, name) is not None]

    parts = []
    temps = values("temperature_c")
    if temps:
        low, high = round(min(temps)), round(max(temps))
        parts.append(f"{low} °C" if low == high else f"{low}–{high} °C")
    rain = [s.precipitation_mm for s in (quarters or hours) if s.precipitation_mm is not None]
    if rain:
        total = sum(rain)
        parts.append("dry" if total == 0 else f"{total:.1f} mm rain")
    gusts = values("wind_gusts_kmh")
    if gusts:
        parts.append(f"gusts to {round(max(gusts))} km/h")
    return ", ".join(parts)


def _local(when: datetime, zone: ZoneInfo) -> str:
    return when.astimezone(zone).strftime("%H:%M")


def briefing(
    advice: Advice,
    forecast: Forecast | None,
    *,
    place: str,
    latitude: float,
    longitude: float,
    minutes: int,
    zone: ZoneInfo,
    subscription_id: int,
) -> dict:
    verdict = advice.verdict
    lines = []
    if advice.reasons:
        lines.append(advice.reasons[0].message)
    else:
        lines.append("No hazard found for your run.")
    described = conditions(forecast, advice.window_start, advice.window_end)
    if described:
        lines.append(described[0].upper() + described[1:] + ".")
    if verdict != "go":
        safe = advice.next_safe_window
        lines.append(
            f"Next safe window: {_local(safe[0], zone)}–{_local(safe[1], zone)}."
            if safe
            else "No safe window found later today."
        )
    return _payload(
        "briefing",
        verdict,
        f"{VERDICT_ICONS[verdict]} {VERDICT_TITLES[verdict]} · {place}",
        " ".join(lines),
        latitude,
        longitude,
        minutes,
        subscription_id,
        advice,
    )


def safe_window(
    advice: Advice,
    forecast: Forecast | None,
    *,
    place: str,
    latitude: float,
    longitude: float,
    minutes: int,
    zone: ZoneInfo,
    subscription_id: int,
) -> dict:
    start, end = advice.window_start, advice.window_end
    lines = [f"Safe to run backwards {_local(start, zone)}–{_local(end, zone)} ({minutes} min)."]
    described = conditions(forecast, start, end)
    if described:
        lines.append(described[0].upper() + described[1:] + ".")
    return _payload(
        "safe_window",
        "go",
        f"{VERDICT_ICONS['go']} It's safe now · {place}",
        " ".join(lines),
        latitude,
        longitude,
        minutes,
        subscription_id,
        advice,
    )


def _payload(
    kind: str,
    verdict: str,
    title: str,
    body: str,
    latitude: float,
    longitude: float,
    minutes: int,
    subscription_id: int,
    advice: Advice,
) -> dict:
    return {
        "kind": kind,
        "verdict": verdict,
        "title": title,
        "body": body if len(body) <= MAX_BODY else body[: MAX_BODY - 1] + "…",
        "url": advice_url(latitude, longitude, minutes),
        "tag": f"backrun-place-{subscription_id}",
        "icon": "/static/icons/icon-192.png",
        "reason": advice.reasons[0].code if advice.reasons else None,
        "window": {"start": advice.window_start.isoformat(), "end": advice.window_end.isoformat()},
        "next_safe_window": None
        if advice.next_safe_window is None
        else {"start": advice.next_safe_window[0].isoformat(), "end": advice.next_safe_window[1].isoformat()},
    }
