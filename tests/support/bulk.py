"""A realistic log of any length, for benchmarks and tests (deterministic, inserted in bulk)."""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta, timezone

from sqlalchemy import insert

from backrun.extensions import db
from backrun.logbook.models import SETTINGS, SORENESS_PLACES, Run

OFFSETS_MIN = (60, 120, -300, 0)


def generated_sessions(user_id: int, count: int, *, end: datetime, seed: int = 4) -> None:
    rng = random.Random(f"{seed}-{user_id}")  # demo data: a different log per runner, no secret  # nosec B311
    rows = []
    for index in range(count):
        offset = timedelta(minutes=rng.choice(OFFSETS_MIN))
        started = end - timedelta(hours=14 * (index + 1), minutes=rng.randrange(0, 600))
        bouts = rng.choice((None, 4, 6, 8, 10))
        backward = rng.randrange(20, 240) if bouts else None
        duration = max(
            bouts * backward + (bouts - 1) * 60 if bouts and backward else rng.randrange(120, 1800), 60
        )
        rows.append(
            {
                "id": uuid.UUID(int=rng.getrandbits(128), version=4),
                "user_id": user_id,
                "started_at": started,
                "utc_offset_min": int(offset.total_seconds() // 60),
                "local_date": started.astimezone(timezone(offset)).date(),
                "duration_s": duration,
                "distance_m": rng.choice((None, round(duration * rng.uniform(1.2, 2.5), 1))),
                "setting": rng.choice(SETTINGS),
                "venue_osm": None,
                "venue_name": rng.choice((None, "Town track", "Beach", "Gym")),
                "surface": None,
                "bouts": bouts,
                "backward_s": backward,
                "recovery_s": 60 if bouts else None,
                "effort": rng.randrange(1, 11),
                "soreness": rng.sample(SORENESS_PLACES, rng.choice((0, 0, 0, 1, 2))),
                "notes": rng.choice(("", "Felt good.", "Windy; kept it short.", "Calves tight afterwards.")),
                "weather": None,
                "created_at": started,
                "updated_at": started,
            }
        )
    for start in range(0, len(rows), 1000):
        db.session.execute(insert(Run), rows[start : start + 1000])
    db.session.commit()
