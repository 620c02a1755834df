// The interval timer's engine under a fake clock: `node --test tests/js/`.
// Times are milliseconds on that clock; T0 is an arbitrary start.

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import * as engine from "../../static/js/timer/engine.js";

const T0 = 1_700_000_000_000;
const s = (seconds) => seconds * 1000;
const TWO_BY_THREE = { bouts: 2, backwardS: 3, recoveryS: 3 };
const FULL = { warmUpS: 60, bouts: 3, backwardS: 30, recoveryS: 90, coolDownS: 120, recoveryMode: "jog" };

// A clock that only moves when told to.
function fakeClock(start = T0) {
  let now = start;
  return { now: () => now, advance: (ms) => { now += ms; return now; } };
}

describe("schedule", () => {
  test("warm-up, bouts with recovery only between them, cool-down", () => {
    const { phases, totalS } = engine.buildSchedule(FULL);
    assert.deepEqual(phases.map((p) => [p.kind, p.bout, p.startS, p.endS]), [
      ["warm-up", null, 0, 60],
      ["backward", 1, 60, 90],
      ["recovery", 1, 90, 180],
      ["backward", 2, 180, 210],
      ["recovery", 2, 210, 300],
      ["backward", 3, 300, 330],
      ["cool-down", null, 330, 450],
    ]);
    assert.equal(totalS, 450);
  });

  test("empty phases are left out", () => {
    const { phases, totalS } = engine.buildSchedule({ bouts: 3, backwardS: 20, recoveryS: 0 });
    assert.deepEqual(phases.map((p) => p.kind), ["backward", "backward", "backward"]);
    assert.equal(totalS, 60);
  });

  test("a workout must make sense", () => {
    for (const bad of [{ bouts: 0, backwardS: 30 }, { bouts: 2, backwardS: 0 }, { bouts: 2.5, backwardS: 30 },
      { bouts: 2, backwardS: 30, recoveryS: -1 }, { bouts: 2 }, null]) {
      assert.throws(() => engine.normaliseWorkout(bad), RangeError);
    }
    assert.equal(engine.normaliseWorkout({ bouts: 1, backwardS: 5, recoveryMode: "sprint" }).recoveryMode, "walk");
  });
});

describe("cue schedule", () => {
  test("2 x 3 s: turn around, ticks, forwards, ticks, turn around, ticks, finish", () => {
    const cues = engine.cueSchedule(engine.buildSchedule(TWO_BY_THREE));
    assert.deepEqual(cues.map((c) => [c.kind, c.atS]), [
      ["turn-around", 0], ["countdown", 1], ["countdown", 2],
      ["phase", 3], ["countdown", 4], ["countdown", 5],
      ["turn-around", 6], ["countdown", 7], ["countdown", 8],
      ["finish", 9],
    ]);
    assert.deepEqual(cues.map((c) => c.id), [...cues.keys()]);
  });

  test("the last 3 seconds of a longer phase get three ticks; a switch to backwards is always 'turn around'", () => {
    const cues = engine.cueSchedule(engine.buildSchedule(FULL));
    const at = (kind) => cues.filter((c) => c.kind === kind).map((c) => c.atS);
    assert.deepEqual(at("turn-around"), [60, 180, 300]);
    assert.deepEqual(at("phase"), [0, 90, 210, 330]);
    assert.deepEqual(at("countdown").slice(0, 6), [57, 58, 59, 87, 88, 89]);
    assert.deepEqual(at("finish"), [450]);
    const times = cues.map((c) => c.atS);
    assert.deepEqual(times, [...times].sort((a, b) => a - b), "in time order");
  });

  test("a 1-second phase has no ticks, only its own cue", () => {
    const cues = engine.cueSchedule(engine.buildSchedule({ bouts: 2, backwardS: 1, recoveryS: 1 }));
    assert.deepEqual(cues.map((c) => c.kind), ["turn-around", "phase", "turn-around", "finish"]);
  });
});

