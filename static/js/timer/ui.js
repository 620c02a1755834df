// The timer page (templates/timer/timer.html): picks the workout, shows the big countdown, and
// turns the engine's cue schedule into beeps, vibration and (if wanted) speech.
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
import { contextFrom, logUrl } from "./log-link.js";

const RUN_KEY = "backrun.timer.run"; // sessionStorage: a reload or a discarded tab keeps the run
const LAST_CUES_KEY = "backrun.timer.lastCues";
const SPEAK_KEY = "backrun.timer.speak"; // localStorage: spoken cues stay off unless asked for
// Beeps this far ahead are already with the audio clock: longer than Chrome's once-a-minute timers
// in a long-hidden page, short enough that the two clocks can't drift apart meanwhile.
const HORIZON_S = 600;
const GRACE_S = 0.5; // a cue due this recently still sounds (at once) if it hasn't yet: the first one
const REPLAN_DRIFT_MS = 40; // the audio clock and the page's clock drifted apart: schedule again
const STALE_FEEDBACK_MS = 2000; // vibration or speech this late (the page was hidden) is left out
const BACKGROUND_TICK_MS = 250; // animation frames stop in a hidden page; this keeps going
const AUTO_LOG_DELAY_MS = 3000;

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
  const signedIn = root.dataset.signedIn === "true";
  const player = new CuePlayer(clock);
  const screen = new ScreenLock();

  let run = null;
  let context = contextFrom(location.search);
  let cueLog = []; // {id, kind, atS, phaseIndex, scheduledAt, firedAt, feltAt, cancelled}
  let phaseLog = []; // {index, kind, bout, atS, expectedAt, shownAt}
  const sounds = new Map(); // cue log entry -> audio handle, for the cues still to come
  let plannedOffsetMs = null;
  let shownPhase = null;
  let finished = false;
  let autoLog = null;
  let frame = null;

  // --- the workout form ----------------------------------------------------------------------

  function fillForm(workout) {
    const f = ui.form.elements;
    f.bouts.value = workout.bouts;
    f.backwardS.value = workout.backwardS;
    f.recoveryS.value = workout.recoveryS;
    f.warmUpMin.value = String(workout.warmUpS / 60);
    f.coolDownMin.value = String(workout.coolDownS / 60);
    f.recoveryMode.value = workout.recoveryMode;
  }

  function readForm() {
    const f = ui.form.elements;
    const seconds = (minutes) => Math.round(Number(minutes) * 60);
    return engine.normaliseWorkout({
      bouts: Number(f.bouts.value), backwardS: Number(f.backwardS.value), recoveryS: Number(f.recoveryS.value),
      warmUpS: seconds(f.warmUpMin.value), coolDownS: seconds(f.coolDownMin.value), recoveryMode: f.recoveryMode.value,
    });
  }

  ui.preset.addEventListener("change", () => {
    const option = ui.preset.selectedOptions[0];
    if (option?.dataset.workout) fillForm(JSON.parse(option.dataset.workout));
  });

  ui.speak.checked = stored(() => localStorage.getItem(SPEAK_KEY)) === "on";
  ui.speak.closest(".field").hidden = !speech.available;
  ui.speak.addEventListener("change", () => stored(() => localStorage.setItem(SPEAK_KEY, ui.speak.checked ? "on" : "off")));

  ui.form.addEventListener("submit", (event) => {
    event.preventDefault();
    let workout;
    try {
      if (!ui.form.checkValidity()) throw new RangeError("invalid");
      workout = readForm();
    } catch {
      ui.formError.textContent = "Check the workout: whole numbers of bouts and seconds, at least 1 bout of 1 second.";
      ui.form.reportValidity();
      return;
    }
    ui.formError.textContent = "";
    // Audio may only start inside the tap: unlock now, start the clock once the audio runs.
    const unlocked = player.unlock();
    ui.start.disabled = true;
    unlocked.then(() => {
      ui.start.disabled = false;
      begin(engine.start(engine.createRun(workout), clock()));
    });
  });

  function describeContext() {
    const where = context.venue_name || context.place;
    if (!where && !context.lat) return;
    const what = context.lat ? "the place and the weather" : "the place";
    ui.context.textContent = where ? `For ${where}: the log will have ${what}.` : `From the advice page: the log will have ${what}.`;
    ui.context.hidden = false;
  }

  // --- running -------------------------------------------------------------------------------

  function begin(newRun) {
    run = newRun;
    finished = false;
    shownPhase = null;
    cueLog = [];
    phaseLog = [];
    save();
    ui.setup.hidden = true;
    ui.done.hidden = true;
    ui.run.hidden = false;
    watchAudioClock();
    if (engine.status(run, clock()) === "running") screen.keepOn();
    replan();
    tick();
    loop();
    ui.pause.focus();
  }

  function change(operation) {
    if (!run) return;
    run = operation(run, clock());
    save();
    const running = engine.status(run, clock()) === "running";
    if (running) screen.keepOn();
    else screen.release();
    replan();
    tick();
  }

  ui.pause.addEventListener("click", () => {
    const paused = engine.status(run, clock()) === "paused";
    change(paused ? engine.resume : engine.pause);
    announce(paused ? "Resumed." : "Paused.");
  });
  ui.skip.addEventListener("click", () => change(engine.skip));
  // Stop ends the workout: with cold hands it is easy to hit, so it asks for a second tap.
  let stopArmed = null;
  function disarmStop() {
    clearTimeout(stopArmed);
    stopArmed = null;
    ui.stop.textContent = "Stop";
    ui.stop.classList.remove("armed");
  }
  ui.stop.addEventListener("click", () => {
    if (!stopArmed) {
      ui.stop.textContent = "Tap again to stop";
      ui.stop.classList.add("armed");
      announce("Tap Stop again to end the workout.");
      stopArmed = setTimeout(disarmStop, 4000);
      return;
    }
    disarmStop();
    change(engine.stop);
  });
  ui.sound.addEventListener("click", () => {
    player.unlock().then(() => {
      watchAudioClock();
      replan();
      tick();
    });
  });

  function save() {
    stored(() => sessionStorage.setItem(RUN_KEY, JSON.stringify({ run, context }))); // else a reload loses the run
  }

  function watchAudioClock() {
    if (player.context && !player.context.onstatechange) player.context.onstatechange = () => replan();
  }

  // --- cues: beeps on the audio clock, vibration and speech when they are due -----------------

  /** Forget the beeps still to come and schedule them again from the run as it is now. */
  function replan() {
    const now = clock();
    for (const [entry, handle] of sounds) {
      if (entry.scheduledAt > now) {
        handle?.cancel();
        entry.cancelled = true;
      }
      sounds.delete(entry);
    }
    plannedOffsetMs = player.running ? player.offsetMs() : null;
    topUp(now);
  }

  function topUp(now) {
    if (!run) return;
    const pending = new Set(cueLog.filter((e) => !e.cancelled).map((e) => e.id));
    for (const cue of engine.upcomingCues(run, now, HORIZON_S, GRACE_S)) {
      if (!pending.has(cue.id)) planCue(cue, cue.at);
    }
  }

  function planCue(cue, at) {
    const entry = { id: cue.id, kind: cue.kind, atS: cue.atS, phaseIndex: cue.phaseIndex, scheduledAt: at,
      firedAt: null, feltAt: null, cancelled: false };
    cueLog.push(entry);
    sounds.set(entry, player.schedule(cue.kind, at, (firedAt) => { entry.firedAt = firedAt; }));
    return entry;
  }

  function feelDueCues(now) {
    for (const entry of cueLog) {
      if (entry.cancelled || entry.feltAt !== null || entry.scheduledAt > now) continue;
      entry.feltAt = now;
      sounds.delete(entry); // played (or playing): nothing left to cancel
      if (now - entry.scheduledAt > STALE_FEEDBACK_MS) continue;
      vibrate(entry.kind);
      if (ui.speak.checked && entry.kind !== engine.CUE.COUNTDOWN) speech.say(phrase(entry, run.workout));
    }
  }

  // --- what the runner sees ------------------------------------------------------------------

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
    if (state.status === "running") {
      if (player.running && (plannedOffsetMs === null || Math.abs(player.offsetMs() - plannedOffsetMs) > REPLAN_DRIFT_MS)) replan();
      else topUp(now);
    }
    feelDueCues(now);
    render(state, now);
    if (state.status === "done" || state.status === "stopped") finish(state, now);
  }

  function render(state, now) {
    const { phase } = state;
    if (phase) {
      const words = phaseWords(phase, run.workout);
      setText(ui.phase, words.title);
      setText(ui.instruction, state.status === "paused" ? "Paused" : words.instruction);
      root.dataset.phase = phase.kind;
      if (shownPhase !== phase.index) showNewPhase(phase, state, now);
    }
    root.dataset.status = state.status;
    // The header and footer step aside while a workout is under way: the clock gets the screen.
    document.body.classList.toggle("in-workout", state.status === "running" || state.status === "paused");
    setText(ui.remaining, clockText(state.remainingS));
    setText(ui.bouts, state.currentBout ? `Bout ${state.currentBout} of ${state.bouts}` : `${state.boutsDone} of ${state.bouts} bouts done`);
    ui.progress.max = state.totalS;
    ui.progress.value = state.positionS;
    setText(ui.next, state.next ? `Next: ${phaseWords(state.next, run.workout).title}, ${durationText(state.next.durationS)}` : "Next: finish");
    setText(ui.total, `${clockText(state.totalRemainingS)} left in all`);
    setText(ui.pause, state.status === "paused" ? "Resume" : "Pause");
    ui.soundOff.hidden = !player.available || player.running;
  }

  function showNewPhase(phase, state, now) {
    shownPhase = phase.index;
    phaseLog.push({ index: phase.index, kind: phase.kind, bout: phase.bout, atS: phase.startS,
      expectedAt: engine.timeOfPosition(run, phase.startS), shownAt: now });
    const words = phaseWords(phase, run.workout);
    const bout = phase.bout && phase.kind === engine.KIND.BACKWARD ? ` Bout ${phase.bout} of ${state.bouts}.` : "";
    announce(`${words.title}: ${words.instruction}, ${durationText(phase.durationS)}.${bout}`);
    // A brief flash that the phase changed (none with reduced motion: see app.css).
    ui.run.classList.remove("phase-changed");
    void ui.run.offsetWidth;
    ui.run.classList.add("phase-changed");
  }

  function announce(text) {
    ui.announce.textContent = text;
  }

  // --- the end: the log form, pre-filled -----------------------------------------------------

  function finish(state, now) {
    finished = true;
    cancelAnimationFrame(frame);
    screen.release();
    if (state.status === "done" && !cueLog.some((e) => e.kind === engine.CUE.FINISH && !e.cancelled)) {
      // Skipped straight to the end: the finish cue was never scheduled; it sounds now.
      planCue({ id: -1, kind: engine.CUE.FINISH, atS: state.totalS, phaseIndex: null }, now);
      feelDueCues(now);
    }
    const result = engine.summary(run, now);
    const logHref = logUrl(result, context, root.dataset.logUrl);
    ui.log.href = signedIn ? logHref : `${root.dataset.loginUrl}?next=${encodeURIComponent(logHref)}`;
    ui.log.textContent = signedIn ? "Log this session" : "Sign in to log it";
    setText(ui.doneHeading, state.status === "done" ? "Done: well run" : "Stopped");
    setText(ui.doneSummary, summaryText(result));
    stored(() => sessionStorage.removeItem(RUN_KEY));
    stored(() => sessionStorage.setItem(LAST_CUES_KEY, JSON.stringify(cueLog))); // the cue log outlives the page
    ui.run.hidden = true;
    document.body.classList.remove("in-workout");
    ui.done.hidden = false;
    ui.doneHeading.focus();
    if (signedIn) {
      ui.logHint.textContent = "Opening the log form: add how hard it felt and anything sore.";
      ui.stay.hidden = false;
      autoLog = setTimeout(() => location.assign(logHref), AUTO_LOG_DELAY_MS);
    } else {
      ui.logHint.textContent = "Signing in keeps the session in your log; the timer itself works without an account.";
    }
    announce(`${ui.doneHeading.textContent}. ${ui.doneSummary.textContent} ${ui.logHint.textContent}`);
  }

  ui.stay.addEventListener("click", () => {
    clearTimeout(autoLog);
    ui.stay.hidden = true;
    ui.logHint.textContent = "Log it whenever you like with the button above.";
  });

  ui.again.addEventListener("click", () => {
    clearTimeout(autoLog);
    run = null;
    ui.done.hidden = true;
    ui.setup.hidden = false;
    delete root.dataset.phase;
    delete root.dataset.status;
    ui.form.elements.bouts.focus();
  });

  // --- the page comes back, or was reloaded --------------------------------------------------

  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState !== "visible" || !run || finished) return;
    replan(); // the audio clock may have been suspended meanwhile
    tick();
    loop();
  });
  window.addEventListener("pageshow", () => tick());
  setInterval(tick, BACKGROUND_TICK_MS);

  function restore() {
    const kept = stored(() => JSON.parse(sessionStorage.getItem(RUN_KEY) || "null"));
    const status = kept?.run ? engine.status(kept.run, clock()) : null;
    if (status !== "running" && status !== "paused") {
      stored(() => sessionStorage.removeItem(RUN_KEY));
      return;
    }
    context = kept.context || context;
    begin(kept.run);
  }

  describeContext();
  restore();

  window.backrun = Object.assign(window.backrun || {}, {
    timer: {
      get cues() { return cueLog.map((entry) => ({ ...entry })); },
      get phases() { return phaseLog.map((entry) => ({ ...entry })); },
      state() { return run ? { ...engine.snapshot(run, clock()), startedAt: run.startedAt, now: clock() } : null; },
      audioState() { return player.context?.state ?? "none"; },
      screenLocked() { return screen.held; },
    },
  });
}

