"""Pure parts of push: local times, quiet hours, Retry-After, back-off, the advice link."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from backrun.push import schedule
from backrun.push.claims import backoff
from backrun.push.content import advice_url, topic
from backrun.push.sender import contact_claim, retry_after

UTC = UTC
GRACE = timedelta(minutes=30)


@pytest.mark.parametrize("text", ["24:00", "07:60", "7:00", "07:00:00", " 7:00", "ab:cd", "", "07-00"])
def test_impossible_times_are_refused(text):
    with pytest.raises(schedule.BadTime):
        schedule.parse_hhmm(text)


def test_quiet_hours_wrap_midnight_and_equal_ends_mean_none():
    quiet = schedule.QuietHours.parse("21:00-07:00")
    assert quiet.contains(time(21, 0)) and quiet.contains(time(3, 0)) and quiet.contains(time(6, 59))
    assert not quiet.contains(time(7, 0)) and not quiet.contains(time(20, 59))
    day = schedule.QuietHours.parse("12:00-14:00")
    assert day.contains(time(13, 0)) and not day.contains(time(14, 0))
    assert not schedule.QuietHours.parse("00:00-00:00").contains(time(3, 0))
    with pytest.raises(schedule.BadTime):
        schedule.QuietHours.parse("21:00")


def test_fall_back_day_briefing_at_the_first_of_two_0230s():
    # Vaduz, 25 October 2026: 03:00 CEST becomes 02:00 CET, so 02:30 happens twice.
    first = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 02:30 CEST
    second = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)  # 02:30 CET
    assert schedule.briefing_due(first, "02:30", "Europe/Vaduz", GRACE) == date(2026, 10, 25)
    assert schedule.briefing_instant(date(2026, 10, 25), time(2, 30), "Europe/Vaduz") == first
    assert schedule.briefing_due(second, "02:30", "Europe/Vaduz", GRACE) is None


def test_a_late_evening_briefing_is_still_due_after_midnight_within_its_grace():
    at = datetime(2026, 6, 15, 22, 10, tzinfo=UTC)  # 00:10 on the 16th in Vaduz
    assert schedule.briefing_due(at, "23:55", "Europe/Vaduz", GRACE) == date(2026, 6, 15)
    assert schedule.briefing_due(at, "23:30", "Europe/Vaduz", GRACE) is None


def test_the_next_window_starts_at_the_next_quarter_hour():
    assert schedule.next_window_start(datetime(2026, 1, 1, 7, 0, tzinfo=UTC)) == datetime(
        2026, 1, 1, 7, 0, tzinfo=UTC
    )
    assert schedule.next_window_start(datetime(2026, 1, 1, 7, 1, tzinfo=UTC)) == datetime(
        2026, 1, 1, 7, 15, tzinfo=UTC
    )
    assert schedule.next_window_start(datetime(2026, 1, 1, 7, 59, 30, tzinfo=UTC)) == datetime(
        2026, 1, 1, 8, 0, tzinfo=UTC
    )


def test_retry_after_as_seconds_or_a_date():
    now = datetime(2026, 6, 15, 7, 0, tzinfo=UTC)
    assert retry_after("120") == 120.0
    assert retry_after("Mon, 15 Jun 2026 07:02:00 GMT", now) == 120.0
    assert retry_after("Mon, 15 Jun 2026 06:00:00 GMT", now) == 0.0
    assert retry_after("soon") is None and retry_after(None) is None


def test_backoff_doubles_honours_retry_after_and_is_capped():
    assert [backoff(n, None, 3600).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert backoff(1, 500, 3600).total_seconds() == 500
    assert backoff(10, None, 3600).total_seconds() == 3600
    assert backoff(1, 86400, 3600).total_seconds() == 3600


def test_the_link_uses_a_run_length_the_advice_page_offers():
    assert advice_url(47.1, 9.5, 30).endswith("minutes=30")
    assert advice_url(47.1, 9.5, 20).endswith("minutes=15")  # nearest, the shorter on a tie
    assert advice_url(47.1, 9.5, 240).endswith("minutes=120")


def test_topic_is_short_and_url_safe():
    value = topic("safe_window", 123456789)
    assert len(value) <= 32 and set(value) <= set("abcdefghijklmnopqrstuvwxyz0123456789-_")


def test_the_contact_becomes_a_vapid_subject():
    assert contact_claim("ops@example.org") == "mailto:ops@example.org"
    assert contact_claim("mailto:ops@example.org") == "mailto:ops@example.org"
    assert contact_claim("https://example.org/contact") == "https://example.org/contact"
