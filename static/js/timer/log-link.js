// From a finished run to the log form: the URL of /log/new pre-filled with what the timer knows.
// No DOM: tested with Node (tests/js/timer-log-link.test.js).
//
// The place travels as it came: "I'm going" on the advice page opens the timer with the same
// query as the log form (lat, lon, minutes, setting, place; a venue by name or OSM id), and the
// log form takes the weather snapshot itself from the coordinates. The timer adds the numbers.

export const CONTEXT_PARAMS = Object.freeze(["lat", "lon", "minutes", "setting", "place", "venue_name", "venue_osm"]);
const MAX_PARAM_LENGTH = 200; // the log form's own limit for a venue name

/** The advice context from the timer page's query string, nothing else. */
export function contextFrom(search) {
  const params = new URLSearchParams(search);
  const context = {};
  for (const name of CONTEXT_PARAMS) {
    const value = (params.get(name) || "").trim().slice(0, MAX_PARAM_LENGTH);
    if (value) context[name] = value;
  }
  return context;
}

/** `/log/new?…` for this run: its context, start, active duration and intervals. */
export function logUrl(summary, context = {}, path = "/log/new") {
  const params = new URLSearchParams();
  for (const name of CONTEXT_PARAMS) if (context[name]) params.set(name, context[name]);
  if (summary.startedAt !== null && summary.startedAt !== undefined) {
    params.set("started_at", new Date(summary.startedAt).toISOString());
  }
  params.set("duration_s", String(summary.durationS));
  // No bout run (stopped during the warm-up): the runner says what it was, the timer can't.
  if (summary.bouts > 0) {
    params.set("bouts", String(summary.bouts));
    params.set("backward_s", String(summary.backwardS));
    params.set("recovery_s", String(summary.recoveryS));
  }
  return `${path}?${params}`;
}

/**
 * The end screen's way to the log: the log form itself for a signed-in runner (`opens`: the page
 * goes there by itself), else the sign-in page that leads on to it.
 */
export function logOffer(summary, context, { signedIn, logPath, loginPath }) {
  const href = logUrl(summary, context, logPath);
  if (signedIn) return { href, label: "Log this session", opens: href };
  return { href: `${loginPath}?next=${encodeURIComponent(href)}`, label: "Sign in to log it", opens: null };
}
