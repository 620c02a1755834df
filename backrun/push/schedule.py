"""When a message is due, in the subscriber's own time zone (pure functions, no I/O).

Local wall-clock times are turned into instants with zoneinfo: on a spring-forward day a briefing
set inside the skipped hour comes at the same instant as the hour before + 1 h (02:30 -> 03:30),
on a fall-back day at the first of the two 02:30s. Each kind is sent at most once per local day
(the slot), which the delivery claim makes exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

UTC = UTC
SAFE_WINDOW_STEP = timedelta(minutes=15)


class BadTime(ValueError):
    pass


def parse_hhmm(text: str) -> time:
    """ "07:00" -> time(7, 0); anything else (24:00, 7:60, 07:00:00, " 7:00") is a BadTime."""
    if not isinstance(text, str) or len(text) != 5 or text[2] != ":" or not (text[:2] + text[3:]).isdigit():
        raise BadTime(f"{text!r} is not a time of day as HH:MM (00:00 to 23:59)")
    hour, minute = int(text[:2]), int(text[3:])
    if hour > 23 or minute > 59:
        raise BadTime(f"{text!r} is not a time of day as HH:MM (00:00 to 23:59)")
    return time(hour, minute)


@dataclass(frozen=True)
class QuietHours:
    start: time
    end: time

    @classmethod
    def parse(cls, text: str) -> QuietHours:
        """ "21:00-07:00" (may wrap midnight); equal ends mean no quiet hours."""
        try:
            start, end = text.split("-")
            return cls(parse_hhmm(start.strip()), parse_hhmm(end.strip()))
        except (ValueError, BadTime) as exc:
            raise BadTime(f"quiet hours must be HH:MM-HH:MM, got {text!r}") from exc

    def contains(self, local: time) -> bool:
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end


@lru_cache(maxsize=1)
def known_time_zones() -> frozenset[str]:
    return frozenset(available_timezones())


@lru_cache(maxsize=1024)
def zone(name: str) -> ZoneInfo:
    if name not in known_time_zones():
        raise ZoneInfoNotFoundError(name)
    return ZoneInfo(name)


def local_day(at: datetime, zone_name: str) -> date:
    return at.astimezone(zone(zone_name)).date()


def briefing_instant(day: date, at_local: time, zone_name: str) -> datetime:
    """The UTC instant of a local wall-clock time (fold=0: the earlier reading of an ambiguous time)."""
    naive = datetime.combine(day, at_local)
    return naive.replace(tzinfo=zone(zone_name)).astimezone(UTC)


def briefing_due(at: datetime, briefing_at: str | None, zone_name: str, grace: timedelta) -> date | None:
    """The local day whose briefing is due at `at` (from its time until `grace` later), else None."""
    if briefing_at is None:
        return None
    wanted = parse_hhmm(briefing_at)
    today = local_day(at, zone_name)
    # A briefing just before midnight may still be in its grace period after it.
    for day in (today, today - timedelta(days=1)):
        instant = briefing_instant(day, wanted, zone_name)
        if instant <= at < instant + grace:
            return day
    return None


def in_quiet_hours(at: datetime, zone_name: str, quiet: QuietHours) -> bool:
    return quiet.contains(at.astimezone(zone(zone_name)).time())


def next_window_start(at: datetime) -> datetime:
    """The next quarter-hour mark: the start of "the next 15-minute run window"."""
    at = at.astimezone(UTC)
    floored = at.replace(minute=at.minute - at.minute % 15, second=0, microsecond=0)
    return floored if floored == at else floored + SAFE_WINDOW_STEP
