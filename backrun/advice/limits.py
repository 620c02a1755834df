"""The run lengths advice is given for: one source for the form, the API, the CLI and push."""

from __future__ import annotations

MIN_MINUTES = 5
MAX_MINUTES = 240  # four hours: beyond it a forecast hour-by-hour verdict says little
DEFAULT_MINUTES = 30
# The lengths the advice form offers (and push briefings round to).
CHOICES = (15, 30, 45, 60, 90, 120)


def clamp_minutes(value: int) -> int:
    return min(max(value, MIN_MINUTES), MAX_MINUTES)
