// What the timer keeps in the browser: the run under way (sessionStorage, so a reload or a
// discarded tab picks it up again), the last run's cue log, and whether cues are spoken
// (localStorage: off unless asked for). No DOM: tested with Node (tests/js/timer-store.test.js).
//
// Storage can throw (private modes, full, blocked): the timer works without it.

import * as engine from "./engine.js";

export const RUN_KEY = "backrun.timer.run";
export const LAST_CUES_KEY = "backrun.timer.lastCues";
export const SPEAK_KEY = "backrun.timer.speak";

/** The storages are passed as functions: merely reading `sessionStorage` can throw. */
export function timerStore(session = () => globalThis.sessionStorage, local = () => globalThis.localStorage) {
  const forgetRun = () => stored(() => session().removeItem(RUN_KEY));
  return {
    saveRun(run, context) {
      stored(() => session().setItem(RUN_KEY, JSON.stringify({ run, context })));
    },
    forgetRun,
    /** The kept {run, context} if that run is still going (running or paused) at `now`, else null. */
    resumable(now) {
      const kept = stored(() => JSON.parse(session().getItem(RUN_KEY) || "null"));
      const status = kept?.run ? engine.status(kept.run, now) : null;
      if (status !== "running" && status !== "paused") {
        forgetRun();
        return null;
      }
      return kept;
    },
    keepCues(cues) {
      stored(() => session().setItem(LAST_CUES_KEY, JSON.stringify(cues))); // the cue log outlives the page
    },
    get speak() {
      return stored(() => local().getItem(SPEAK_KEY)) === "on";
    },
    set speak(on) {
      stored(() => local().setItem(SPEAK_KEY, on ? "on" : "off"));
    },
  };
}

function stored(access) {
  try {
    return access();
  } catch {
    return null;
  }
}
