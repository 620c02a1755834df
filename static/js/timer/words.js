// What the timer says: the lines on screen, the announcements for screen readers, the spoken cues.
// No DOM: tested with Node (tests/js/timer-words.test.js).

import * as engine from "./engine.js";

/** The phase's name and what to do in it. */
export function phaseWords(phase, workout) {
  switch (phase.kind) {
    case engine.KIND.WARM_UP: return { title: "Warm-up", instruction: "Walk forwards" };
    case engine.KIND.BACKWARD: return { title: "Backwards", instruction: "Turn around, look over your shoulder" };
    case engine.KIND.RECOVERY: return workout.recoveryMode === "jog"
      ? { title: "Jog", instruction: "Forwards, easy" } : { title: "Walk", instruction: "Forwards, easy" };
    default: return { title: "Cool-down", instruction: "Walk forwards" };
  }
}

/** What a cue says aloud (countdown ticks say nothing: the page never asks for them). */
export function cuePhrase(entry, workout) {
  if (entry.kind === engine.CUE.FINISH) return "Done. Well run.";
  const phase = engine.buildSchedule(workout).phases[entry.phaseIndex];
  const words = phaseWords(phase, workout);
  if (entry.kind === engine.CUE.TURN_AROUND) return `Turn around. Backwards, ${durationText(phase.durationS)}.`;
  return `${words.title}. ${words.instruction}, ${durationText(phase.durationS)}.`;
}

/** The announcement of a phase that has just begun. */
export function phaseAnnouncement(phase, state, workout) {
  const words = phaseWords(phase, workout);
  const bout = phase.bout && phase.kind === engine.KIND.BACKWARD ? ` Bout ${phase.bout} of ${state.bouts}.` : "";
  return `${words.title}: ${words.instruction}, ${durationText(phase.durationS)}.${bout}`;
}

export function boutsText(state) {
  return state.currentBout ? `Bout ${state.currentBout} of ${state.bouts}` : `${state.boutsDone} of ${state.bouts} bouts done`;
}

export function nextText(state, workout) {
  return state.next ? `Next: ${phaseWords(state.next, workout).title}, ${durationText(state.next.durationS)}` : "Next: finish";
}

export function clockText(seconds) {
  const whole = Math.max(0, Math.ceil(seconds - 1e-6)); // 2.4 s left reads "0:03", as a countdown does
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = String(whole % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

export function durationText(seconds) {
  if (seconds < 60) return `${seconds} seconds`;
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  const minutes = `${m} minute${m === 1 ? "" : "s"}`;
  return s ? `${minutes} ${s} seconds` : minutes;
}

/** One line for the end screen, from engine.summary(). */
export function summaryText(result) {
  const time = clockText(result.durationS);
  const bouts = result.bouts ? `${result.bouts} × ${result.backwardS} s backwards` : "no backward bout finished";
  return `${time} of exercise, ${bouts}.`;
}

/** What the log will know about the place ("I'm going" on the advice page), or null: nothing. */
export function contextText(context) {
  const where = context.venue_name || context.place;
  if (!where && !context.lat) return null;
  const what = context.lat ? "the place and the weather" : "the place";
  return where ? `For ${where}: the log will have ${what}.` : `From the advice page: the log will have ${what}.`;
}
