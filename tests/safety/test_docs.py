"""docs/safety-rules.md must list every threshold with its current value, and every reason code."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import pytest

import backrun.safety
from backrun.safety.rules import HAZARD_OF, Reason
from backrun.safety.thresholds import CODE_GROUPS, THRESHOLDS

DOC = Path(__file__).resolve().parents[2] / "docs" / "safety-rules.md"


def declared_reason_codes() -> dict[str, str]:
    """Every code the rules can emit, from the registry each rule module fills (reason_code) as it
    is imported: so every module of backrun.safety is imported first."""
    for module in pkgutil.walk_packages(backrun.safety.__path__, "backrun.safety."):
        importlib.import_module(module.name)
    return dict(HAZARD_OF)


REASON_CODES = sorted(declared_reason_codes())


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


def documented_reason_codes() -> set[str]:
    """The codes in the first column of the doc's "| Code | ..." tables."""
    codes: set[str] = set()
    in_table = False
    for line in DOC.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if line.startswith("|") else []
        if not cells:
            in_table = False
        elif cells[0] == "Code":
            in_table = True
        elif in_table:
            codes.update(re.findall(r"`([a-z_]+)`", cells[0]))
    return codes


@pytest.mark.parametrize("code", REASON_CODES)
def test_every_reason_code_is_documented(code):
    assert code in documented_reason_codes(), f"{code} is not in a Code table of {DOC.name}"


def test_the_docs_list_no_code_the_rules_cannot_emit():
    assert documented_reason_codes() <= set(REASON_CODES)


def test_the_registry_holds_the_codes_of_every_family():
    # The weather rules, the data-quality rules and the air and profile rules all declare theirs.
    assert {"thunder", "black_ice", "gale", "fog", "no_data", "air_quality", "heat_sensitive"} <= set(
        REASON_CODES
    )


def test_a_reason_with_an_undeclared_code_is_refused():
    with pytest.raises(ValueError, match="not declared"):
        Reason("made_up", "caution", "A reason no rule module declared.", {})


def test_every_threshold_has_a_source_and_a_reason():
    for threshold in THRESHOLDS.values():
        assert threshold.source.strip() and threshold.why.strip(), threshold.name
