"""The logbook in a real Chromium: sign up, "I'm going" from the advice, list, edit, delete, progress."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.support.apps import daylit_location
from tests.support.pwa import sign_up

pytestmark = pytest.mark.e2e


def progress_numbers(page, base_url: str) -> tuple[str, str]:
    page.goto(base_url + "/progress")
    return page.locator("#week-count").inner_text(), page.locator("#total-sessions").inner_text()


def test_log_a_session_from_the_advice_then_edit_and_delete_it(context, page, live_server):
    base = live_server.url
    sign_up(page, base, "runner@example.org")
    expect(page.get_by_text("No sessions yet")).to_be_visible()
    assert progress_numbers(page, base) == ("0", "0")
    expect(page.get_by_text("Start with 30-second backward bouts")).to_be_visible()

    # The advice page: location, verdict, then "I'm going".
    lat, lon = daylit_location()
    context.grant_permissions(["geolocation"], origin=base)
    context.set_geolocation({"latitude": lat, "longitude": lon})
    page.goto(base + "/")
    page.get_by_role("button", name="Use my location").click()
    expect(page.locator("#verdict-heading")).to_have_text("Go")
    page.get_by_role("link", name="I’m going").click()

    # The log form, pre-filled from the advice.
    expect(page.get_by_role("heading", name="Log a session")).to_be_visible()
    expect(page.locator(".weather-snapshot")).to_contain_text("Weather advice when you set off: Go")
    expect(page.get_by_label("Outdoor venue")).to_be_checked()
    expect(page.locator("input[name=tz]")).to_have_value("Europe/Vaduz")  # the browser's zone
    page.get_by_label("Duration").fill("15")
    page.get_by_label("Bouts").fill("5")
    page.get_by_label("Backward seconds each").fill("30")
    page.get_by_label("Recovery seconds between").fill("60")
    page.get_by_label("Effort (optional)").select_option("3")
    page.get_by_label("Notes (optional)").fill("<script>alert('x')</script> first backward run")
    page.get_by_role("button", name="Save session").click()

    expect(page.get_by_text("Session logged.")).to_be_visible()
    expect(page.locator(".session-detail")).to_contain_text("5 × 30 s backwards")
    expect(page.locator(".notes")).to_have_text("<script>alert('x')</script> first backward run")
    expect(page.locator(".weather-snapshot")).to_contain_text("Go")

    # In the list.
    page.get_by_role("link", name="Log", exact=True).click()
    items = page.locator(".session-item")
    expect(items).to_have_count(1)
    expect(items.first).to_contain_text("15 min (5 × 30 s backwards)")
    assert progress_numbers(page, base) == ("1", "1")
    expect(page.locator("#total-minutes")).to_have_text("2.5 min")  # 5 x 30 s backwards
    expect(page.locator(".week-chart")).to_be_visible()

    # Edit.
    page.goto(base + "/log")
    page.locator(".session-item").get_by_role("link", name=re.compile("^Edit")).click()
    expect(page.get_by_label("Duration")).to_have_value("15")
    page.get_by_label("Duration").fill("20")
    page.get_by_label("Effort (optional)").select_option("4")
    page.get_by_role("button", name="Save session").click()
    expect(page.get_by_text("Session updated.")).to_be_visible()
    expect(page.locator(".session-detail")).to_contain_text("20 min")
    expect(page.locator(".session-detail")).to_contain_text("4/10")

    # Delete, with a question first, in place (htmx).
    page.goto(base + "/log")
    page.locator(".session-item").get_by_role("link", name=re.compile("^Delete")).click()
    question = page.locator(".confirm-delete")
    expect(question).to_contain_text("This can’t be undone.")
    expect(question.locator(".swap-focus, p").first).to_be_focused()
    question.get_by_role("link", name="No, keep it").click()
    expect(page.locator(".confirm-delete")).to_have_count(0)
    expect(page.locator(".session-item")).to_have_count(1)
    page.locator(".session-item").get_by_role("link", name=re.compile("^Delete")).click()
    page.get_by_role("button", name="Yes, delete it").click()
    expect(page.locator(".session-item.deleted")).to_contain_text("deleted.")
    page.reload()
    expect(page.get_by_text("No sessions yet")).to_be_visible()
    assert progress_numbers(page, base) == ("0", "0")
    assert page.console_errors == []


def test_the_logbook_works_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        base = live_server.url
        sign_up(page, base, "nojs@example.org")
        page.goto(base + "/log/new")
        page.get_by_label("Duration").fill("10:30")
        page.get_by_label("Treadmill").check()
        page.get_by_label("Calves").check()
        page.get_by_role("button", name="Save session").click()
        expect(page.get_by_text("Session logged.")).to_be_visible()
        expect(page.locator(".session-detail")).to_contain_text("10 min 30 s")
        expect(page.locator(".session-detail")).to_contain_text("calves")

        # A mistake is explained at the field, which gets the focus.
        page.goto(base + "/log/new")
        page.get_by_label("Duration").fill("0")
        page.get_by_role("button", name="Save session").click()
        expect(page.locator("#duration-error")).to_have_text(re.compile("Enter a duration over 0"))
        expect(page.get_by_label("Duration")).to_be_focused()

        # Delete asks on its own page without JavaScript.
        page.goto(base + "/log")
        page.locator(".session-item").get_by_role("link", name=re.compile("^Delete")).click()
        expect(page).to_have_url(re.compile(r"/delete$"))
        page.get_by_role("button", name="Yes, delete it").click()
        expect(page.get_by_text("Session deleted.")).to_be_visible()
        expect(page.get_by_text("No sessions yet")).to_be_visible()
    finally:
        context.close()


def test_the_progress_chart_reads_without_colour(page, live_server):
    sign_up(page, live_server.url, "chart@example.org")
    page.goto(live_server.url + "/progress")
    # A new runner sees what to do first, not weeks of zeros.
    expect(page.locator(".empty-state")).to_contain_text("No sessions yet")
    expect(page.locator(".empty-state").get_by_role("link", name="Open the timer")).to_be_visible()
    expect(page.locator(".week-chart")).to_have_count(0)
    page.goto(live_server.url + "/log/new")
    page.get_by_label("Duration").fill("20")
    page.get_by_role("button", name="Save session").click()
    expect(page).not_to_have_url(re.compile(r"/log/new"))  # saved: the log, not the form
    page.goto(live_server.url + "/progress")
    labels = page.locator(".chart-value")
    expect(labels).to_have_count(6)  # six weeks keep the labels readable on a phone; the table has twelve
    expect(page.locator(".week-chart title")).to_have_text(
        re.compile("Backward minutes in each of the last 6 weeks")
    )
    page.get_by_text("The same as a table").click()
    expect(page.locator(".week-table tbody tr")).to_have_count(12)
