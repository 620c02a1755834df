// The outbox's reading of a log form into the API's run: `node --test tests/js/`.
// The server reads the same form in backrun/logbook/run_form.py; these cases mirror its rules.

import assert from "node:assert/strict";
import { test } from "node:test";

import { runFromForm } from "../../static/js/run-from-form.js";

const ID = "0b9f4c1e-5a0e-4c5b-9d7e-3c1f3f0f2a61";
const form = (fields) => [["id", ID], ["started_local", "2026-11-20T07:30"], ["tz", "Europe/Vaduz"],
  ["setting", "treadmill"], ...Object.entries(fields)];

test("a plain form becomes the API's run, in metric units and with the zone's offset", () => {
  const run = runFromForm(form({ duration: "12:30", distance: "2,5", notes: "  felt good\r\nwindy  ",
    effort: "4", venue_name: "Town track", venue_osm: "", weather_token: "signed" }), { units: "mi" });
  assert.deepEqual(run, {
    id: ID, started_at: "2026-11-20T07:30:00+01:00", setting: "treadmill", venue: { name: "Town track" },
    surface: null, effort: 4, soreness: [], notes: "felt good\nwindy", kit_feedback: null, duration_s: 750,
    distance_m: 4023.4, pattern: "mixed", intervals: null, weather_token: "signed",
  });
});

test("durations read as minutes, minutes:seconds or hours:minutes:seconds", () => {
  const seconds = (duration) => runFromForm(form({ duration })).duration_s;
  assert.equal(seconds("25"), 1500);
  assert.equal(seconds("12.5"), 750);
  assert.equal(seconds("1:05:00"), 3900);
  assert.equal(seconds(""), undefined); // the API answers that it is required
  assert.equal(seconds("soon"), "soon"); // the API answers that it is not a whole number
  assert.equal(seconds("nan"), "nan");
});

test("daylight saving time: the offset is the zone's on that day", () => {
  const summer = runFromForm([["started_local", "2026-07-01T06:00"], ["tz", "Europe/Vaduz"]]);
  assert.equal(summer.started_at, "2026-07-01T06:00:00+02:00");
  const kathmandu = runFromForm([["started_local", "2026-07-01T06:00"], ["tz", "Asia/Kathmandu"]]);
  assert.equal(kathmandu.started_at, "2026-07-01T06:00:00+05:45");
  const unknown = runFromForm([["started_local", "2026-07-01T06:00"], ["tz", "Mars/Olympus"]], { fallbackZone: "America/New_York" });
  assert.equal(unknown.started_at, "2026-07-01T06:00:00-04:00");
});

test("intervals: the pattern the runner chose wins, and recovery defaults to 0", () => {
  const bouts = runFromForm(form({ duration: "20", bouts: "6", backward_s: "30" }));
  assert.deepEqual([bouts.pattern, bouts.intervals], ["intervals", { bouts: 6, backward_s: 30, recovery_s: 0 }]);
  const continuous = runFromForm(form({ duration: "20", pattern: "continuous", bouts: "6" }));
  assert.deepEqual([continuous.pattern, continuous.intervals], ["continuous", null]);
  const missing = runFromForm(form({ duration: "20", pattern: "intervals" }));
  assert.deepEqual([missing.pattern, missing.intervals], ["intervals", null]); // the API refuses it
});

test("soreness keeps every place ticked; text in number fields is left for the API to refuse", () => {
  const run = runFromForm([...form({ duration: "20", effort: "hard", distance: "far" }), ["soreness", "calves"],
    ["soreness", "knees"]]);
  assert.deepEqual(run.soreness, ["calves", "knees"]);
  assert.equal(run.effort, "hard");
  assert.equal(run.distance_m, "far");
});
