"""The web app manifest: what the phone shows when Backrun is installed (name, icons, colours)."""

from __future__ import annotations

from flask import url_for

THEME_COLOUR = "#0b5d4b"  # the header's colour (static/css/app.css --accent)
BACKGROUND_COLOUR = "#f6f7f5"  # the page's light background, for the splash screen

# (file under static/icons, size in pixels, purpose). Maskable icons keep their artwork inside the
# central 80 % circle that Android's masks never cut.
ICONS = (
    ("icon-192.png", 192, "any"),
    ("icon-512.png", 512, "any"),
    ("maskable-192.png", 192, "maskable"),
    ("maskable-512.png", 512, "maskable"),
)

# (file under static/screenshots, width, height, form factor, label) for the richer install dialog.
SCREENSHOTS = (
    ("advice-narrow.png", 780, 1688, "narrow", "The verdict for the next half hour, with its reasons"),
    ("advice-wide.png", 1280, 800, "wide", "Advice, the 6-hour outlook and safe flat venues nearby"),
)


def web_app_manifest() -> dict:
    return {
        # Set once: a different id would make a different app on every phone that installed it.
        "id": "/",
        "name": "Backrun: weather advice for backward runners",
        "short_name": "Backrun",
        "description": (
            "Is it safe to run backwards outside right now? Backrun checks the weather, explains the "
            "risks, finds flat venues nearby and keeps your log, even with no signal at the track."
        ),
        "start_url": url_for("web.index"),
        "scope": "/",
        "display": "standalone",
        "lang": "en",
        "dir": "ltr",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "categories": ["health", "fitness", "sports", "weather"],
        "icons": [
            {
                "src": url_for("static", filename=f"icons/{name}"),
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": purpose,
            }
            for name, size, purpose in ICONS
        ],
        "screenshots": [
            {
                "src": url_for("static", filename=f"screenshots/{name}"),
                "sizes": f"{width}x{height}",
                "type": "image/png",
                "form_factor": form_factor,
                "label": label,
            }
            for name, width, height, form_factor, label in SCREENSHOTS
        ],
    }
