"""`flask push send-due [--at ISO-8601]` and `flask push scheduler`."""

from __future__ import annotations

from datetime import UTC, datetime

import click
from flask.cli import AppGroup

push_cli = AppGroup("push", help="Web Push: morning briefings and safe-window alerts.")


def parse_at(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        at = datetime.fromisoformat(value.strip())
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not an ISO 8601 date and time, e.g. 2026-03-29T07:00:00+02:00"
        ) from None
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at


@push_cli.command("send-due")
@click.option(
    "--at",
    "at",
    default=None,
    metavar="ISO-8601",
    help="Act as if it were this moment (UTC when no offset is given). Default: now.",
)
def send_due_command(at: str | None) -> None:
    """Send every briefing and alert due now (or --at); print what was sent, skipped and retried."""
    from backrun.push.due import send_due

    report = send_due(parse_at(at))
    for line in report.lines():
        click.echo(line)


@push_cli.command("scheduler")
@click.option(
    "--interval",
    default=60,
    show_default=True,
    type=click.IntRange(5, 3600),
    help="Seconds between runs (aligned to the clock).",
)
@click.option("--once", is_flag=True, help="One run, then exit.")
def scheduler_command(interval: int, once: bool) -> None:
    """Run send-due every --interval seconds: on RQ when BACKRUN_CACHE_URL is Redis, else in this process."""
    from backrun.push.scheduling import run_scheduler

    run_scheduler(interval, once=once)


@push_cli.command("worker")
def worker_command() -> None:
    """An RQ worker for the push queue (needs BACKRUN_CACHE_URL)."""
    from backrun.push.scheduling import run_worker

    run_worker()
