// The log form opened by the interval timer (/log/new?duration_s=…&bouts=…&started_at=…).
//
// Online, the server has already filled in the numbers and the place; the copy of the form that
// the service worker keeps for no signal is the blank form whatever the URL says, so empty fields
// are filled from the URL here. The start is always set here: the scripts that run before this one
// reset an untouched start to "now" (logbook.js, offline-log.js), and only the browser knows the
// local time of the instant the run began.

const OSM_REF = /^(node|way|relation)\/[1-9][0-9]{0,14}$/;
const MAX_AGE_MS = 2 * 24 * 3600 * 1000; // as the weather snapshot: set off today, log it tomorrow

const form = document.querySelector("form[data-offline-log]");
const params = new URLSearchParams(location.search);
if (form && params.has("duration_s")) prefill(form.elements);

function prefill(fields) {
  const whole = (name) => (/^[0-9]{1,6}$/.test(params.get(name) || "") ? Number(params.get(name)) : null);
  const fillEmpty = (field, value) => {
    if (field && !field.value && value !== null && value !== "") field.value = String(value);
  };
  const duration = whole("duration_s");
  if (duration) fillEmpty(fields.duration, `${Math.floor(duration / 60)}:${String(duration % 60).padStart(2, "0")}`);
  if (whole("bouts") && whole("backward_s")) {
    fillEmpty(fields.bouts, whole("bouts"));
    fillEmpty(fields.backward_s, whole("backward_s"));
    fillEmpty(fields.recovery_s, whole("recovery_s") ?? 0);
  }
  fillEmpty(fields.venue_name, (params.get("venue_name") || params.get("place") || "").trim().slice(0, 200));
  if (OSM_REF.test(params.get("venue_osm") || "")) fillEmpty(fields.venue_osm, params.get("venue_osm"));
  const setting = params.get("setting");
  for (const radio of form.querySelectorAll('input[name="setting"]')) {
    if (radio.value === setting) radio.checked = true;
  }
  setStart(fields.started_local, Date.parse(params.get("started_at") || ""));
}

function setStart(field, startedAt) {
  const now = Date.now();
  if (!field || Number.isNaN(startedAt) || startedAt > now + 60_000 || now - startedAt > MAX_AGE_MS) return;
  const at = new Date(startedAt);
  const pad = (n) => String(n).padStart(2, "0");
  field.value = `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
}
