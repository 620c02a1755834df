// From a finished run to the pre-filled log form: `node --test tests/js/`.

import assert from "node:assert/strict";
import { test } from "node:test";

import { contextFrom, logOffer, logUrl } from "../../static/js/timer/log-link.js";

const SUMMARY = { startedAt: Date.UTC(2025, 5, 1, 7, 30), endedAt: null, durationS: 1230, bouts: 6, backwardS: 30,
  recoveryS: 90, completed: true };

test("the advice context is taken from the timer's query string, and nothing else", () => {
  const context = contextFrom("?lat=47.14&lon=9.52&minutes=30&setting=outdoor&place=Vaduz&token=x&venue_osm=way/42");
  assert.deepEqual(context, { lat: "47.14", lon: "9.52", minutes: "30", setting: "outdoor", place: "Vaduz", venue_osm: "way/42" });
  assert.deepEqual(contextFrom(""), {});
  assert.equal(contextFrom(`?place=${"x".repeat(500)}`).place.length, 200);
});

test("the log form gets the context, the start, the active time and the intervals", () => {
  const url = new URL(logUrl(SUMMARY, { lat: "47.14", lon: "9.52", place: "Vaduz", setting: "outdoor" }), "http://x");
  assert.equal(url.pathname, "/log/new");
  assert.deepEqual(Object.fromEntries(url.searchParams), {
    lat: "47.14", lon: "9.52", setting: "outdoor", place: "Vaduz", started_at: "2025-06-01T07:30:00.000Z",
    duration_s: "1230", bouts: "6", backward_s: "30", recovery_s: "90",
  });
});

test("no bout finished: no intervals, only the time", () => {
  const params = new URL(logUrl({ ...SUMMARY, bouts: 0 }, {}), "http://x").searchParams;
  assert.equal(params.get("duration_s"), "1230");
  assert.equal(params.has("bouts"), false);
  assert.equal(params.has("backward_s"), false);
});

test("signed in, the end screen offers the log form and opens it; signed out, sign-in leads there", () => {
  const paths = { logPath: "/log/new", loginPath: "/login" };
  const inOffer = logOffer(SUMMARY, { place: "Vaduz" }, { signedIn: true, ...paths });
  assert.equal(inOffer.href, logUrl(SUMMARY, { place: "Vaduz" }));
  assert.equal(inOffer.opens, inOffer.href);
  assert.equal(inOffer.label, "Log this session");
  const outOffer = logOffer(SUMMARY, { place: "Vaduz" }, { signedIn: false, ...paths });
  const login = new URL(outOffer.href, "http://x");
  assert.equal(login.pathname, "/login");
  assert.equal(login.searchParams.get("next"), inOffer.href);
  assert.equal(outOffer.opens, null);
  assert.equal(outOffer.label, "Sign in to log it");
  assert.equal(logOffer(SUMMARY, {}, { signedIn: true, loginPath: "/login" }).href.split("?")[0], "/log/new", "the default path");
});