describe("a run under a fake clock", () => {
  test("phase changes follow the clock, not ticks", () => {
    const clock = fakeClock();
    const run = engine.start(engine.createRun(FULL), clock.now());
    const at = (seconds) => engine.snapshot(run, T0 + s(seconds));

    assert.equal(at(0).phase.kind, "warm-up");
    assert.equal(at(0).remainingS, 60);
    assert.equal(at(59.9).phase.kind, "warm-up");
    assert.equal(at(60).phase.kind, "backward");
    assert.equal(at(60).currentBout, 1);
    assert.equal(at(60).next.kind, "recovery");
    assert.equal(at(75).remainingS, 15);
    assert.equal(at(95).phase.kind, "recovery");
    assert.equal(at(95).boutsDone, 1);
    assert.equal(at(200).currentBout, 2);
    assert.equal(at(340).phase.kind, "cool-down");
    assert.equal(at(340).next, null);
    assert.equal(at(449).status, "running");
    assert.equal(at(450).status, "done");
    assert.equal(at(450).phase, null);
    assert.equal(at(9999).positionS, 450, "never past the end");
  });

  test("not started: ready, at the start", () => {
    const run = engine.createRun(TWO_BY_THREE);
    assert.equal(engine.status(run, T0), "ready");
    assert.equal(engine.snapshot(run, T0).positionS, 0);
    assert.deepEqual(engine.upcomingCues(run, T0), []);
  });

  test("pause freezes the countdown; resume carries on where it was", () => {
    const clock = fakeClock();
    let run = engine.start(engine.createRun(FULL), clock.now());
    clock.advance(s(70)); // 10 s into bout 1
    run = engine.pause(run, clock.now());
    assert.equal(engine.status(run, clock.now()), "paused");
    clock.advance(s(300)); // a long pause
    let state = engine.snapshot(run, clock.now());
    assert.equal(state.phase.kind, "backward");
    assert.equal(state.remainingS, 20);
    assert.deepEqual(engine.upcomingCues(run, clock.now()), [], "no cues while paused");

    run = engine.resume(run, clock.now());
    clock.advance(s(5));
    state = engine.snapshot(run, clock.now());
    assert.equal(state.remainingS, 15);
    assert.equal(state.activeS, 75);
    // The cues after the pause are due 300 s later than planned at the start.
    const next = engine.upcomingCues(run, clock.now())[0];
    assert.deepEqual([next.kind, next.atS, next.at], ["countdown", 87, T0 + s(87 + 300)]);
  });

  test("pause and resume twice, and operations that don't apply are no-ops", () => {
    const clock = fakeClock();
    let run = engine.createRun(TWO_BY_THREE);
    assert.equal(engine.pause(run, clock.now()), run, "can't pause before the start");
    run = engine.start(run, clock.now());
    assert.equal(engine.start(run, clock.advance(10)), run, "a second start changes nothing");
    assert.equal(engine.resume(run, clock.now()), run, "can't resume what runs");
    run = engine.pause(run, clock.advance(990));
    assert.equal(engine.pause(run, clock.advance(500)), run, "can't pause twice");
    run = engine.resume(run, clock.now());
    run = engine.pause(run, clock.advance(s(1)));
    run = engine.resume(run, clock.advance(s(2)));
    assert.equal(engine.snapshot(run, clock.advance(s(1))).positionS, 3);
    assert.equal(engine.snapshot(run, clock.now()).phase.kind, "recovery");
  });

  test("hidden-page catch-up: nothing runs for minutes, the next look is right", () => {
    const clock = fakeClock();
    const run = engine.start(engine.createRun(FULL), clock.now());
    const before = engine.snapshot(run, clock.advance(s(30)));
    assert.equal(before.phase.kind, "warm-up");
    // The page is hidden (no frames, throttled timers) for 20 s and then 3 minutes.
    let state = engine.snapshot(run, clock.advance(s(20)));
    assert.equal(state.phase.kind, "warm-up");
    assert.equal(state.remainingS, 10);
    state = engine.snapshot(run, clock.advance(s(140)));
    assert.equal(state.phase.kind, "backward");
    assert.equal(state.currentBout, 2);
    assert.equal(state.remainingS, 20);
    assert.equal(state.boutsDone, 1);
    // The cues still to come are timed from the start, not from when the page came back.
    const next = engine.upcomingCues(run, clock.now())[0];
    assert.deepEqual([next.kind, next.at], ["countdown", T0 + s(207)]);
  });

  test("skip ends the current phase now; its successor's cue is due at once", () => {
    const clock = fakeClock();
    let run = engine.start(engine.createRun(FULL), clock.now());
    clock.advance(s(10));
    run = engine.skip(run, clock.now()); // the warm-up
    let state = engine.snapshot(run, clock.now());
    assert.equal(state.phase.kind, "backward");
    assert.equal(state.remainingS, 30);
    assert.equal(state.activeS, 10);
    const [first] = engine.upcomingCues(run, clock.now());
    assert.deepEqual([first.kind, first.at], ["turn-around", clock.now()]);

    clock.advance(s(31));
    state = engine.snapshot(run, clock.now());
    assert.equal(state.phase.kind, "recovery");
    assert.equal(state.remainingS, 89);
  });

  test("skip while paused moves on and stays paused", () => {
    const clock = fakeClock();
    let run = engine.start(engine.createRun(TWO_BY_THREE), clock.now());
    run = engine.pause(run, clock.advance(s(1)));
    run = engine.skip(run, clock.advance(s(10)));
    const state = engine.snapshot(run, clock.advance(s(10)));
    assert.equal(state.status, "paused");
    assert.equal(state.phase.kind, "recovery");
    assert.equal(state.remainingS, 3);
  });

  test("skipping the last phase finishes the run", () => {
    const clock = fakeClock();
    let run = engine.start(engine.createRun(TWO_BY_THREE), clock.now());
    clock.advance(s(7));
    run = engine.skip(run, clock.now());
    assert.equal(engine.status(run, clock.now()), "done");
    assert.equal(engine.endedAt(run, clock.now()), clock.now());
    assert.equal(engine.skip(run, clock.now()), run, "nothing left to skip");
  });

  test("stop ends it early and freezes the clock", () => {
    const clock = fakeClock();
    let run = engine.start(engine.createRun(FULL), clock.now());
    run = engine.stop(run, clock.advance(s(100)));
    const later = clock.advance(s(1000));
    assert.equal(engine.status(run, later), "stopped");
    assert.equal(engine.snapshot(run, later).activeS, 100);
    assert.equal(engine.endedAt(run, later), T0 + s(100));
    assert.deepEqual(engine.upcomingCues(run, later), []);
  });

  test("stop while paused doesn't count the pause", () => {
    const clock = fakeClock();
    let run = engine.start(engine.createRun(FULL), clock.now());
    run = engine.pause(run, clock.advance(s(40)));
    run = engine.stop(run, clock.advance(s(600)));
    assert.equal(engine.summary(run, clock.now()).durationS, 40);
  });

  test("a run is plain JSON: it survives a reload", () => {
    const clock = fakeClock();
    let run = engine.start(engine.createRun(FULL), clock.now());
    run = engine.pause(run, clock.advance(s(10)));
    run = engine.resume(run, clock.advance(s(5)));
    run = engine.skip(run, clock.advance(s(1)));
    const copy = JSON.parse(JSON.stringify(run));
    clock.advance(s(42));
    assert.deepEqual(engine.snapshot(copy, clock.now()), engine.snapshot(run, clock.now()));
  });
});

