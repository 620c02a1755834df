// The interval timer's logic, with no DOM, no audio and no clock of its own: plain data in and out,
// so Node's test runner can drive it with a fake clock (tests/js/timer-engine.test.js).
//
// Time is never counted in ticks. A run is a handful of timestamps (when it started, how long it
// was paused, which stretches were skipped) and everything else (phase, time left, cues) is
// computed from them and "now". A page that was hidden, throttled or frozen for minutes simply
// asks again with the current time and gets the right answer.

export const KIND = Object.freeze({
  WARM_UP: "warm-up",
  BACKWARD: "backward",
  RECOVERY: "recovery",
  COOL_DOWN: "cool-down",
});

export const CUE = Object.freeze({
  PHASE: "phase", // a new phase that isn't backwards (warm-up, recovery, cool-down)
  TURN_AROUND: "turn-around", // a switch to running backwards: its own, distinct sound
  COUNTDOWN: "countdown", // each of the last 3 seconds of a phase
  FINISH: "finish",
});

export const COUNTDOWN_S = 3;
export const RECOVERY_MODES = Object.freeze(["walk", "jog"]);

// Generous limits: the log accepts up to 500 bouts and 12 hours.
const LIMITS = Object.freeze({
  warmUpS: [0, 3600],
  bouts: [1, 500],
  backwardS: [1, 3600],
  recoveryS: [0, 3600],
  coolDownS: [0, 3600],
});

/** A workout with every field present, whole seconds, within limits; throws RangeError otherwise. */
export function normaliseWorkout(input) {
  const workout = {};
  for (const [name, [min, max]] of Object.entries(LIMITS)) {
    const value = Number(input?.[name] ?? (name === "bouts" || name === "backwardS" ? NaN : 0));
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new RangeError(`${name} must be a whole number from ${min} to ${max}`);
    }
    workout[name] = value;
  }
  workout.recoveryMode = RECOVERY_MODES.includes(input?.recoveryMode) ? input.recoveryMode : "walk";
  return workout;
}

/**
 * The phases in order, each with its start and end in seconds from the start of the workout.
 * Recovery comes only between bouts (as the log counts it); empty phases are left out.
 */
export function buildSchedule(workoutInput) {
  const workout = normaliseWorkout(workoutInput);
  const phases = [];
  let at = 0;
  const add = (kind, durationS, bout = null) => {
    if (durationS <= 0) return;
    phases.push({ index: phases.length, kind, bout, startS: at, endS: at + durationS, durationS });
    at += durationS;
  };
  add(KIND.WARM_UP, workout.warmUpS);
  for (let bout = 1; bout <= workout.bouts; bout += 1) {
    add(KIND.BACKWARD, workout.backwardS, bout);
    if (bout < workout.bouts) add(KIND.RECOVERY, workout.recoveryS, bout);
  }
  add(KIND.COOL_DOWN, workout.coolDownS);
  return { workout, phases, totalS: at };
}

/** Every cue of a workout, in order, at its second from the start. */
export function cueSchedule(schedule) {
  const cues = [];
  for (const phase of schedule.phases) {
    cues.push({ kind: phase.kind === KIND.BACKWARD ? CUE.TURN_AROUND : CUE.PHASE, atS: phase.startS, phaseIndex: phase.index });
    for (let left = COUNTDOWN_S; left >= 1; left -= 1) {
      // Never on top of the phase's own start cue (a 3-second phase gets two ticks, not three).
      if (phase.endS - left > phase.startS) cues.push({ kind: CUE.COUNTDOWN, atS: phase.endS - left, phaseIndex: phase.index });
    }
  }
  cues.push({ kind: CUE.FINISH, atS: schedule.totalS, phaseIndex: null });
  return cues.map((cue, index) => ({ id: index, ...cue }));
}

// --- a run: timestamps in, state out ---------------------------------------------------------
// All times are milliseconds on one clock (the UI uses Date.now(), which keeps counting while a
// phone sleeps); a run is plain JSON, so the page can keep it in sessionStorage across a reload.

/** A run that hasn't started. */
export function createRun(workout) {
  return { workout: normaliseWorkout(workout), startedAt: null, pausedAt: null, pausedMs: 0, skips: [], stoppedAt: null };
}

export function start(run, now) {
  if (run.startedAt !== null) return run;
  return { ...run, startedAt: now };
}

export function pause(run, now) {
  if (status(run, now) !== "running") return run;
  return { ...run, pausedAt: now };
}

export function resume(run, now) {
  if (status(run, now) !== "paused") return run;
  return { ...run, pausedAt: null, pausedMs: run.pausedMs + (now - run.pausedAt) };
}

/** Jump to the end of the current phase (the next phase starts at once, with its cue). */
export function skip(run, now) {
  const state = snapshot(run, now);
  if (state.status !== "running" && state.status !== "paused") return run;
  return { ...run, skips: [...run.skips, { fromS: state.positionS, toS: state.phase.endS }] };
}

