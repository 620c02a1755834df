// The timer page (templates/timer/timer.html): holds the run and ties the pieces together.
//   workout-form.js  the form and the Start tap        display.js  what the runner sees
//   controls.js      Pause, Skip, the two-tap Stop      cue-plan.js beeps ahead, vibration and speech when due
//   done.js          the end screen and the log link    store.js    the run kept across a reload
//
// The page never counts time itself: every frame asks the engine where the run is now (engine.js
// computes it from timestamps), so a hidden, throttled or frozen page is right again the moment it
// is shown. Beeps are handed to the audio clock up to ten minutes ahead and re-planned whenever
// the run changes (pause, resume, skip, stop) or the page comes back.
//
// Test hook: window.backrun.timer (cue log with each cue's scheduled and sounded time, phase log).

import * as engine from "./engine.js";
import { CuePlayer } from "./audio.js";
import { ScreenLock, speech, vibrate } from "./feedback.js";
import { contextFrom } from "./log-link.js";
import { CuePlan } from "./cue-plan.js";
import { Display } from "./display.js";
import { wireControls } from "./controls.js";
import { DoneScreen } from "./done.js";
import { timerStore } from "./store.js";
import { wireWorkoutForm } from "./workout-form.js";
import { contextText, cuePhrase } from "./words.js";

const BACKGROUND_TICK_MS = 250; // animation frames stop in a hidden page; this keeps going

const clock = () => Date.now(); // keeps counting while a phone sleeps, unlike performance.now()

const root = document.getElementById("timer");
if (root) setUpTimer(root);

function setUpTimer(root) {
  const $ = (id) => document.getElementById(id);
  const ui = {
    setup: $("timer-setup"), form: $("timer-form"), preset: $("timer-preset"), formError: $("timer-form-error"),
    speak: $("timer-speak"), context: $("timer-context"), start: $("timer-start"),
    run: $("timer-run"), phase: $("timer-phase"), instruction: $("timer-instruction"), remaining: $("timer-remaining"),
    bouts: $("timer-bouts"), progress: $("timer-progress"), next: $("timer-next"), total: $("timer-total"),
    pause: $("timer-pause"), skip: $("timer-skip"), stop: $("timer-stop"), soundOff: $("timer-sound-off"), sound: $("timer-sound"),
    done: $("timer-done"), doneHeading: $("timer-done-heading"), doneSummary: $("timer-done-summary"), log: $("timer-log"),
    stay: $("timer-stay"), logHint: $("timer-log-hint"), again: $("timer-again"), announce: $("timer-announce"),
  };
  const player = new CuePlayer(clock);
  const screen = new ScreenLock();
  const store = timerStore();
  const display = new Display(root, ui);
  const announce = (text) => display.announce(text);
  const cues = new CuePlan({ player, clock, feel });
  const done = new DoneScreen(root, ui, { announce, again });

  let run = null;
  let context = contextFrom(location.search);
  let finished = false;
  let frame = null;

  wireWorkoutForm(ui, {
    store,
    unlock: () => player.unlock(),
    start: (workout) => begin(engine.start(engine.createRun(workout), clock())),
  });
  wireControls(ui, {
    pause() {
      const paused = engine.status(run, clock()) === "paused";
      change(paused ? engine.resume : engine.pause);
      announce(paused ? "Resumed." : "Paused.");
    },
    skip: () => change(engine.skip),
    stop: () => change(engine.stop),
    sound() {
      player.unlock().then(() => {
        watchAudioClock();
        cues.replan(run);
        tick();
      });
    },
  }, announce);

  const where = contextText(context);
  if (where) {
    ui.context.textContent = where;
    ui.context.hidden = false;
  }

  // --- running -------------------------------------------------------------------------------

  function begin(newRun) {
    run = newRun;
    finished = false;
    cues.clear();
    store.saveRun(run, context); // else a reload loses the run
    display.open();
    watchAudioClock();
    if (engine.status(run, clock()) === "running") screen.keepOn();
    cues.replan(run);
    tick();
    loop();
    ui.pause.focus();
  }

  function change(operation) {
    if (!run) return;
    run = operation(run, clock());
    store.saveRun(run, context);
    const running = engine.status(run, clock()) === "running";
    if (running) screen.keepOn();
    else screen.release();
    cues.replan(run);
    tick();
  }

  function watchAudioClock() {
    if (player.context && !player.context.onstatechange) player.context.onstatechange = () => cues.replan(run);
  }

  function feel(entry) {
    vibrate(entry.kind);
    if (ui.speak.checked && entry.kind !== engine.CUE.COUNTDOWN) speech.say(cuePhrase(entry, run.workout));
  }

  function loop() {
    cancelAnimationFrame(frame);
    const step = () => {
      tick();
      if (run && !finished) frame = requestAnimationFrame(step);
    };
    frame = requestAnimationFrame(step);
  }

  function tick() {
    if (!run || finished) return;
    const now = clock();
    const state = engine.snapshot(run, now);
    if (state.status === "running") cues.keepUp(run, now);
    cues.feelDue(now);
    display.render(run, state, now, { soundOff: player.available && !player.running });
    if (state.status === "done" || state.status === "stopped") finish(state, now);
  }

  function finish(state, now) {
    finished = true;
    cancelAnimationFrame(frame);
    screen.release();
    cues.finish(state, now);
    store.forgetRun();
    store.keepCues(cues.log);
    display.close();
    done.show(state, engine.summary(run, now), context);
  }

  function again() {
    run = null;
    ui.setup.hidden = false;
    display.reset();
    ui.form.elements.bouts.focus();
  }

  // --- the page comes back, or was reloaded --------------------------------------------------

  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState !== "visible" || !run || finished) return;
    cues.replan(run); // the audio clock may have been suspended meanwhile
    tick();
    loop();
  });
  window.addEventListener("pageshow", () => tick());
  setInterval(tick, BACKGROUND_TICK_MS);

  const kept = store.resumable(clock());
  if (kept) {
    context = kept.context || context;
    begin(kept.run);
  }

  window.backrun = Object.assign(window.backrun || {}, {
    timer: {
      get cues() { return cues.log.map((entry) => ({ ...entry })); },
      get phases() { return display.phases.map((entry) => ({ ...entry })); },
      state() { return run ? { ...engine.snapshot(run, clock()), startedAt: run.startedAt, now: clock() } : null; },
      audioState() { return player.context?.state ?? "none"; },
      screenLocked() { return screen.held; },
    },
  });
}
