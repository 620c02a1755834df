"""The venues to list under a verdict: the verdict picks the mode (day, night, indoor)."""

from __future__ import annotations

import logging
from datetime import datetime

from backrun.advice.service import AdviceResult
from backrun.extensions import db
from backrun.venues.service import PAGE_LIMIT, VenueList, nearby_venues, sun_is_down

log = logging.getLogger(__name__)


def venues_for_advice(result: AdviceResult, now: datetime) -> VenueList | None:
    """The venues to list under a verdict: the verdict picks the mode, darkness weighs lighting.

    The advice matters more than the venues, so a failure here costs the list, not the page.
    """
    advice = result.advice
    dark = any(reason.code == "darkness" for reason in advice.reasons) or sun_is_down(
        result.latitude, result.longitude, now
    )
    try:
        # Never wait for a live Overpass lookup here: the list then loads on its own (see nearby()).
        return nearby_venues(
            result.latitude,
            result.longitude,
            verdict=advice.verdict,
            dark=dark,
            limit=PAGE_LIMIT,
            now=now,
            live_lookup=False,
        )
    except Exception:
        log.exception("venues could not be listed for %.4f,%.4f", result.latitude, result.longitude)
        db.session.rollback()
        return None
