"""`flask --app app venues import PATH [PATH...]`: load venues from OSM extracts."""

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
def import_command(paths: tuple[Path, ...], area: str | None, force: bool, quiet: bool) -> None:
    """Import venues from .osm.pbf or .osm files (e.g. Geofabrik extracts).

    Re-importing an area updates its venues in place and removes those no longer in the file;
    the same file twice is a no-op.
    """
    from backrun.extensions import db
    from backrun.venues.osm_import import ImportRefused, import_extract

    if area and len(paths) > 1:
        raise click.UsageError("--area names one file's area; import several files without it.")
    progress = None if quiet else (lambda line: click.echo(line, err=True))
    failed = False
    for path in paths:
        try:
            report = import_extract(db.session, path, area=area, force=force, progress=progress)
        except ImportRefused as exc:
            click.secho(f"Not imported: {exc}", fg="red", err=True)
            failed = True
            continue
        for line in report.lines():
            click.echo(line)
    if failed:
        raise SystemExit(1)
