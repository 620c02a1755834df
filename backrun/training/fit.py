"""The runner's profile for one request: from the query (any client), else the account.

Query parameters win (`experience`, `sensitivity`, `runs`), so a signed-out phone sends what it
keeps in localStorage and an API client says what it wants. A signed-in runner without a chosen
experience is a beginner while the six-week plan is under way ("week 2"), then regular. The kit
offset adds the runner's last post-run answers ("too warm / right / too cold").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from backrun.accounts.models import User
from backrun.advice import kit
from backrun.extensions import db
from backrun.logbook.models import Run
from backrun.safety.profile import DEFAULT_PROFILE, EXPERIENCES, Profile, parse_sensitivities
from backrun.training.history import plan_position_for


@dataclass(frozen=True)
class RunnerFit:
    profile: Profile = DEFAULT_PROFILE
    warmth: str = "normal"  # runs hot, normal or cold
    kit_offset_c: float = 0.0


def plan_week(user: User) -> int | None:
    """The week of the beginner plan this runner is in, or None once it's done."""
    today = datetime.now(UTC).astimezone(ZoneInfo(user.time_zone)).date()
    position = plan_position_for(user, today)
    return None if position.complete else position.week


def recent_feedback(user: User) -> list[str]:
    """The last post-run kit answers, newest first."""
    rows = db.session.scalars(
        select(Run.kit_feedback)
        .where(Run.user_id == user.id, Run.kit_feedback.is_not(None))
        .order_by(Run.started_at.desc())
        .limit(kit.FEEDBACK_RUNS)
    )
    return [feedback for feedback in rows if feedback is not None]  # none are: narrows the type


def fit_for(user: User | None, args: Mapping[str, Any]) -> RunnerFit:
    """`args`: validated `experience` (str|None), `sensitivity` (frozenset|None), `warmth` (str|None)
    (the API's query or profile_args; other keys are ignored)."""
    experience = args.get("experience")
    sensitivity = args.get("sensitivity")
    warmth = args.get("warmth")
    week = None
    if user is not None:
        if experience is None:
            experience = user.experience
            if experience is None:
                week = plan_week(user)
                experience = "beginner" if week is not None else "regular"
        if sensitivity is None:
            sensitivity = parse_sensitivities(user.sensitivities or "")
        warmth = warmth or user.warmth
    profile = Profile(
        experience or "regular", frozenset(sensitivity or ()), week if experience == "beginner" else None
    )
    feedback = recent_feedback(user) if user is not None else []
    warmth = warmth or "normal"
    return RunnerFit(profile, warmth, kit.offset_c(warmth, feedback))


def profile_args(args: Mapping[str, str]) -> dict[str, object]:
    """The page's query parameters checked like the API's (ValueError with a readable message)."""
    experience = (args.get("experience") or "").strip() or None
    if experience is not None and experience not in EXPERIENCES:
        raise ValueError("Choose beginner, regular or experienced.")
    warmth = (args.get("runs") or "").strip() or None  # the query parameter keeps its first name
    if warmth is not None and warmth not in kit.WARMTHS:
        raise ValueError("Choose whether you run hot, cold or neither.")
    raw = args.get("sensitivity")
    sensitivity = None if raw is None else parse_sensitivities(raw[:100])
    return {"experience": experience, "sensitivity": sensitivity, "warmth": warmth}
