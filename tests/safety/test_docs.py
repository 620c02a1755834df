"""docs/safety-rules.md must list every threshold with its current value, and every reason code."""

from __future__ import annotations

from pathlib import Path

import pytest

from backrun.safety.thresholds import CODE_GROUPS, THRESHOLDS

DOC = Path(__file__).resolve().parents[3] / "docs" / "safety-rules.md"

REASON_CODES = [
    "thunder",
    "freezing_rain",
    "snow_falling",
    "snow_on_ground",
    "black_ice",
    "frost",
    "near_freezing",
    "rain",
    "rain_likely",
    "wet_surface",
    "freezing_fog",
    "fog",
    "gale",
    "strong_gusts",
    "heat",
    "wind_chill",
    "darkness",
    "uv",
    "snow_likely",
    "no_data",
    "stale_data",
    "missing_data",
    "implausible_data",
    "missing_history",
    "recent_rain_unknown",
    "air_quality",
    "pollen",
    "heat_sensitive",  # issue 18: backrun/safety/air.py and personal.py
]


def table_cells(name: str) -> list[str]:
    """Cells of the threshold-table row whose first cell is `name`."""
    for line in DOC.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells and cells[0] == f"`{name}`":
            return cells
    raise AssertionError(f"{name} is not in the threshold table of {DOC.name}")


@pytest.mark.parametrize("name", sorted(THRESHOLDS))
def test_every_threshold_is_documented_with_its_value_and_unit(name):
    threshold = THRESHOLDS[name]
    cells = table_cells(name)
    assert cells[1] == f"{threshold.value:g}", f"{name}: docs say {cells[1]}, code says {threshold.value:g}"
    assert cells[2] == threshold.unit


@pytest.mark.parametrize("name", sorted(CODE_GROUPS))
def test_every_weather_code_group_is_documented(name):
    cells = table_cells(name)
    assert cells[1] == ", ".join(str(c) for c in sorted(CODE_GROUPS[name]))


@pytest.mark.parametrize("code", REASON_CODES)
def test_every_reason_code_is_documented(code):
    assert f"`{code}`" in DOC.read_text(encoding="utf-8")


def test_every_threshold_has_a_source_and_a_reason():
    for threshold in THRESHOLDS.values():
        assert threshold.source.strip() and threshold.why.strip(), threshold.name
