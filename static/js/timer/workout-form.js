// The workout form before a run: the presets, the spoken-cues choice, and the Start tap.
// The fields are named as engine.js names a workout; warm-up and cool-down are asked in minutes.
// workoutFrom / formValues have no DOM: tested with Node (tests/js/timer-workout-form.test.js).

import * as engine from "./engine.js";
import { speech } from "./feedback.js";

export const FIELDS = Object.freeze(["bouts", "backwardS", "recoveryS", "warmUpMin", "coolDownMin", "recoveryMode"]);
const INVALID = "Check the workout: whole numbers of bouts and seconds, at least 1 bout of 1 second.";

/** The form's values (strings, by field name) as a workout; throws RangeError if it makes no sense. */
export function workoutFrom(values) {
  const seconds = (minutes) => Math.round(Number(minutes) * 60);
  return engine.normaliseWorkout({
    bouts: Number(values.bouts), backwardS: Number(values.backwardS), recoveryS: Number(values.recoveryS),
    warmUpS: seconds(values.warmUpMin), coolDownS: seconds(values.coolDownMin), recoveryMode: values.recoveryMode,
  });
}

/** A workout (a preset's data-workout) as the form's values. */
export function formValues(workout) {
  return {
    bouts: String(workout.bouts), backwardS: String(workout.backwardS), recoveryS: String(workout.recoveryS),
    warmUpMin: String(workout.warmUpS / 60), coolDownMin: String(workout.coolDownS / 60), recoveryMode: workout.recoveryMode,
  };
}

/**
 * `unlock()` starts the audio and must run inside the tap; `start(workout)` once it has (or has
 * given up). `store` keeps the spoken-cues choice.
 */
export function wireWorkoutForm(ui, { store, unlock, start }) {
  const fields = ui.form.elements;

  ui.preset.addEventListener("change", () => {
    const option = ui.preset.selectedOptions[0];
    if (!option?.dataset.workout) return;
    for (const [name, value] of Object.entries(formValues(JSON.parse(option.dataset.workout)))) fields[name].value = value;
  });

  ui.speak.checked = store.speak;
  ui.speak.closest(".field").hidden = !speech.available;
  ui.speak.addEventListener("change", () => {
    store.speak = ui.speak.checked;
  });

  ui.form.addEventListener("submit", (event) => {
    event.preventDefault();
    let workout;
    try {
      if (!ui.form.checkValidity()) throw new RangeError("invalid");
      workout = workoutFrom(Object.fromEntries(FIELDS.map((name) => [name, fields[name].value])));
    } catch {
      ui.formError.textContent = INVALID;
      ui.form.reportValidity();
      return;
    }
    ui.formError.textContent = "";
    // Audio may only start inside the tap: unlock now, start the clock once the audio runs.
    const unlocked = unlock();
    ui.start.disabled = true;
    unlocked.then(() => {
      ui.start.disabled = false;
      start(workout);
    });
  });
}
