"""Running `send_due` every minute.

With BACKRUN_CACHE_URL (Redis) the schedule rides on RQ: `flask push scheduler` is RQ's cron
scheduler, which enqueues one `send-due` job a minute on the `backrun-push` queue, and any number
of `flask push worker` processes on any machine run them. RQ because Backrun already talks to
Redis through redis-py, RQ is a small pure-Python library on top of it with cron built in (no
extra scheduler package, unlike Dramatiq), and it needs no broker of its own (unlike Celery).
Queues deliver at least once; exactly once comes from the delivery claims in the database, so
two schedulers, a duplicated job or a worker killed mid-run never send a message twice.

Without Redis (the embedded default, one machine) `flask push scheduler` runs the same function
itself, at the start of every minute; `make run` starts it next to the web server.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from datetime import UTC, datetime

import click
from flask import current_app

log = logging.getLogger(__name__)
QUEUE = "backrun-push"
JOB_TIMEOUT_S = 15 * 60
_worker_app = None


def send_due_job() -> dict:
    """The RQ job: one send-due run in the app of the `flask push worker` that picked it up."""
    from backrun.push.due import send_due

    if _worker_app is None:  # a bare `rq worker` has no app: its configuration would be guessed
        raise RuntimeError("Run push jobs with `flask --app app push worker`, not a bare rq worker.")
    with _worker_app.app_context():
        report = send_due()
    return {
        "sent": len(report.sent),
        "skipped": len(report.skipped),
        "retried": len(report.retried),
        "removed": len(report.removed),
        "failed": len(report.failed),
    }


def _redis():
    import redis

    return redis.Redis.from_url(
        current_app.config["BACKRUN_CACHE_URL"], socket_connect_timeout=2, socket_timeout=30
    )


def run_scheduler(interval: int, *, once: bool = False) -> None:
    if current_app.config["BACKRUN_CACHE_URL"] and not once:
        from rq.cron import CronScheduler

        scheduler = CronScheduler(connection=_redis(), name="")
        if interval == 60:
            scheduler.register(send_due_job, queue_name=QUEUE, cron="* * * * *", job_timeout=JOB_TIMEOUT_S)
        else:
            scheduler.register(send_due_job, queue_name=QUEUE, interval=interval, job_timeout=JOB_TIMEOUT_S)
        click.echo(
            f"push scheduler: enqueuing send-due on RQ queue {QUEUE!r}; run `flask push worker` to send"
        )
        scheduler.start()
        return
    _run_in_process(interval, once=once)


def _run_in_process(interval: int, *, once: bool) -> None:
    from backrun.push.due import send_due

    stop = threading.Event()
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
    # Flask types current_app as the app it stands for, not as the proxy it is.
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    click.echo(f"push scheduler: send-due every {interval} s in this process")
    while not stop.is_set():
        try:
            with app.app_context():
                report = send_due(datetime.now(UTC))
            if report.sent or report.retried or report.removed or report.failed:
                click.echo(report.lines()[-1])
        except Exception:  # one bad run must not end the schedule; it is retried next time
            log.exception("push send-due run failed")
        if once:
            return
        stop.wait(interval - time.time() % interval)  # at the start of the next interval


def run_worker() -> None:
    if not current_app.config["BACKRUN_CACHE_URL"]:
        raise click.UsageError(
            "The worker needs Redis: set BACKRUN_CACHE_URL (without it, `flask push scheduler` "
            "sends by itself)."
        )
    from rq import Queue, SimpleWorker

    global _worker_app
    # jobs run in this process: one app, one weather cache (current_app is typed as the app, not the proxy)
    _worker_app = current_app._get_current_object()  # type: ignore[attr-defined]
    connection = _redis()
    SimpleWorker([Queue(QUEUE, connection=connection)], connection=connection).work(with_scheduler=False)
