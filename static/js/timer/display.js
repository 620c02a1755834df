// What the runner sees while a workout runs: the phase, the big countdown, bouts, what comes next,
// and the announcements a screen reader speaks. Everything is drawn from an engine.snapshot(); the
// display keeps only which phase it last showed (and a log of when, for the browser tests).

import * as engine from "./engine.js";
import { boutsText, clockText, nextText, phaseAnnouncement, phaseWords } from "./words.js";

export class Display {
  /** `ui`: the page's elements by role (see ui.js). */
  constructor(root, ui) {
    this.root = root;
    this.ui = ui;
    this.phases = []; // {index, kind, bout, atS, expectedAt, shownAt}
    this.shownPhase = null;
  }

  /** A new run: the run screen instead of the form or the end screen, no phase shown yet. */
  open() {
    this.phases = [];
    this.shownPhase = null;
    this.ui.setup.hidden = true;
    this.ui.done.hidden = true;
    this.ui.run.hidden = false;
  }

  /** `soundOff`: the audio could play but doesn't (after a reload, until a tap turns it on). */
  render(run, state, now, { soundOff }) {
    const { ui, root } = this;
    const { phase } = state;
    if (phase) {
      const words = phaseWords(phase, run.workout);
      setText(ui.phase, words.title);
      setText(ui.instruction, state.status === "paused" ? "Paused" : words.instruction);
      root.dataset.phase = phase.kind;
      if (this.shownPhase !== phase.index) this.#showNewPhase(run, phase, state, now);
    }
    root.dataset.status = state.status;
    // The header and footer step aside while a workout is under way: the clock gets the screen.
    document.body.classList.toggle("in-workout", state.status === "running" || state.status === "paused");
    setText(ui.remaining, clockText(state.remainingS));
    setText(ui.bouts, boutsText(state));
    ui.progress.max = state.totalS;
    ui.progress.value = state.positionS;
    setText(ui.next, nextText(state, run.workout));
    setText(ui.total, `${clockText(state.totalRemainingS)} left in all`);
    setText(ui.pause, state.status === "paused" ? "Resume" : "Pause");
    ui.soundOff.hidden = !soundOff;
  }

  /** The run is over: the run screen goes, the header and footer come back. */
  close() {
    this.ui.run.hidden = true;
    document.body.classList.remove("in-workout");
  }

  /** Back to the form: no phase or status left on the page. */
  reset() {
    delete this.root.dataset.phase;
    delete this.root.dataset.status;
  }

  announce(text) {
    this.ui.announce.textContent = text;
  }

  #showNewPhase(run, phase, state, now) {
    this.shownPhase = phase.index;
    this.phases.push({ index: phase.index, kind: phase.kind, bout: phase.bout, atS: phase.startS,
      expectedAt: engine.timeOfPosition(run, phase.startS), shownAt: now });
    this.announce(phaseAnnouncement(phase, state, run.workout));
    // A brief flash that the phase changed (none with reduced motion: see app.css).
    this.ui.run.classList.remove("phase-changed");
    void this.ui.run.offsetWidth;
    this.ui.run.classList.add("phase-changed");
  }
}

function setText(element, text) {
  if (element.textContent !== text) element.textContent = text;
}
