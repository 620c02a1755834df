// The timer's words (static/js/timer/words.js): `node --test tests/js/`.

import assert from "node:assert/strict";
import { test } from "node:test";

import * as engine from "../../static/js/timer/engine.js";
import * as words from "../../static/js/timer/words.js";

const WORKOUT = engine.normaliseWorkout({ warmUpS: 60, bouts: 3, backwardS: 30, recoveryS: 90, coolDownS: 120, recoveryMode: "jog" });
const PHASES = engine.buildSchedule(WORKOUT).phases; // warm-up, backward 1, recovery 1, ..., backward 3, cool-down

test("each phase has a name and an instruction; recovery says walk or jog as the workout does", () => {
  assert.deepEqual(PHASES.map((phase) => words.phaseWords(phase, WORKOUT).title),
    ["Warm-up", "Backwards", "Jog", "Backwards", "Jog", "Backwards", "Cool-down"]);
  assert.equal(words.phaseWords(PHASES[1], WORKOUT).instruction, "Turn around, look over your shoulder");
  assert.deepEqual(words.phaseWords(PHASES[2], { ...WORKOUT, recoveryMode: "walk" }), { title: "Walk", instruction: "Forwards, easy" });
});

test("the countdown reads as a countdown: partial seconds round up, hours only when there are some", () => {
  assert.equal(words.clockText(2.4), "0:03");
  assert.equal(words.clockText(3), "0:03");
  assert.equal(words.clockText(0), "0:00");
  assert.equal(words.clockText(-1), "0:00");
  assert.equal(words.clockText(599.5), "10:00");
  assert.equal(words.clockText(3725), "1:02:05");
});

test("durations in words", () => {
  assert.equal(words.durationText(30), "30 seconds");
  assert.equal(words.durationText(60), "1 minute");
  assert.equal(words.durationText(150), "2 minutes 30 seconds");
});

test("spoken cues: turning around, a new phase, the finish", () => {
  const cue = (kind, phaseIndex) => ({ kind, phaseIndex });
  assert.equal(words.cuePhrase(cue(engine.CUE.TURN_AROUND, 1), WORKOUT), "Turn around. Backwards, 30 seconds.");
  assert.equal(words.cuePhrase(cue(engine.CUE.PHASE, 2), WORKOUT), "Jog. Forwards, easy, 1 minute 30 seconds.");
  assert.equal(words.cuePhrase(cue(engine.CUE.FINISH, null), WORKOUT), "Done. Well run.");
});

test("what the screen says about bouts, the next phase and a phase that has just begun", () => {
  const run = engine.start(engine.createRun(WORKOUT), 0);
  const inBout2 = engine.snapshot(run, 185_000);
  assert.equal(words.boutsText(inBout2), "Bout 2 of 3");
  assert.equal(words.nextText(inBout2, WORKOUT), "Next: Jog, 1 minute 30 seconds");
  assert.equal(words.phaseAnnouncement(inBout2.phase, inBout2, WORKOUT),
    "Backwards: Turn around, look over your shoulder, 30 seconds. Bout 2 of 3.");
  const inRecovery = engine.snapshot(run, 100_000);
  assert.equal(words.boutsText(inRecovery), "1 of 3 bouts done");
  assert.equal(words.phaseAnnouncement(inRecovery.phase, inRecovery, WORKOUT), "Jog: Forwards, easy, 1 minute 30 seconds.");
  assert.equal(words.nextText(engine.snapshot(run, 400_000), WORKOUT), "Next: finish");
});

test("the end screen's summary", () => {
  assert.equal(words.summaryText({ durationS: 1230, bouts: 6, backwardS: 30 }), "20:30 of exercise, 6 × 30 s backwards.");
  assert.equal(words.summaryText({ durationS: 45, bouts: 0, backwardS: 30 }), "0:45 of exercise, no backward bout finished.");
});

test("what the log will know about the place it came from", () => {
  assert.equal(words.contextText({}), null);
  assert.equal(words.contextText({ place: "Vaduz" }), "For Vaduz: the log will have the place.");
  assert.equal(words.contextText({ venue_name: "Track", place: "Vaduz", lat: "47.1" }), "For Track: the log will have the place and the weather.");
  assert.equal(words.contextText({ lat: "47.1", lon: "9.5" }), "From the advice page: the log will have the place and the weather.");
});
