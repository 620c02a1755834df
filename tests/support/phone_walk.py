"""Every page a runner reaches, at phone sizes: the walk the layout tests and `make screenshots` share.

One module-wide app (real OSM venues of Liechtenstein, the weather fakes) with a runner who has a
few sessions; the checks run in the page in one evaluate() per page, so a walk stays fast.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from backrun.extensions import db
from tests.support.runners import PASSWORD, Runner
from tests.support.venues import TARTAN_OVAL, VADUZ

EMAIL = "phone.runner.with-a-long-address@example.org"
# Rain that began an hour ago, gusty and cold: a "caution" or "indoors" card with several reasons,
# the fullest verdict card there is (the longest layout to fit).
WEATHER = {
    offset: (
        {
            "precipitation": 0.6,
            "rain": 0.6,
            "weather_code": 61,
            "precipitation_probability": 80,
            "wind_speed_10m": 24.0,
            "wind_gusts_10m": 52.0,
            "temperature_2m": 3.0,
            "soil_temperature_0cm": 4.0,
            "apparent_temperature": -1.0,
            "dew_point_2m": 1.0,
            "relative_humidity_2m": 88,
        }
        if offset >= -1
        else {
            "temperature_2m": 5.0,
            "dew_point_2m": 1.0,
            "relative_humidity_2m": 75,
            "soil_temperature_0cm": 5.0,
        }
    )
    for offset in range(-30, 30)
}
SIZES = {320: 640, 360: 740, 390: 844}  # width: height of a common phone of that width


@dataclass(frozen=True)
class Screen:
    name: str
    path: str
    advice: bool = False  # the verdict, its top reason and the temperature must be in the first viewport


def seed_runner(app) -> str:
    """A runner with sessions of every kind; returns the id of a session with long values."""
    runner = Runner(app, EMAIL).signup()
    token = runner.token()
    now = datetime.now(UTC)
    long_id = str(uuid.uuid4())
    runner.log(
        token,
        id=long_id,
        started_at=(now - timedelta(days=1)).isoformat(),
        duration_s=2530,
        intervals={"bouts": 12, "backward_s": 45, "recovery_s": 50},
        effort=7,
        soreness=["calves", "quads"],
        venue={"osm": TARTAN_OVAL, "name": "Leichtathletikstadion Rheinwiese Schaan, Laufbahn Nord"},
        notes="Windy on the back straight. " * 6,
        distance_m=4210.5,
    )
    runner.log(
        token,
        started_at=(now - timedelta(days=3)).isoformat(),
        duration_s=1080,
        intervals=None,
        pattern="continuous",
        effort=3,
        setting="treadmill",
        surface="treadmill_belt",
        venue=None,
    )
    runner.log(
        token, started_at=(now - timedelta(days=9)).isoformat(), duration_s=1500, intervals=None, effort=4
    )
    with app.app_context():
        db.session.remove()
    return long_id


def screens(session_id: str, venue_path: str) -> dict[str, list[Screen]]:
    lat, lon = VADUZ
    advice = Screen("advice", "/advice?place=Vaduz&minutes=30", advice=True)
    shared = [
        advice,
        Screen("timer", "/timer"),
        Screen("venues", f"/venues/nearby?lat={lat:.5f}&lon={lon:.5f}"),
        Screen("venue", venue_path),
    ]
    return {
        "out": [
            Screen("home", "/"),
            *shared,
            Screen("login", "/login"),
            Screen("signup", "/signup"),
            Screen("offline", "/offline"),
        ],
        "in": [
            *shared,
            Screen("log", "/log"),
            Screen("log-new", "/log/new"),
            Screen("session", f"/log/{session_id}"),
            Screen("session-edit", f"/log/{session_id}/edit"),
            Screen("progress", "/progress"),
            Screen("settings", "/settings"),
            Screen("data", "/data"),
        ],
    }


def sign_in(page, base_url: str) -> None:
    page.goto(base_url + "/login")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login" not in url)


# Everything measured in the page itself, in one call. Returns a list of problems, in words.
CHECKS = r"""(advice) => {
  const problems = [];
  const root = document.documentElement;
  const width = root.clientWidth;
  const describe = (el) => {
    const text = (el.innerText || el.textContent || el.getAttribute("aria-label") || "").trim().replace(/\s+/g, " ").slice(0, 40);
    return `<${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}${el.classList.length ? "." + [...el.classList].join(".") : ""}> "${text}"`;
  };
  const shown = (el) => {
    if (el.closest("[hidden], .visually-hidden, .skip-link, details:not([open]) > :not(summary)")) return false;
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.display === "none" || style.visibility === "hidden" || style.opacity === "0") return false;
    }
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0;
  };

  // 1. Nothing wider than the screen: no sideways scrolling.
  if (root.scrollWidth > width + 1) problems.push(`the page scrolls sideways: ${root.scrollWidth} px in ${width} px`);
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if ((box.right > width + 1 || box.left < -1) && box.width > 0 && shown(el) && !el.closest(".venue-map")) {
      problems.push(`wider than the screen (${Math.round(box.left)}..${Math.round(box.right)}): ${describe(el)}`);
    }
  }

  // 2. No text drawn over other text.
  const boxes = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const el = node.parentElement;
    if (!node.textContent.trim() || !el || el.closest("script, style, template, noscript, title, desc, option, .venue-map")) continue;
    if (!shown(el)) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) {
      if (r.width <= 2 || r.height <= 2) continue;
      boxes.push({ el, r });
      if (r.right > width + 1 || r.left < -1) problems.push(`text past the screen's edge: ${describe(el)}`);
    }
  }
  for (let i = 0; i < boxes.length; i += 1) {
    for (let j = i + 1; j < boxes.length; j += 1) {
      const a = boxes[i], b = boxes[j];
      if (a.el === b.el) continue;
      const x = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
      const y = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
      if (x > 2 && y > 2) problems.push(`text over text: ${describe(a.el)} and ${describe(b.el)}`);
    }
  }

  // 3. Tap targets of at least 44 x 44 px (a link inside a sentence is exempt, as in WCAG 2.5.8).
  const inSentence = (el) => getComputedStyle(el).display === "inline" && [...el.parentElement.childNodes]
    .some((n) => n !== el && n.nodeType === 3 && n.textContent.trim().length > 1);
  const targets = [...document.querySelectorAll("a[href], button, input:not([type=hidden]), select, textarea, summary")]
    .filter((el) => shown(el) && !el.closest(".leaflet-control-attribution"));
  // A checkbox or radio button is tapped through its label too: their boxes together.
  const areaOf = (el) => {
    const boxes = [el, ...(["radio", "checkbox"].includes(el.type) ? el.labels || [] : [])].map((e) => e.getBoundingClientRect());
    const left = Math.min(...boxes.map((b) => b.left)), right = Math.max(...boxes.map((b) => b.right));
    const top = Math.min(...boxes.map((b) => b.top)), bottom = Math.max(...boxes.map((b) => b.bottom));
    return { left, right, top, bottom, width: right - left, height: bottom - top };
  };
  for (const el of targets) {
    if (el.tagName === "A" && inSentence(el)) continue;
    const box = areaOf(el);
    if (box.width < 43.5 || box.height < 43.5) problems.push(`tap target ${Math.round(box.width)}x${Math.round(box.height)} px: ${describe(el)}`);
  }
  // ... and destructive ones apart from the rest.
  for (const danger of targets.filter((el) => el.matches(".danger, .delete-action, #timer-stop"))) {
    const d = danger.getBoundingClientRect();
    for (const other of targets) {
      if (other === danger || danger.contains(other) || other.contains(danger)) continue;
      const o = areaOf(other);
      const gap = Math.max(o.left - d.right, d.left - o.right, o.top - d.bottom, d.top - o.bottom);
      if (gap < 8) problems.push(`${describe(danger)} only ${Math.round(gap)} px from ${describe(other)}`);
    }
  }

  // 4. The verdict, its top reason and the temperature on the first screen.
  if (advice) {
    for (const selector of ["#verdict-heading", ".verdict-headline", "[data-condition=temperature]"]) {
      const el = document.querySelector(selector);
      if (!el) { problems.push(`missing on the advice page: ${selector}`); continue; }
      const box = el.getBoundingClientRect();
      if (box.top < 0 || box.bottom > window.innerHeight) problems.push(`${selector} not on the first screen (${Math.round(box.top)}..${Math.round(box.bottom)} of ${window.innerHeight})`);
    }
  }
  return [...new Set(problems)];
}"""


def problems_on(page, screen: Screen) -> list[str]:
    page.evaluate("window.scrollTo(0, 0)")
    return [f"{screen.name}: {problem}" for problem in page.evaluate(CHECKS, screen.advice)]


def new_phone(browser, width: int, scheme: str, **options):
    options.setdefault("locale", "en-GB")
    return browser.new_context(
        viewport={"width": width, "height": SIZES[width]},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=options.pop("device_scale_factor", 1),
        color_scheme=scheme,
        timezone_id="Europe/Vaduz",
        service_workers="block",
        **options,
    )
