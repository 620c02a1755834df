// The two-tap Stop (static/js/timer/controls.js) with stand-in buttons and Node's fake timers:
// `node --test tests/js/`.

import assert from "node:assert/strict";
import { beforeEach, afterEach, test, mock } from "node:test";

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

beforeEach(() => mock.timers.enable({ apis: ["setTimeout"] }));
afterEach(() => mock.timers.reset());

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
  mock.timers.tick(STOP_ARMED_MS - 1);
  button.click();
  assert.equal(stops, 1);
  assert.equal(button.textContent, "Stop");
  assert.equal(button.classList.contains("armed"), false);
  mock.timers.tick(STOP_ARMED_MS);
  assert.equal(button.textContent, "Stop", "the disarm timer went with the second tap");
});

test("the first tap is forgotten after a while: a later tap asks again", () => {
  const button = fakeButton("Stop");
  let stops = 0;
  twoTapStop(button, () => { stops += 1; }, () => {});
  button.click();
  mock.timers.tick(STOP_ARMED_MS);
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
