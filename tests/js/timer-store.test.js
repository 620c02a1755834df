// What the timer keeps in the browser's storage (static/js/timer/store.js): `node --test tests/js/`.

import assert from "node:assert/strict";
import { test } from "node:test";

import * as engine from "../../static/js/timer/engine.js";
import { LAST_CUES_KEY, RUN_KEY, SPEAK_KEY, timerStore } from "../../static/js/timer/store.js";

const T0 = 1_700_000_000_000;
const WORKOUT = { bouts: 2, backwardS: 30, recoveryS: 30 }; // 90 s in all

// A Storage with the three methods the timer uses.
function memoryStorage() {
  const items = new Map();
  return {
    items,
    getItem: (key) => (items.has(key) ? items.get(key) : null),
    setItem: (key, value) => items.set(key, String(value)),
    removeItem: (key) => items.delete(key),
  };
}

function broken() {
  throw new DOMException("The operation is insecure.", "SecurityError");
}

test("a run under way is kept with its context and found again after a reload", () => {
  const session = memoryStorage();
  const run = engine.start(engine.createRun(WORKOUT), T0);
  timerStore(() => session).saveRun(run, { place: "Vaduz" });
  const kept = timerStore(() => session).resumable(T0 + 10_000);
  assert.deepEqual(kept, { run, context: { place: "Vaduz" } });
  const paused = engine.pause(run, T0 + 20_000);
  timerStore(() => session).saveRun(paused, {});
  assert.deepEqual(timerStore(() => session).resumable(T0 + 3_600_000).run, paused, "paused for an hour: still there");
});

test("a run that has ended meanwhile, was stopped, or can't be read is not resumed, and is forgotten", () => {
  const session = memoryStorage();
  const store = timerStore(() => session);
  const run = engine.start(engine.createRun(WORKOUT), T0);
  for (const [kept, now] of [[run, T0 + 90_000], [engine.stop(run, T0 + 5_000), T0 + 6_000]]) {
    store.saveRun(kept, {});
    assert.equal(store.resumable(now), null);
    assert.equal(session.items.has(RUN_KEY), false);
  }
  session.setItem(RUN_KEY, "{not json");
  assert.equal(store.resumable(T0), null);
  assert.equal(session.items.has(RUN_KEY), false);
  assert.equal(store.resumable(T0), null, "nothing kept");
});

test("the finished run is forgotten and its cue log kept", () => {
  const session = memoryStorage();
  const store = timerStore(() => session);
  store.saveRun(engine.start(engine.createRun(WORKOUT), T0), {});
  store.forgetRun();
  store.keepCues([{ id: 0, kind: "turn-around", firedAt: T0 }]);
  assert.deepEqual([...session.items.keys()], [LAST_CUES_KEY]);
  assert.deepEqual(JSON.parse(session.getItem(LAST_CUES_KEY)), [{ id: 0, kind: "turn-around", firedAt: T0 }]);
});

test("spoken cues are off unless asked for, and the choice is remembered", () => {
  const local = memoryStorage();
  const store = timerStore(memoryStorage, () => local);
  assert.equal(store.speak, false);
  store.speak = true;
  assert.equal(local.getItem(SPEAK_KEY), "on");
  assert.equal(timerStore(memoryStorage, () => local).speak, true);
  store.speak = false;
  assert.equal(local.getItem(SPEAK_KEY), "off");
  assert.equal(store.speak, false);
});

test("with no storage (blocked, private mode, full) the timer still works: nothing is kept, nothing throws", () => {
  const store = timerStore(broken, broken);
  const run = engine.start(engine.createRun(WORKOUT), T0);
  store.saveRun(run, {});
  store.keepCues([]);
  store.forgetRun();
  store.speak = true;
  assert.equal(store.resumable(T0 + 1000), null);
  assert.equal(store.speak, false);
});
