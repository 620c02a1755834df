"""The words and signs a verdict is said in, on pages, in notifications and on the command line."""

from __future__ import annotations

from flask import Flask

VERDICT_WORDS = {"go": "Go", "caution": "Caution", "indoors": "Indoors", "unknown": "Unknown"}
VERDICT_ICONS = {"go": "✓", "caution": "⚠", "indoors": "⌂", "unknown": "?"}
VERDICT_HEADLINES = {
    "go": "Good conditions to run backwards outside on a flat venue.",
    "caution": "You can go, carefully: read the reasons and keep it short.",
    "indoors": "Run indoors today: treadmill with handrails or an indoor track.",
    "unknown": "Unknown: the weather can’t be checked. Check conditions yourself, or run indoors.",
}


def init_app(app: Flask) -> None:
    app.add_template_filter(lambda v: VERDICT_WORDS.get(v, v), "verdict_word")
    app.add_template_filter(lambda v: VERDICT_ICONS.get(v, "?"), "verdict_icon")
    app.add_template_filter(lambda v: VERDICT_HEADLINES.get(v, ""), "verdict_headline")
