"""What every rule module shares: the `Reason` a rule returns, the `RunConditions` it reads, the
severities, the registry of reason codes and small evidence helpers.

Each rule module declares the codes it can emit with `reason_code`, and `Reason` refuses any other
code: so a new code is always in `HAZARD_OF`, and tests/safety/test_docs.py then fails
until docs/safety-rules.md documents it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal, NewType

from backrun.safety import ground as gm
from backrun.weather.model import Step

Severity = Literal["indoors", "unknown", "caution"]
INDOORS: Severity = "indoors"
UNKNOWN: Severity = "unknown"
CAUTION: Severity = "caution"

SEVERITY_RANK: dict[str, int] = {"indoors": 0, "unknown": 1, "caution": 2, "go": 3}

CHECK_YOURSELF = "Check conditions yourself before heading out, or run indoors."

ReasonCode = NewType("ReasonCode", str)

# Every code a rule can emit -> its hazard. Reasons are shown grouped by hazard (the group with the
# most severe reason first). Filled by `reason_code` as each rule module is imported.
HAZARD_OF: dict[str, str] = {}


def reason_code(code: str, hazard: str) -> ReasonCode:
    """Declare a code a rule module emits, in the hazard group it is shown in."""
    if HAZARD_OF.setdefault(code, hazard) != hazard:
        raise ValueError(f"reason code {code!r} is already declared for hazard {HAZARD_OF[code]!r}")
    return ReasonCode(code)


@dataclass(frozen=True, slots=True)
class Reason:
    code: ReasonCode
    severity: Severity
    message: str
    evidence: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.code not in HAZARD_OF:
            raise ValueError(f"reason code {self.code!r} is not declared with reason_code()")

    @property
    def hazard(self) -> str:
        return HAZARD_OF[self.code]

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "hazard": self.hazard,
            "message": self.message,
            "evidence": dict(self.evidence),
        }


@dataclass(frozen=True, slots=True)
class RunConditions:
    start: datetime
    end: datetime
    run: tuple[Step, ...]  # quarter-hours where they cover the run, hourly otherwise
    around_run: tuple[Step, ...]  # every step (both resolutions) within the thunder margin
    past: tuple[Step, ...]  # hourly steps overlapping the GROUND_HISTORY_H before the start
    lowest_sun: tuple[datetime, float] | None = None  # (when, elevation °) during the run
    # The worst ground state the run meets and the transitions before it (advice computes the
    # pass once per forecast; rules called on their own compute it from past + run).
    ground: gm.GroundState | None = None
    ground_events: tuple[gm.Event, ...] = ()
    # The same in the worst-case pass (past hours without precipitation counted as heavy rain).
    ground_worst: gm.GroundState | None = None

    def past_within(self, hours: float) -> tuple[Step, ...]:
        since = self.start - timedelta(hours=hours)
        return tuple(s for s in self.past if s.end > since)


Rule = Callable[[RunConditions], list[Reason]]


def iso(when: datetime) -> str:
    return when.isoformat()


def rounded(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def symbol_base(step: Step) -> str:
    """MET symbol without its _day/_night/_polartwilight suffix ('' when absent)."""
    return (step.symbol or "").split("_", 1)[0]


def symbol_has(step: Step, *words: str) -> bool:
    base = symbol_base(step)
    return any(word in base for word in words)


def code_evidence(step: Step) -> dict[str, Any]:
    evidence: dict[str, Any] = {"at": iso(step.start)}
    if step.weather_code is not None:
        evidence["weather_code"] = step.weather_code
    if step.symbol is not None:
        evidence["symbol"] = step.symbol
    return evidence