describe("cues with exact times", () => {
  test("each cue's time is the start plus its offset, whenever the page asks", () => {
    const clock = fakeClock();
    const run = engine.start(engine.createRun(TWO_BY_THREE), clock.now());
    const all = engine.upcomingCues(run, clock.now());
    assert.deepEqual(all.map((c) => c.at - T0), [0, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000]);
    clock.advance(4500);
    assert.deepEqual(engine.upcomingCues(run, clock.now()).map((c) => c.at - T0), [5000, 6000, 7000, 8000, 9000]);
    assert.deepEqual(engine.upcomingCues(run, clock.now(), 2).map((c) => c.atS), [5, 6], "only within the horizon");
    assert.deepEqual(engine.upcomingCues(run, clock.now(), 1, 0.5).map((c) => c.atS), [4, 5], "and those just due");
  });

  test("the first cue is due at the tap, a moment before the page can ask", () => {
    const run = engine.start(engine.createRun(TWO_BY_THREE), T0);
    assert.equal(engine.upcomingCues(run, T0 + 3)[0].atS, 1, "3 ms later it has passed");
    const [first] = engine.upcomingCues(run, T0 + 3, Infinity, 0.5);
    assert.deepEqual([first.kind, first.at], ["turn-around", T0]);
  });

  test("the finish cue is due at the end of the schedule", () => {
    const clock = fakeClock();
    const run = engine.start(engine.createRun(FULL), clock.now());
    const finish = engine.upcomingCues(run, clock.now()).at(-1);
    assert.deepEqual([finish.kind, finish.at], ["finish", T0 + s(450)]);
  });
});