// --- words -----------------------------------------------------------------------------------

function phaseWords(phase, workout) {
  switch (phase.kind) {
    case engine.KIND.WARM_UP: return { title: "Warm-up", instruction: "Walk forwards" };
    case engine.KIND.BACKWARD: return { title: "Backwards", instruction: "Turn around, look over your shoulder" };
    case engine.KIND.RECOVERY: return workout.recoveryMode === "jog"
      ? { title: "Jog", instruction: "Forwards, easy" } : { title: "Walk", instruction: "Forwards, easy" };
    default: return { title: "Cool-down", instruction: "Walk forwards" };
  }
}

function phrase(entry, workout) {
  if (entry.kind === engine.CUE.FINISH) return "Done. Well run.";
  const phase = engine.buildSchedule(workout).phases[entry.phaseIndex];
  const words = phaseWords(phase, workout);
  if (entry.kind === engine.CUE.TURN_AROUND) return `Turn around. Backwards, ${durationText(phase.durationS)}.`;
  return `${words.title}. ${words.instruction}, ${durationText(phase.durationS)}.`;
}

function clockText(seconds) {
  const whole = Math.max(0, Math.ceil(seconds - 1e-6)); // 2.4 s left reads "0:03", as a countdown does
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = String(whole % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

function durationText(seconds) {
  if (seconds < 60) return `${seconds} seconds`;
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  const minutes = `${m} minute${m === 1 ? "" : "s"}`;
  return s ? `${minutes} ${s} seconds` : minutes;
}

function summaryText(result) {
  const time = clockText(result.durationS);
  const bouts = result.bouts ? `${result.bouts} × ${result.backwardS} s backwards` : "no backward bout finished";
  return `${time} of exercise, ${bouts}.`;
}

// Storage can throw (private modes, full): the timer works without it.
function stored(access) {
  try {
    return access();
  } catch {
    return null;
  }
}

function setText(element, text) {
  if (element.textContent !== text) element.textContent = text;
}
