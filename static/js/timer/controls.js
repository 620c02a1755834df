// The buttons under the countdown: Pause/Resume, Skip, Stop, and "Turn the sound on" after a reload.
// Stop ends the workout: with cold hands it is easy to hit, so it asks for a second tap.
// Tested with Node and stand-in buttons (tests/js/timer-controls.test.js).

export const STOP_ARMED_MS = 4000; // the first tap on Stop is forgotten after this long

/** `actions`: {pause, skip, stop, sound}, each called on its button's (confirmed) tap. */
export function wireControls(ui, actions, announce) {
  ui.pause.addEventListener("click", () => actions.pause());
  ui.skip.addEventListener("click", () => actions.skip());
  twoTapStop(ui.stop, () => actions.stop(), announce);
  ui.sound.addEventListener("click", () => actions.sound());
}

export function twoTapStop(button, stop, announce) {
  let armed = null;
  function disarm() {
    clearTimeout(armed);
    armed = null;
    button.textContent = "Stop";
    button.classList.remove("armed");
  }
  button.addEventListener("click", () => {
    if (!armed) {
      button.textContent = "Tap again to stop";
      button.classList.add("armed");
      announce("Tap Stop again to end the workout.");
      armed = setTimeout(disarm, STOP_ARMED_MS);
      return;
    }
    disarm();
    stop();
  });
}
