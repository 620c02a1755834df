// What the phone does besides beeping: vibrate, speak, keep the screen on. Each is an extra that
// some browsers lack (Safari can't vibrate; Wake Lock can be refused on low battery), so each
// fails quietly: the beeps and the big countdown still work.

const VIBRATION = Object.freeze({
  "turn-around": [150, 80, 150, 80, 300],
  phase: [400],
  countdown: [60],
  finish: [600, 150, 600],
});

export function vibrate(kind) {
  if (typeof navigator.vibrate !== "function") return false;
  try {
    return navigator.vibrate(VIBRATION[kind] || VIBRATION.phase);
  } catch {
    return false;
  }
}

export const speech = {
  get available() {
    return "speechSynthesis" in globalThis && typeof globalThis.SpeechSynthesisUtterance === "function";
  },
  say(text) {
    if (!this.available) return;
    speechSynthesis.cancel(); // a late cue must not queue up behind an earlier one
    const utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = document.documentElement.lang || "en";
    speechSynthesis.speak(utterance);
  },
};

// The screen stays on while a workout runs. The browser drops the lock whenever the page is
// hidden, so it is asked for again each time the page is shown.
export class ScreenLock {
  #lock = null;
  #wanted = false;

  constructor() {
    document.addEventListener("visibilitychange", () => {
      if (this.#wanted && document.visibilityState === "visible") this.#request();
    });
  }

  get held() {
    return Boolean(this.#lock && !this.#lock.released);
  }

  keepOn() {
    this.#wanted = true;
    return this.#request();
  }

  release() {
    this.#wanted = false;
    const lock = this.#lock;
    this.#lock = null;
    return lock?.release().catch(() => undefined);
  }

  async #request() {
    if (!("wakeLock" in navigator) || this.held || document.visibilityState !== "visible") return;
    try {
      const lock = await navigator.wakeLock.request("screen");
      if (this.#wanted) this.#lock = lock;
      else lock.release().catch(() => undefined); // the workout ended while the lock was on its way
    } catch {
      this.#lock = null; // refused (battery saver, not allowed here): nothing to do about it
    }
  }
}
