"""`flask --app app venues import PATH [PATH...]`: load venues from OSM extracts.
`flask --app app venues elevation`: look up the slopes the imports left unknown."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

venues_cli = AppGroup("venues", help="Venues from OpenStreetMap.")


@venues_cli.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--area", help="Area name for a single file (default: the file name without its date).")
@click.option("--force", is_flag=True, help="Import even when the file was already imported, or is older.")
@click.option("--quiet", is_flag=True, help="No progress lines; only the summary.")
@click.option(
    "--no-elevation", is_flag=True, help="Don't look up slopes now (`venues elevation` does it later)."
)
def import_command(
    paths: tuple[Path, ...], area: str | None, force: bool, quiet: bool, no_elevation: bool
) -> None:
    """Import venues from .osm.pbf or .osm files (e.g. Geofabrik extracts).

    Re-importing an area updates its venues in place and removes those no longer in the file;
    the same file twice is a no-op. Afterwards the slopes of open areas are looked up from the
    elevation service; if it can't be reached they stay unknown until `venues elevation`.
    """
    from backrun.extensions import db
    from backrun.venues.osm_import import ImportRefused, import_extract

    if area and len(paths) > 1:
        raise click.UsageError("--area names one file's area; import several files without it.")
    progress = None if quiet else (lambda line: click.echo(line, err=True))
    failed = False
    for path in paths:
        try:
            report = import_extract(db.session(), path, area=area, force=force, progress=progress)
        except ImportRefused as exc:
            click.secho(f"Not imported: {exc}", fg="red", err=True)
            failed = True
            continue
        for line in report.lines():
            click.echo(line)
    if not failed and not no_elevation:
        client = elevation_client()
        if client is not None:
            _fill_slopes(client, progress)
    if failed:
        raise SystemExit(1)


def elevation_client():
    """The elevation service's client, or None when BACKRUN_ELEVATION_URL is empty."""
    from flask import current_app

    from backrun.platform.http import make_client
    from backrun.venues.elevation import PAUSE_S, ElevationClient

    config = current_app.config
    url = config.get("BACKRUN_ELEVATION_URL", "")
    if not url:
        return None
    return ElevationClient(
        url,
        make_client(config),
        timeout_s=float(config["BACKRUN_HTTP_TIMEOUT"]) * 4,
        pause_s=float(config.get("BACKRUN_ELEVATION_PAUSE", PAUSE_S)),
    )


def _fill_slopes(client, progress, max_requests: int | None = None) -> bool:
    from backrun.extensions import db
    from backrun.venues.elevation import MAX_REQUESTS_PER_RUN, fill_slopes

    report = fill_slopes(
        db.session(), client, progress=progress, max_requests=max_requests or MAX_REQUESTS_PER_RUN
    )
    for line in report.lines():
        click.echo(line)
    return report.failure is None


@venues_cli.command("elevation")
@click.option("--quiet", is_flag=True, help="No progress lines; only the summary.")
@click.option(
    "--max-requests",
    type=click.IntRange(min=1),
    default=None,
    help="Stop after this many requests (default 5000: half the service's free daily calls).",
)
def elevation_command(quiet: bool, max_requests: int | None) -> None:
    """Look up the slopes of open venues (parks, grass, beaches) from the elevation service.

    Only venues without a slope are looked up, and every height is cached for good, so running it
    again costs nothing; after a failure it continues where it stopped.
    """
    client = elevation_client()
    if client is None:
        raise click.UsageError("BACKRUN_ELEVATION_URL is empty: the elevation lookup is disabled.")
    if not _fill_slopes(client, None if quiet else (lambda line: click.echo(line, err=True)), max_requests):
        raise SystemExit(1)