export function stop(run, now) {
  const current = status(run, now);
  if (current !== "running" && current !== "paused") return run;
  const resumed = current === "paused" ? resume(run, now) : run;
  return { ...resumed, stoppedAt: now };
}

function skippedS(run) {
  return run.skips.reduce((sum, s) => sum + (s.toS - s.fromS), 0);
}

// Where in the schedule the run is, unclamped: seconds of workout time, skipped stretches included.
function rawPositionS(run, now) {
  if (run.startedAt === null) return 0;
  const until = run.stoppedAt ?? run.pausedAt ?? now;
  return (until - run.startedAt - run.pausedMs) / 1000 + skippedS(run);
}

/** "ready" | "running" | "paused" | "done" (ran to the end) | "stopped" (ended early). */
export function status(run, now) {
  if (run.startedAt === null) return "ready";
  if (run.stoppedAt !== null) return "stopped";
  const { totalS } = buildSchedule(run.workout);
  if (rawPositionS(run, now) >= totalS) return "done";
  return run.pausedAt !== null ? "paused" : "running";
}

/** Everything the page shows, computed afresh from the run and the clock. */
export function snapshot(run, now) {
  const schedule = buildSchedule(run.workout);
  const { phases, totalS } = schedule;
  const runStatus = status(run, now);
  const positionS = Math.min(Math.max(rawPositionS(run, now), 0), totalS);
  const finished = runStatus === "done" || runStatus === "stopped";
  const index = finished ? -1 : phases.findIndex((p) => positionS >= p.startS && positionS < p.endS);
  const phase = index >= 0 ? phases[index] : null;
  return {
    status: runStatus,
    positionS,
    totalS,
    phase,
    next: phase ? (phases[index + 1] ?? null) : null,
    remainingS: phase ? phase.endS - positionS : 0,
    totalRemainingS: finished ? 0 : totalS - positionS,
    bouts: run.workout.bouts,
    boutsDone: phases.filter((p) => p.kind === KIND.BACKWARD && p.endS <= positionS).length,
    currentBout: phase?.kind === KIND.BACKWARD ? phase.bout : null,
    activeS: positionS - skippedS(run),
  };
}

/** The wall-clock time of a position in the schedule, if the run goes on without pause or skip. */
export function timeOfPosition(run, positionS) {
  return run.startedAt + run.pausedMs + (positionS - skippedS(run)) * 1000;
}

/**
 * The cues still to come while running, with the time each is due (`at`, ms), up to `horizonS`
 * ahead, and those due in the last `graceS` (the first cue is due at the very instant of the tap,
 * a moment before the page asks). A cue exactly at the current position is included: after a skip
 * the new phase's cue sounds at once. Paused or finished runs have none (a skip straight to the
 * end is the page's to announce: the run is already "done" when it asks).
 */
export function upcomingCues(run, now, horizonS = Infinity, graceS = 0) {
  const state = snapshot(run, now);
  if (state.status !== "running") return [];
  return cueSchedule(buildSchedule(run.workout))
    .filter((cue) => cue.atS >= state.positionS - graceS && cue.atS <= state.positionS + horizonS)
    .map((cue) => ({ ...cue, at: timeOfPosition(run, cue.atS) }));
}

/** When the run ended (ms): when it was stopped, or when it reached the end of the schedule. */
export function endedAt(run, now) {
  const runStatus = status(run, now);
  if (runStatus === "stopped") return run.stoppedAt;
  if (runStatus === "done") return timeOfPosition(run, buildSchedule(run.workout).totalS);
  return null;
}

// Seconds of `phase` actually run: up to where the run got, minus whatever was skipped.
function secondsRun(phase, positionS, skips) {
  const overlap = (a, b) => Math.max(0, Math.min(phase.endS, b) - Math.max(phase.startS, a));
  return overlap(0, positionS) - skips.reduce((sum, s) => sum + overlap(s.fromS, s.toS), 0);
}

/**
 * What goes into the log: the real active time (pauses and skipped stretches left out), and the
 * bouts that were run. A bout counts when at least half of it was run; never more bouts than the
 * time can hold, so the log always accepts the entry.
 */
export function summary(run, now) {
  const state = snapshot(run, now);
  const { phases } = buildSchedule(run.workout);
  const durationS = Math.max(1, Math.round(state.activeS));
  const boutsRun = phases.filter((p) => p.kind === KIND.BACKWARD && secondsRun(p, state.positionS, run.skips) >= p.durationS / 2).length;
  const bouts = Math.min(boutsRun, Math.floor(durationS / run.workout.backwardS));
  return {
    startedAt: run.startedAt,
    endedAt: endedAt(run, now),
    durationS,
    bouts,
    backwardS: run.workout.backwardS,
    recoveryS: run.workout.recoveryS,
    completed: state.status === "done",
  };
}
