"""The list's filters (month, setting) from a query string, for pages and the API alike."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from backrun.logbook.models import SETTINGS
from backrun.logbook.service import Filters

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


FIRST_YEAR, LAST_YEAR = 1900, 2999  # sessions start after 1900 and at most a day from now


def month_start(text: str) -> date:
    """`2026-05` -> 2026-05-01; ValueError otherwise."""
    match = MONTH.match(text)
    if not match:
        raise ValueError("Choose a month as YYYY-MM, e.g. 2026-05.")
    year = int(match.group(1))
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f"Choose a month between {FIRST_YEAR} and {LAST_YEAR}.")
    return date(year, int(match.group(2)), 1)


@dataclass
class FilterForm:
    month: str = ""
    setting: str = ""
    error: str = ""

    @classmethod
    def from_args(cls, args) -> FilterForm:
        form = cls(month=args.get("month", "").strip(), setting=args.get("setting", "").strip())
        if form.month:
            try:
                month_start(form.month)
            except ValueError as exc:
                form.error = str(exc)
        if form.setting and form.setting not in SETTINGS:
            form.error = "Choose outdoor, treadmill or indoor track."
        return form

    def filters(self) -> Filters:
        return Filters(month=month_start(self.month) if self.month else None, setting=self.setting or None)

    def query(self) -> dict[str, str]:
        return {k: v for k, v in {"month": self.month, "setting": self.setting}.items() if v}