describe("summary for the log", () => {
  test("a full run: all bouts and the whole time", () => {
    const clock = fakeClock();
    const run = engine.start(engine.createRun(TWO_BY_THREE), clock.now());
    const result = engine.summary(run, clock.advance(s(9) + 40)); // looked 40 ms after the end
    assert.deepEqual(result, { startedAt: T0, endedAt: T0 + s(9), durationS: 9, bouts: 2, backwardS: 3,
      recoveryS: 3, completed: true });
  });

  test("pauses and skipped stretches aren't exercise", () => {
    const clock = fakeClock();
    let run = engine.start(engine.createRun(FULL), clock.now());
    run = engine.skip(run, clock.advance(s(20))); // 40 s of warm-up skipped
    run = engine.pause(run, clock.advance(s(45))); // bout 1 done, 15 s of recovery
    run = engine.resume(run, clock.advance(s(120)));
    run = engine.stop(run, clock.advance(s(10)));
    const result = engine.summary(run, clock.now());
    assert.equal(result.durationS, 75);
    assert.equal(result.bouts, 1);
    assert.equal(result.completed, false);
  });

  test("a bout counts when at least half of it was run", () => {
    const clock = fakeClock();
    let run = engine.start(engine.createRun({ bouts: 4, backwardS: 30, recoveryS: 30 }), clock.now());
    run = engine.stop(run, clock.advance(s(60 + 14)));
    assert.equal(engine.summary(run, clock.now()).bouts, 1, "14 of 30 s: not a bout");
    run = engine.start(engine.createRun({ bouts: 4, backwardS: 30, recoveryS: 30 }), T0);
    run = engine.stop(run, T0 + s(60 + 15));
    assert.equal(engine.summary(run, T0 + s(75)).bouts, 2, "15 of 30 s: a bout");
  });

  test("never more bouts than the time holds (the log would refuse it)", () => {
    const clock = fakeClock();
    let run = engine.start(engine.createRun({ bouts: 2, backwardS: 10, recoveryS: 60 }), clock.now());
    run = engine.skip(run, clock.advance(s(9))); // 9 s of bout 1: it counts
    run = engine.skip(run, clock.advance(s(1))); // the recovery, after a second
    run = engine.stop(run, clock.advance(s(6))); // 6 s of bout 2: it counts too
    const result = engine.summary(run, clock.now());
    assert.equal(result.durationS, 16);
    assert.equal(result.bouts, 1, "2 x 10 s would not fit in 16 s");
  });

  test("stopped during the warm-up: no bouts, at least a second", () => {
    const clock = fakeClock();
    let run = engine.start(engine.createRun(FULL), clock.now());
    run = engine.stop(run, clock.advance(200));
    assert.deepEqual([engine.summary(run, clock.now()).durationS, engine.summary(run, clock.now()).bouts], [1, 0]);
  });
});
