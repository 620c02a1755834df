// The end of a workout: what was run, and the way to the log form, pre-filled (log-link.js). A
// signed-in runner is taken there after a moment unless they tap "Stay here".

import { logOffer } from "./log-link.js";
import { summaryText } from "./words.js";

export const AUTO_LOG_DELAY_MS = 3000;

export class DoneScreen {
  /** `again()`: the runner wants another workout (the form is shown again by the caller). */
  constructor(root, ui, { announce, again }) {
    this.root = root;
    this.ui = ui;
    this.announce = announce;
    this.signedIn = root.dataset.signedIn === "true";
    this.autoLog = null;
    ui.stay.addEventListener("click", () => {
      clearTimeout(this.autoLog);
      ui.stay.hidden = true;
      ui.logHint.textContent = "Log it whenever you like with the button above.";
    });
    ui.again.addEventListener("click", () => {
      clearTimeout(this.autoLog);
      ui.done.hidden = true;
      again();
    });
  }

  /** `result`: engine.summary() of the run; `context`: the advice it came from (log-link.js). */
  show(state, result, context) {
    const { ui, root, signedIn } = this;
    const offer = logOffer(result, context, { signedIn, logPath: root.dataset.logUrl, loginPath: root.dataset.loginUrl });
    ui.log.href = offer.href;
    ui.log.textContent = offer.label;
    ui.doneHeading.textContent = state.status === "done" ? "Done: well run" : "Stopped";
    ui.doneSummary.textContent = summaryText(result);
    ui.done.hidden = false;
    ui.doneHeading.focus();
    if (offer.opens) {
      ui.logHint.textContent = "Opening the log form: add how hard it felt and anything sore.";
      ui.stay.hidden = false;
      this.autoLog = setTimeout(() => location.assign(offer.opens), AUTO_LOG_DELAY_MS);
    } else {
      ui.logHint.textContent = "Signing in keeps the session in your log; the timer itself works without an account.";
    }
    this.announce(`${ui.doneHeading.textContent}. ${ui.doneSummary.textContent} ${ui.logHint.textContent}`);
  }
}
