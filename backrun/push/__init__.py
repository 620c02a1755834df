"""Web Push: the morning briefing and "it's safe now" alerts, sent exactly once.

models (subscriptions and delivery claims) -> service (subscribe, validate, list, remove) ->
schedule and content (pure: what is due when, what it says) -> claims (the database decides who
sends what) -> sender (RFC 8291 encryption and RFC 8292 VAPID through pywebpush / py-vapid) ->
due (one `send_due(at)` run), run by the CLI (`flask push send-due`) and the scheduler.
"""

from flask import Blueprint

bp = Blueprint("push", __name__)

from backrun.push import views  # noqa: E402,F401  (routes register on import)
