"""The app shell: what the service worker keeps at install, so Backrun opens with no signal.

One line per file or page. A new page or module that must work offline (the interval timer,
issue 6) joins by adding its line here; the cache version follows the files' content by itself.
"""

from __future__ import annotations

# Under static/. Kept at install, then served stale-while-revalidate.
SHELL_FILES = (
    "css/app.css",
    "css/venues.css",
    "vendor/htmx-2.0.11.min.js",
    "js/app.js",
    "js/venues-map.js",
    "js/pwa.js",
    "js/outbox.js",
    "js/run-from-form.js",  # the outbox reads a kept log form into the API's run
    "js/offline-log.js",
    "js/offline-advice.js",
    "js/profile.js",  # the runner profile kept on the phone (issue 18)
    "js/logbook.js",
    "js/push.js",
    "js/timer/engine.js",  # the interval timer (issue 6): its page and modules
    "js/timer/audio.js",
    "js/timer/feedback.js",
    "js/timer/log-link.js",
    "js/timer/words.js",
    "js/timer/cue-plan.js",
    "js/timer/display.js",
    "js/timer/controls.js",
    "js/timer/done.js",
    "js/timer/store.js",
    "js/timer/workout-form.js",
    "js/timer/ui.js",
    "js/timer/log-prefill.js",
    "icons/favicon.svg",
    "icons/icon-192.png",
    "icons/apple-touch-icon.png",
)

# Endpoints of public pages, fetched at install *without cookies*: never anyone's own page.
SHELL_PAGES = (
    "web.index",
    "pwa.offline",
    "training.timer_page",
)

# Endpoints of a signed-in runner's pages kept for offline use (the log form), fetched with the
# runner's cookies once the worker sees them signed in, dropped when they sign out.
RUNNER_PAGES = (
    "logbook.new_run",
    "training.timer_page",  # with the runner's plan step; any query (from "I'm going") finds it
)

# Forms whose POST the service worker queues in the outbox when the network fails mid-submit.
OUTBOX_FORMS = ("logbook.create_run",)
