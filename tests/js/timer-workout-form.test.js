// The workout form's values and the workout they make (static/js/timer/workout-form.js):
// `node --test tests/js/`.

import assert from "node:assert/strict";
import { test } from "node:test";

import { FIELDS, formValues, workoutFrom } from "../../static/js/timer/workout-form.js";

const VALUES = { bouts: "6", backwardS: "30", recoveryS: "90", warmUpMin: "5", coolDownMin: "2.5", recoveryMode: "jog" };

test("the form's strings make a workout; warm-up and cool-down are minutes, the engine wants seconds", () => {
  assert.deepEqual(workoutFrom(VALUES), { warmUpS: 300, bouts: 6, backwardS: 30, recoveryS: 90, coolDownS: 150, recoveryMode: "jog" });
  assert.equal(workoutFrom({ ...VALUES, warmUpMin: "0.33" }).warmUpS, 20, "rounded to whole seconds");
});

test("a workout that makes no sense is refused", () => {
  for (const bad of [{ bouts: "0" }, { bouts: "2.5" }, { backwardS: "" }, { recoveryS: "-1" }, { warmUpMin: "abc" }, { coolDownMin: "61" }]) {
    assert.throws(() => workoutFrom({ ...VALUES, ...bad }), RangeError, JSON.stringify(bad));
  }
});

test("a preset fills every field, and reads back as the same workout", () => {
  const preset = { warmUpS: 300, bouts: 8, backwardS: 20, recoveryS: 60, coolDownS: 90, recoveryMode: "walk" };
  const values = formValues(preset);
  assert.deepEqual(Object.keys(values).sort(), [...FIELDS].sort());
  assert.deepEqual(values, { bouts: "8", backwardS: "20", recoveryS: "60", warmUpMin: "5", coolDownMin: "1.5", recoveryMode: "walk" });
  assert.deepEqual(workoutFrom(values), preset);
});
