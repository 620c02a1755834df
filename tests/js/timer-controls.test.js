// The two-tap Stop (static/js/timer/controls.js) with stand-in buttons and a hand-moved clock for
// setTimeout (node:test's mock.timers needs Node 20.4; package.json allows 18.16): `node --test tests/js/`.

import assert from "node:assert/strict";
import { afterEach, beforeEach, test } from "node:test";

import { STOP_ARMED_MS, twoTapStop, wireControls } from "../../static/js/timer/controls.js";

// Just enough of a <button>: its text, its classes, its click listeners.
function fakeButton(text) {
  const classes = new Set();
  const listeners = [];
  return {
    textContent: text,
    classList: { add: (name) => classes.add(name), remove: (name) => classes.delete(name), contains: (name) => classes.has(name) },
    addEventListener: (type, listener) => { if (type === "click") listeners.push(listener); },
    click: () => listeners.forEach((listener) => listener()),
  };
}

// setTimeout / clearTimeout that fire only when the test moves the clock on.
const timers = {
  real: { setTimeout: globalThis.setTimeout, clearTimeout: globalThis.clearTimeout },
  now: 0,
  due: new Map(),
  nextId: 1,
  tick(ms) {
    timers.now += ms;
    for (const [id, { at, callback }] of [...timers.due]) {
      if (at <= timers.now && timers.due.delete(id)) callback();
    }
  },
};
beforeEach(() => {
  timers.now = 0;
  timers.due.clear();
  globalThis.setTimeout = (callback, ms) => {
    timers.due.set(timers.nextId, { at: timers.now + ms, callback });
    return timers.nextId++;
  };
  globalThis.clearTimeout = (id) => timers.due.delete(id);
});
afterEach(() => Object.assign(globalThis, timers.real));

test("one tap on Stop only asks for a second; the second ends the workout", () => {
  const button = fakeButton("Stop");
  const said = [];
  let stops = 0;
  twoTapStop(button, () => { stops += 1; }, (text) => said.push(text));
  button.click();
  assert.equal(stops, 0);
  assert.equal(button.textContent, "Tap again to stop");
  assert.ok(button.classList.contains("armed"));
  assert.deepEqual(said, ["Tap Stop again to end the workout."]);
  timers.tick(STOP_ARMED_MS - 1);
  button.click();
  assert.equal(stops, 1);
  assert.equal(button.textContent, "Stop");
  assert.equal(button.classList.contains("armed"), false);
  button.click(); // armed afresh: the first tap's timer must not cut this one short
  timers.tick(2);
  assert.equal(button.textContent, "Tap again to stop");
  assert.equal(stops, 1);
});

test("the first tap is forgotten after a while: a later tap asks again", () => {
  const button = fakeButton("Stop");
  let stops = 0;
  twoTapStop(button, () => { stops += 1; }, () => {});
  button.click();
  timers.tick(STOP_ARMED_MS);
  assert.equal(button.textContent, "Stop");
  assert.equal(button.classList.contains("armed"), false);
  button.click();
  assert.equal(stops, 0);
  assert.equal(button.textContent, "Tap again to stop");
});

test("each button calls its action; Stop only on the second tap", () => {
  const ui = { pause: fakeButton("Pause"), skip: fakeButton("Skip"), stop: fakeButton("Stop"), sound: fakeButton("Turn the sound on") };
  const calls = [];
  const action = (name) => () => calls.push(name);
  wireControls(ui, { pause: action("pause"), skip: action("skip"), stop: action("stop"), sound: action("sound") }, () => {});
  for (const name of ["pause", "skip", "stop", "sound", "stop"]) ui[name].click();
  assert.deepEqual(calls, ["pause", "skip", "sound", "stop"]);
});
