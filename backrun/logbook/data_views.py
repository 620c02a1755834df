"""Your data: CSV and JSON export, CSV import with a preview and a report before anything is written."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import (
    Response,
    current_app,
    flash,
    json,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import select

from backrun.accounts import tokens
from backrun.extensions import csrf, db
from backrun.logbook import bp, export, service
from backrun.logbook.models import Run
from backrun.platform.cache import PRIVATE_NO_STORE, cache_policy

PREVIEW_ROWS = 20
REPORTED_PROBLEMS = 100


def _attachment(name: str) -> dict:
    return {"Content-Disposition": f'attachment; filename="{name}"'}


@bp.get("/data")
@cache_policy(PRIVATE_NO_STORE)
@login_required
def data_page():
    return render_template("logbook/data.html")


@bp.get("/data/export.csv")
@cache_policy(PRIVATE_NO_STORE)
@login_required
def export_csv():
    user_id = current_user.id
    stamp = datetime.now(UTC).strftime("%Y%m%d")

    @stream_with_context
    def lines():
        # The query runs while the response streams, in the request's context.
        yield from export.csv_lines(service.all_runs(user_id))

    return Response(lines(), mimetype="text/csv", headers=_attachment(f"backrun-sessions-{stamp}.csv"))


@bp.get("/data/export.json")
@cache_policy(PRIVATE_NO_STORE)
@login_required
def export_json():
    user = current_user._get_current_object()
    now = datetime.now(UTC)
    body = export.everything(user, tokens.tokens_of(user), service.all_runs(user.id), now)
    return Response(
        json.dumps(body, ensure_ascii=False, indent=1),
        mimetype="application/json",
        headers=_attachment(f"backrun-export-{now:%Y%m%d}.json"),
    )


def _allow_large_body() -> None:
    """An import may be larger than other requests; the CSRF check runs after the limit is raised."""
    limit = current_app.config["BACKRUN_IMPORT_MAX_BYTES"]
    request.max_content_length = limit
    request.max_form_memory_size = limit
    csrf.protect()


def _classify(report: export.ImportReport) -> None:
    """Mark rows already in the log (skipped) or used by another account (an error)."""
    ids = [row.data["id"] for row in report.rows if row.ok and row.data is not None]
    owners: dict = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        query = select(Run.id, Run.user_id).where(Run.id.in_(chunk))
        owners.update(dict(db.session.execute(query).all()))
    for row in report.rows:
        if not row.ok or row.data is None or row.data["id"] not in owners:
            continue
        if owners[row.data["id"]] == current_user.id:
            row.note = "Already in your log: skipped."
        else:
            row.errors["id"] = "This id belongs to another account."


def _read_upload() -> tuple[str, str]:
    """(text, problem)."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return "", "Choose a CSV file to import."
    raw = upload.read()
    try:
        return raw.decode("utf-8-sig"), ""
    except UnicodeDecodeError:
        return "", "The file isn’t UTF-8 text. Save it as “CSV UTF-8” and try again."


@bp.post("/data/import")
@cache_policy(PRIVATE_NO_STORE)
@csrf.exempt
@login_required
def import_preview():
    _allow_large_body()
    text, problem = _read_upload()
    report = export.ImportReport(problem=problem)
    if not problem:
        report = export.parse_csv(text, current_user.id)
        _classify(report)
    status = 422 if report.problem or (report.rows and not report.valid and report.invalid) else 200
    return (
        render_template(
            "logbook/import_preview.html",
            report=report,
            csv_text=text if not report.problem else "",
            preview=report.valid[:PREVIEW_ROWS],
            problems=report.invalid[:REPORTED_PROBLEMS],
            units=current_user.units,
        ),
        status,
    )


@bp.post("/data/import/confirm")
@cache_policy(PRIVATE_NO_STORE)
@csrf.exempt
@login_required
def import_confirm():
    _allow_large_body()
    # The text comes back from the preview page: it is checked again, row by row, before writing.
    report = export.parse_csv(request.form.get("csv", ""), current_user.id)
    if report.problem:
        return render_template(
            "logbook/import_preview.html",
            report=report,
            csv_text="",
            preview=[],
            problems=[],
            units=current_user.units,
        ), 422
    _classify(report)
    added, present = service.create_many(current_user, [row.data for row in report.valid])
    skipped = len(report.skipped) + present + len(report.invalid)
    flash(
        f"Imported {added} session{'s' if added != 1 else ''}"
        + (f"; {skipped} row{'s' if skipped != 1 else ''} skipped." if skipped else "."),
        "success",
    )
    return redirect(url_for("logbook.runs"), 303)
