"""Make the PWA's icons and install screenshots (run once; the PNGs are committed).

    python3 -m venv /tmp/pillow && /tmp/pillow/bin/pip install pillow   # optional: smaller PNGs
    PYTHONPATH=/tmp/pillow/lib/python3.11/site-packages .venv/bin/python tools/make_pwa_images.py

Icons are the favicon's artwork rendered by Chromium at each size; screenshots are the real app,
served with the test suite's fake weather and geocoder and the Liechtenstein demo venues. Pillow,
when importable, reduces them to a palette; it is never needed to run Backrun.
"""

from __future__ import annotations

import io
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.support.browser import CHROMIUM_FLAGS, LiveServer, chromium_path  # noqa: E402

ICONS = ROOT / "static" / "icons"
SHOTS = ROOT / "static" / "screenshots"
GREEN = "#0b5d4b"
# The favicon's mark (static/icons/favicon.svg), without its rounded background.
MARK = (
    '<path d="M44 18H26a12 12 0 0 0 0 24h14" fill="none" stroke="#fff" stroke-width="6" stroke-linecap="round"/>'
    '<path d="M20 34l8 8-8 8" fill="none" stroke="#fff" stroke-width="6" stroke-linecap="round" '
    'stroke-linejoin="round" transform="translate(44 0) scale(-1 1) translate(-20 0)"/>'
)


def icon_svg(kind: str) -> str:
    if kind == "any":  # rounded, transparent corners, like the favicon
        return f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="14" fill="{GREEN}"/>{MARK}</svg>'
    # Maskable (and Apple's, which iOS rounds itself): opaque to the edges, the mark well inside
    # the central 80 % circle that every mask keeps.
    pad = 18 if kind == "maskable" else 8
    box = 64 + 2 * pad
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{-pad} {-pad} {box} {box}">'
        f'<rect x="{-pad}" y="{-pad}" width="{box}" height="{box}" fill="{GREEN}"/>'
        f'<g transform="translate(3 -2)">{MARK}</g></svg>'
    )


def optimise(png: bytes, colours: int) -> bytes:
    try:
        from PIL import Image
    except ImportError:
        return png
    image = Image.open(io.BytesIO(png)).convert("RGBA")
    out = io.BytesIO()
    image.quantize(colors=colours, method=Image.Quantize.FASTOCTREE).save(out, "PNG", optimize=True)
    return out.getvalue() if out.tell() < len(png) else png


def render_icons(browser) -> None:
    page = browser.new_page()
    for name, size, kind in (
        ("icon-192.png", 192, "any"),
        ("icon-512.png", 512, "any"),
        ("maskable-192.png", 192, "maskable"),
        ("maskable-512.png", 512, "maskable"),
        ("apple-touch-icon.png", 180, "apple"),
    ):
        page.set_viewport_size({"width": size, "height": size})
        page.set_content(
            f"<style>html,body{{margin:0;background:transparent}}svg{{display:block;width:{size}px;height:{size}px}}</style>"
            + icon_svg(kind)
        )
        png = page.screenshot(omit_background=kind == "any")
        (ICONS / name).write_bytes(optimise(png, 64))
        print(name, (ICONS / name).stat().st_size, "bytes")
    page.close()


def render_screenshots(browser, base_url: str) -> None:
    from tests.support.apps import daylit_location

    SHOTS.mkdir(exist_ok=True)
    lat, lon = daylit_location()
    for name, viewport, scale, url in (
        ("advice-narrow.png", {"width": 390, "height": 844}, 2, f"/advice?lat={lat}&lon={lon}&minutes=30"),
        ("advice-wide.png", {"width": 1280, "height": 800}, 1, "/advice?place=Vaduz&minutes=30"),
    ):
        context = browser.new_context(
            viewport=viewport,
            device_scale_factor=scale,
            locale="en-GB",
            color_scheme="light",
            service_workers="block",
        )
        page = context.new_page()
        page.goto(base_url + url)
        page.wait_for_load_state("networkidle")
        (SHOTS / name).write_bytes(optimise(page.screenshot(), 256))
        print(name, (SHOTS / name).stat().st_size, "bytes")
        context.close()


def main() -> None:
    from flask_migrate import upgrade

    from backrun import create_app
    from backrun.extensions import db
    from backrun.venues.osm_import import import_extract
    from tests.support.fakes.met_no import MetNoFake
    from tests.support.fakes.nominatim import NominatimFake
    from tests.support.fakes.open_meteo import OpenMeteoFake

    with (
        tempfile.TemporaryDirectory() as tmp,
        OpenMeteoFake() as weather,
        MetNoFake() as met_no,
        NominatimFake() as places,
        sync_playwright() as playwright,
    ):
        app = create_app(
            {
                "INSTANCE_PATH": tmp,
                "SECRET_KEY": "images",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/db.sqlite3",
                "BACKRUN_OPEN_METEO_URL": weather.endpoint,
                "BACKRUN_MET_NO_URL": met_no.endpoint,
                "BACKRUN_NOMINATIM_URL": places.url,
                "BACKRUN_OVERPASS_URL": "",
                "BACKRUN_AIR_QUALITY_URL": "",
            }
        )
        with app.app_context():
            upgrade()
            import_extract(db.session, ROOT / "data/osm/liechtenstein-2022-07-24.osm.pbf")
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_FLAGS
        )
        render_icons(browser)
        with LiveServer(app) as server:
            render_screenshots(browser, server.url)
        browser.close()


if __name__ == "__main__":
    main()
