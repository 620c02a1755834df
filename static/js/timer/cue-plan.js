// The cues of a run, planned: beeps handed to the audio clock up to ten minutes ahead, and each cue
// "felt" (vibration, speech) once it is due. No DOM: the player is anything with CuePlayer's
// running / offsetMs() / schedule(); tested with Node and a fake player (tests/js/timer-cue-plan.test.js).
//
// The plan is redone from the run as it is now whenever the run changes (pause, resume, skip,
// stop), the page comes back, or the audio clock and the page's clock drift apart.

import * as engine from "./engine.js";

// Beeps this far ahead are already with the audio clock: longer than Chrome's once-a-minute timers
// in a long-hidden page, short enough that the two clocks can't drift apart meanwhile.
export const HORIZON_S = 600;
export const GRACE_S = 0.5; // a cue due this recently still sounds (at once) if it hasn't yet: the first one
export const REPLAN_DRIFT_MS = 40; // the audio clock and the page's clock drifted apart: schedule again
export const STALE_FEEDBACK_MS = 2000; // vibration or speech this late (the page was hidden) is left out

export class CuePlan {
  /** `feel(entry)` vibrates / speaks a cue that has just come due. */
  constructor({ player, clock, feel }) {
    this.player = player;
    this.clock = clock;
    this.feel = feel;
    this.log = []; // {id, kind, atS, phaseIndex, scheduledAt, firedAt, feltAt, cancelled}
    this.sounds = new Map(); // log entry -> audio handle, for the cues still to come
    this.plannedOffsetMs = null;
  }

  /** A new run: an empty log (beeps of the last one are cancelled by the next replan). */
  clear() {
    this.log = [];
  }

  /** Forget the beeps still to come and schedule them again from the run as it is now. */
  replan(run) {
    const now = this.clock();
    for (const [entry, handle] of this.sounds) {
      if (entry.scheduledAt > now) {
        handle?.cancel();
        entry.cancelled = true;
      }
      this.sounds.delete(entry);
    }
    this.plannedOffsetMs = this.player.running ? this.player.offsetMs() : null;
    this.topUp(run, now);
  }

  /** While running: add the cues that came into the horizon, or replan if the clocks drifted. */
  keepUp(run, now) {
    const { player, plannedOffsetMs } = this;
    // offsetMs() reads the audio clock: only asked while that clock runs.
    if (player.running && (plannedOffsetMs === null || Math.abs(player.offsetMs() - plannedOffsetMs) > REPLAN_DRIFT_MS)) {
      this.replan(run);
    } else {
      this.topUp(run, now);
    }
  }

  topUp(run, now) {
    if (!run) return;
    const pending = new Set(this.log.filter((e) => !e.cancelled).map((e) => e.id));
    for (const cue of engine.upcomingCues(run, now, HORIZON_S, GRACE_S)) {
      if (!pending.has(cue.id)) this.add(cue, cue.at);
    }
  }

  /** Plan one cue at `at` (ms, page clock): its beep now, its vibration and speech when due. */
  add(cue, at) {
    const entry = { id: cue.id, kind: cue.kind, atS: cue.atS, phaseIndex: cue.phaseIndex, scheduledAt: at,
      firedAt: null, feltAt: null, cancelled: false };
    this.log.push(entry);
    this.sounds.set(entry, this.player.schedule(cue.kind, at, (firedAt) => { entry.firedAt = firedAt; }));
    return entry;
  }

  /** Vibrate / speak the cues that came due since the last call; leave out those long gone. */
  feelDue(now) {
    for (const entry of this.log) {
      if (entry.cancelled || entry.feltAt !== null || entry.scheduledAt > now) continue;
      entry.feltAt = now;
      this.sounds.delete(entry); // played (or playing): nothing left to cancel
      if (now - entry.scheduledAt > STALE_FEEDBACK_MS) continue;
      this.feel(entry);
    }
  }

  /** A run skipped straight to the end never planned its finish cue: it sounds now. */
  finish(state, now) {
    if (state.status !== "done" || this.log.some((e) => e.kind === engine.CUE.FINISH && !e.cancelled)) return;
    this.add({ id: -1, kind: engine.CUE.FINISH, atS: state.totalS, phaseIndex: null }, now);
    this.feelDue(now);
  }
}
