// Beeps on the Web Audio clock. Each cue is a few oscillator tones whose start times are handed to
// the audio thread in advance, so they sound on time even when the page's own timers are
// throttled (hidden tab, locked screen). Timers of the page only top up the schedule.

// [frequency Hz, start offset s, length s] per tone. Turning around is the one cue that must never
// be missed or mistaken: a rising triple, unlike any other.
const SOUNDS = Object.freeze({
  "turn-around": [[880, 0, 0.12], [1175, 0.16, 0.12], [1568, 0.32, 0.22]],
  phase: [[660, 0, 0.4]],
  countdown: [[988, 0, 0.08]],
  finish: [[784, 0, 0.2], [1047, 0.25, 0.6]],
});
const VOLUME = 0.35;
const RAMP_S = 0.01; // fade in and out: a hard edge clicks

export class CuePlayer {
  constructor(clock = () => Date.now()) {
    this.clock = clock;
    this.context = null;
  }

  get available() {
    return Boolean(globalThis.AudioContext || globalThis.webkitAudioContext);
  }

  get running() {
    return this.context?.state === "running";
  }

  /**
   * Call from inside the tap that starts the workout: browsers only let audio start from a user
   * gesture. Resolves once the audio clock runs (or after `waitMs`, so a broken device can't
   * hold the workout up: the cues then come as vibration and on screen).
   */
  unlock(waitMs = 500) {
    if (!this.available) return Promise.resolve(false);
    const AudioContextClass = globalThis.AudioContext || globalThis.webkitAudioContext;
    try {
      this.context ||= new AudioContextClass({ latencyHint: "interactive" });
    } catch {
      return Promise.resolve(false); // too many contexts, or no audio device: no beeps this time
    }
    // iOS 16.4+: play through the silent switch, like a workout app.
    if (navigator.audioSession) navigator.audioSession.type = "playback";
    const resumed = this.context.resume().catch(() => undefined);
    // A silent sample inside the gesture: older iOS versions unlock only once something plays.
    const silence = this.context.createBufferSource();
    silence.buffer = this.context.createBuffer(1, 1, this.context.sampleRate);
    silence.connect(this.context.destination);
    silence.start(0);
    const timeout = new Promise((resolve) => setTimeout(resolve, waitMs));
    return Promise.race([resumed, timeout]).then(() => this.running);
  }

  /** Milliseconds to add to the audio clock to read the page's clock (changes if either drifts). */
  offsetMs() {
    return this.clock() - this.context.currentTime * 1000;
  }

  /**
   * Schedule the sound of `kind` at `atMs` (page clock). `onSounded(firedAtMs)` is called when the
   * first tone has played, with the time the audio clock played it, read back on the page clock.
   * Returns a handle whose cancel() silences whatever hasn't played yet.
   */
  schedule(kind, atMs, onSounded) {
    if (!this.running) return null;
    const ctx = this.context;
    const start = Math.max(ctx.currentTime, ctx.currentTime + (atMs - this.clock()) / 1000);
    const tones = (SOUNDS[kind] || SOUNDS.phase).map(([frequency, offset, length]) => this.#tone(frequency, start + offset, length));
    let cancelled = false;
    tones[0].oscillator.addEventListener("ended", () => {
      if (cancelled || !onSounded) return;
      onSounded(this.clock() - (ctx.currentTime - start) * 1000);
    });
    return {
      startsAt: start,
      cancel() {
        cancelled = true;
        for (const { oscillator, gain } of tones) {
          try {
            oscillator.stop(0); // before its start time: it never sounds
          } catch {
            // already stopped
          }
          gain.disconnect();
        }
      },
    };
  }

  #tone(frequency, at, length) {
    const ctx = this.context;
    const oscillator = ctx.createOscillator();
    const gain = ctx.createGain();
    oscillator.type = "sine";
    oscillator.frequency.value = frequency;
    gain.gain.setValueAtTime(0, at);
    gain.gain.linearRampToValueAtTime(VOLUME, at + RAMP_S);
    gain.gain.setValueAtTime(VOLUME, at + length - RAMP_S);
    gain.gain.linearRampToValueAtTime(0, at + length);
    oscillator.connect(gain).connect(ctx.destination);
    oscillator.start(at);
    oscillator.stop(at + length);
    return { oscillator, gain };
  }
}
