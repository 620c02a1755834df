// A log form, as the runner typed it (their units, their local time), as a run in the JSON API's
// shape (docs/api.md): what the outbox sends to POST /api/v1/runs. It reads the fields the way the
// form's handler does (backrun/logbook/run_form.py) and decides nothing else: the API's schema
// checks the result, so text that isn't a number is passed on as text and comes back as a 422.
// Pure: no DOM, no storage (the page and the service worker both use it, and node tests it).

const CLOCK = /^(?:(\d+):)?(\d{1,3}):([0-5]\d)$/;
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;
const WHOLE = /^-?\d{1,9}$/;
const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/;
const METRES_PER_UNIT = { km: 1000, mi: 1609.344 };
const INTERVAL_PARTS = ["bouts", "backward_s", "recovery_s"];

/** The API's run from the form's [name, value] pairs; `units` the distance was typed in. */
export function runFromForm(pairs, { units = "km", fallbackZone } = {}) {
  const field = (name) => (pairs.find(([key]) => key === name)?.[1] ?? "").trim();
  const run = {
    id: field("id"),
    started_at: startedAt(field("started_local"), field("tz"), fallbackZone),
    setting: field("setting"),
    venue: venue(field("venue_osm"), field("venue_name")),
    surface: field("surface") || null,
    effort: whole(field("effort")),
    soreness: pairs.filter(([key, value]) => key === "soreness" && value).map(([, value]) => value),
    notes: (pairs.find(([key]) => key === "notes")?.[1] ?? "").replace(/\r\n/g, "\n").trim(),
    kit_feedback: field("kit_feedback") || null,
  };
  const duration = durationSeconds(field("duration"));
  if (duration !== undefined) run.duration_s = duration; // missing: the API says it is required
  run.distance_m = distanceMetres(field("distance"), units);
  Object.assign(run, intervals(field("pattern"), Object.fromEntries(INTERVAL_PARTS.map((n) => [n, field(n)]))));
  const token = field("weather_token");
  if (token) run.weather_token = token;
  return run;
}

function venue(osm, name) {
  const given = Object.fromEntries(Object.entries({ osm, name }).filter(([, value]) => value));
  return Object.keys(given).length ? given : null;
}

function whole(text) {
  if (!text) return null;
  return WHOLE.test(text) ? Number(text) : text;
}

function durationSeconds(raw) {
  const text = raw.replace(",", ".");
  if (!text) return undefined;
  const clock = CLOCK.exec(text);
  if (clock) return Number(clock[1] || 0) * 3600 + Number(clock[2]) * 60 + Number(clock[3]);
  return DECIMAL.test(text) && Number.isFinite(Number(text)) ? Math.round(Number(text) * 60) : text;
}

function distanceMetres(raw, units) {
  const text = raw.replace(",", ".");
  if (!text) return null;
  if (!DECIMAL.test(text) || !Number.isFinite(Number(text))) return text;
  return Math.round(Number(text) * (METRES_PER_UNIT[units] || METRES_PER_UNIT.km) * 10) / 10;
}

function intervals(chosen, parts) {
  const pattern = chosen || (Object.values(parts).some(Boolean) ? "intervals" : "mixed");
  if (pattern !== "intervals" || !Object.values(parts).some(Boolean)) return { pattern, intervals: null };
  const given = {};
  for (const name of INTERVAL_PARTS) {
    if (parts[name]) given[name] = whole(parts[name]);
  }
  given.recovery_s ??= 0;
  return { pattern, intervals: given };
}

// --- the start: a wall-clock time in a time zone, as ISO 8601 with that zone's offset then ------

function startedAt(local, zone, fallbackZone) {
  const parts = LOCAL.exec(local);
  if (!parts) return local;
  const [year, month, day, hour, minute] = parts.slice(1).map(Number);
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  const offset = offsetAt(wall, knownZone(zone) || knownZone(fallbackZone) || localZone());
  return `${local.slice(0, 16)}:00${formatOffset(offset)}`;
}

function offsetAt(wall, zone) {
  // The offset at the instant that reads `wall` there: guess, then correct once (DST changes).
  const first = offsetMinutes(wall, zone);
  return offsetMinutes(wall - first * 60_000, zone);
}

function offsetMinutes(instant, zone) {
  const format = new Intl.DateTimeFormat("en-US", {
    timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", second: "2-digit",
  });
  const part = Object.fromEntries(format.formatToParts(new Date(instant)).map(({ type, value }) => [type, value]));
  const there = Date.UTC(Number(part.year), Number(part.month) - 1, Number(part.day), Number(part.hour) % 24,
    Number(part.minute), Number(part.second));
  return Math.round((there - Math.floor(instant / 1000) * 1000) / 60_000);
}

function formatOffset(minutes) {
  const sign = minutes < 0 ? "-" : "+";
  const size = Math.abs(minutes);
  return `${sign}${String(Math.floor(size / 60)).padStart(2, "0")}:${String(size % 60).padStart(2, "0")}`;
}

function knownZone(zone) {
  if (!zone) return null;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return zone;
  } catch {
    return null;
  }
}

const localZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
