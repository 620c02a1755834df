"""Who is running: experience and sensitivities, which can only make the advice stricter.

The default profile (a regular runner with no sensitivity) gets the plain weather rules. An
"experienced" runner gets exactly those too: no profile ever loosens a rule.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

EXPERIENCES = ("beginner", "regular", "experienced")
SENSITIVITIES = ("respiratory", "pollen", "heat")


@dataclass(frozen=True, slots=True)
class Profile:
    experience: str = "regular"
    sensitivities: frozenset[str] = field(default_factory=frozenset)
    plan_week: int | None = None  # set when "beginner" comes from the week of the beginner plan

    def __post_init__(self) -> None:
        if self.experience not in EXPERIENCES:
            raise ValueError(f"experience must be one of {', '.join(EXPERIENCES)}")
        unknown = set(self.sensitivities) - set(SENSITIVITIES)
        if unknown:
            raise ValueError(f"unknown sensitivity {sorted(unknown)[0]!r}")

    @property
    def beginner(self) -> bool:
        return self.experience == "beginner"

    def has(self, sensitivity: str) -> bool:
        return sensitivity in self.sensitivities

    @property
    def beginner_why(self) -> str:
        """'because you're in week 2' or 'because you chose beginner', for the reasons."""
        if self.plan_week is not None:
            return f"because you're in week {self.plan_week} of the beginner plan"
        return "because you chose beginner in your profile"

    def to_dict(self) -> dict[str, Any]:
        return {
            "experience": self.experience,
            "sensitivity": sorted(self.sensitivities),
            "plan_week": self.plan_week,
        }


DEFAULT_PROFILE = Profile()


def parse_sensitivities(raw: str | Iterable[str] | None) -> frozenset[str]:
    """'respiratory,pollen' (or a list) -> a set; ValueError for a name we don't know."""
    if raw is None:
        return frozenset()
    parts = raw.split(",") if isinstance(raw, str) else list(raw)
    names = frozenset(p.strip().lower() for p in parts if p and p.strip())
    unknown = names - set(SENSITIVITIES)
    if unknown:
        raise ValueError(f"unknown sensitivity {sorted(unknown)[0]!r}: use {', '.join(SENSITIVITIES)}")
    return names
