"""`flask --app app advice LAT LON`: the verdict and its reasons in a terminal."""

from __future__ import annotations

from datetime import UTC, datetime

import click
from flask import Flask

from backrun.advice import limits
from backrun.advice.words import VERDICT_HEADLINES
from backrun.places.coordinates import InvalidCoordinates, parse_lat_lon


def register_commands(app: Flask) -> None:
    # ignore_unknown_options: a western longitude (-9.52) is an argument, not an unknown option.
    @app.cli.command("advice", context_settings={"ignore_unknown_options": True})
    @click.argument("lat")
    @click.argument("lon")
    @click.option(
        "--minutes",
        default=limits.DEFAULT_MINUTES,
        show_default=True,
        type=click.IntRange(limits.MIN_MINUTES, limits.MAX_MINUTES),
        help="Planned run length.",
    )
    def advice_command(lat: str, lon: str, minutes: int) -> None:
        """Print the backward-running verdict and its reasons for LAT LON."""
        from backrun.advice.service import get_advice

        try:
            latitude, longitude = parse_lat_lon(lat, lon)
        except InvalidCoordinates as exc:
            raise click.BadParameter(str(exc)) from None
        now = datetime.now(UTC)
        result = get_advice(latitude, longitude, minutes=minutes, now=now)
        advice = result.advice
        colour = {"go": "green", "caution": "yellow", "indoors": "red"}.get(advice.verdict, "white")
        click.secho(f"{advice.verdict.upper()}: {VERDICT_HEADLINES[advice.verdict]}", fg=colour, bold=True)
        for reason in advice.reasons:
            click.echo(f"  - [{reason.severity}] {reason.message}")
        if advice.outlook:
            hours = ", ".join(f"{h.time:%H:%M}Z {h.verdict}" for h in advice.outlook)
            click.echo(f"Next hours: {hours}")
        attribution, fetched_at = result.attribution, result.fetched_at
        if attribution and fetched_at is not None:  # a source named means a forecast fetched
            age = int((now - fetched_at).total_seconds() // 60)
            click.echo(f"{attribution['text']} ({attribution['url']}), {age} min old.")
        else:
            click.echo("No weather data could be had.")
