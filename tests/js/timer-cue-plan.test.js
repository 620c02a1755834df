// The cue plan (static/js/timer/cue-plan.js) with a fake clock and a fake audio player:
// `node --test tests/js/`. Times are milliseconds on the fake clock.

import assert from "node:assert/strict";
import { test } from "node:test";

import * as engine from "../../static/js/timer/engine.js";
import { CuePlan, HORIZON_S, REPLAN_DRIFT_MS, STALE_FEEDBACK_MS } from "../../static/js/timer/cue-plan.js";

const T0 = 1_700_000_000_000;
const TWO_BY_THREE = { bouts: 2, backwardS: 3, recoveryS: 3 }; // cues at 0..9 s, finish at 9 s

// Stands in for CuePlayer: remembers what was scheduled and cancelled; its audio clock is
// `offset` ms behind the page's clock, and it runs unless told otherwise.
function fakePlayer(clock) {
  const player = {
    running: true,
    offset: 0,
    scheduled: [],
    offsetMs: () => player.offset,
    schedule(kind, at, onSounded) {
      if (!player.running) return null;
      const sound = { kind, at, onSounded, cancelled: false, cancel() { sound.cancelled = true; } };
      player.scheduled.push(sound);
      return sound;
    },
  };
  return player;
}

function setUp(workout = TWO_BY_THREE) {
  let now = T0;
  const clock = () => now;
  const player = fakePlayer(clock);
  const felt = [];
  const plan = new CuePlan({ player, clock, feel: (entry) => felt.push([entry.kind, entry.atS]) });
  const run = engine.start(engine.createRun(workout), T0);
  return { plan, player, felt, run, clock, at: (ms) => { now = T0 + ms; return now; } };
}

test("a new run hands every cue within the horizon to the audio clock at once, each once", () => {
  const { plan, player, run } = setUp();
  plan.replan(run);
  assert.deepEqual(player.scheduled.map((s) => [s.kind, s.at - T0]), [
    ["turn-around", 0], ["countdown", 1000], ["countdown", 2000], ["phase", 3000], ["countdown", 4000],
    ["countdown", 5000], ["turn-around", 6000], ["countdown", 7000], ["countdown", 8000], ["finish", 9000],
  ]);
  plan.topUp(run, T0 + 500);
  plan.keepUp(run, T0 + 600);
  assert.equal(player.scheduled.length, 10, "nothing planned twice");
  assert.equal(plan.log.length, 10);
});

test("cues further ahead than the horizon come as the run gets there", () => {
  const { plan, player, run, at } = setUp({ bouts: 1, backwardS: 30, warmUpS: HORIZON_S + 60 });
  plan.replan(run);
  assert.deepEqual(player.scheduled.map((s) => s.kind), ["phase"], "only the warm-up's cue: the rest is beyond 10 minutes");
  plan.keepUp(run, at(s(60)));
  assert.deepEqual(player.scheduled.map((s) => s.kind), ["phase", "countdown", "countdown", "countdown", "turn-around"]);
});

test("a pause cancels the beeps still to come; resuming plans them again at their new times", () => {
  const { plan, player, run, at } = setUp();
  plan.replan(run);
  const paused = engine.pause(run, at(1500));
  plan.replan(paused);
  assert.deepEqual(player.scheduled.filter((s) => s.cancelled).map((s) => s.at - T0), [2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000]);
  assert.equal(plan.log.filter((e) => e.cancelled).length, 8);
  const resumed = engine.resume(paused, at(11_500)); // ten seconds later
  plan.replan(resumed);
  const live = player.scheduled.filter((s) => !s.cancelled).map((s) => s.at - T0);
  assert.deepEqual(live, [0, 1000, 12_000, 13_000, 14_000, 15_000, 16_000, 17_000, 18_000, 19_000]);
});

test("when the audio clock drifts from the page's clock, the plan is made again", () => {
  const { plan, player, run, at } = setUp();
  plan.replan(run);
  player.offset = REPLAN_DRIFT_MS; // not yet
  plan.keepUp(run, at(100));
  assert.equal(player.scheduled.filter((s) => s.cancelled).length, 0);
  player.offset = REPLAN_DRIFT_MS + 1;
  plan.keepUp(run, at(200));
  assert.equal(player.scheduled.filter((s) => s.cancelled).length, 9, "all but the first, already due");
  assert.equal(player.scheduled.filter((s) => !s.cancelled).length, 10);
});

test("with no audio (or not yet unlocked), cues are still logged and felt, and the drift is not asked", () => {
  const { plan, player, felt, run, at } = setUp();
  player.running = false;
  player.offsetMs = () => { throw new Error("no audio clock to read"); };
  plan.replan(run);
  plan.keepUp(run, at(0));
  assert.equal(player.scheduled.length, 0);
  assert.equal(plan.log.length, 10);
  plan.feelDue(at(1000));
  assert.deepEqual(felt, [["turn-around", 0], ["countdown", 1]]);
});

test("each cue is felt once when it comes due; one long overdue (a hidden page) is left out", () => {
  const { plan, felt, run, at } = setUp();
  plan.replan(run);
  plan.feelDue(at(0));
  plan.feelDue(at(500));
  assert.deepEqual(felt, [["turn-around", 0]]);
  plan.feelDue(at(3000 + STALE_FEEDBACK_MS + 1)); // ticks at 1 and 2 s and the phase at 3 s are stale
  assert.deepEqual(felt, [["turn-around", 0], ["countdown", 4], ["countdown", 5]]);
  assert.ok(plan.log.filter((e) => e.atS <= 5).every((e) => e.feltAt !== null), "stale ones count as felt");
});

test("a cue's sounded time is recorded when the player reports it", () => {
  const { plan, player, run } = setUp();
  plan.replan(run);
  player.scheduled[0].onSounded(T0 + 12);
  assert.equal(plan.log[0].firedAt, T0 + 12);
  assert.equal(plan.log[1].firedAt, null);
});

test("skipped straight to the end: the finish cue, never planned, sounds at once; otherwise not twice", () => {
  const { plan, player, felt, run, at } = setUp({ bouts: 1, backwardS: 30, coolDownS: HORIZON_S * 2 });
  plan.replan(run);
  const skipped = engine.skip(engine.skip(run, at(1000)), at(1000)); // past the bout and the cool-down
  plan.replan(skipped);
  const state = engine.snapshot(skipped, at(1000));
  assert.equal(state.status, "done");
  plan.finish(state, at(1000));
  assert.deepEqual(player.scheduled.filter((s) => !s.cancelled).map((s) => s.kind), ["turn-around", "finish"]);
  assert.deepEqual(felt.at(-1), ["finish", state.totalS]);
  plan.finish(state, at(1000));
  assert.equal(player.scheduled.filter((s) => s.kind === "finish").length, 1);

  const ran = setUp();
  ran.plan.replan(ran.run);
  ran.plan.finish(engine.snapshot(ran.run, ran.at(9000)), ran.at(9000));
  assert.equal(ran.player.scheduled.filter((s) => s.kind === "finish").length, 1, "the planned one is enough");
});

test("stopped early: no finish cue", () => {
  const { plan, player, run, at } = setUp();
  plan.replan(run);
  const stopped = engine.stop(run, at(2000));
  plan.replan(stopped);
  plan.finish(engine.snapshot(stopped, at(2000)), at(2000));
  assert.equal(player.scheduled.filter((s) => !s.cancelled && s.kind === "finish").length, 0);
});

function s(seconds) {
  return seconds * 1000;
}
