// The installed app: registers the service worker (/sw.js), offers a new version when one is
// waiting ("Update available", one tap reloads into it) and offers installing: the browser's
// prompt where it has one, the Share > Add to Home Screen steps on iOS Safari.

const updateBox = document.getElementById("update-available");
const updateButton = document.getElementById("update-now");
let waitingWorker = null;
let reloadForUpdate = false;

function offerUpdate(worker) {
  waitingWorker = worker;
  if (updateBox) updateBox.hidden = false;
}

async function registerWorker() {
  // A module worker: it shares outbox.js with the page. updateViaCache "none": a deploy is seen
  // at once, whatever the HTTP cache holds.
  const registration = await navigator.serviceWorker.register("/sw.js", { type: "module", scope: "/", updateViaCache: "none" });
  if (registration.waiting && navigator.serviceWorker.controller) offerUpdate(registration.waiting);
  registration.addEventListener("updatefound", () => {
    const worker = registration.installing;
    worker?.addEventListener("statechange", () => {
      // With no controller this is the first install, not an update: nothing to offer.
      if (worker.state === "installed" && navigator.serviceWorker.controller) offerUpdate(worker);
    });
  });
  return registration;
}

if ("serviceWorker" in navigator) {
  updateButton?.addEventListener("click", () => {
    if (!waitingWorker) return;
    reloadForUpdate = true;
    updateButton.disabled = true;
    waitingWorker.postMessage({ type: "SKIP_WAITING" });
  });
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (reloadForUpdate) window.location.reload(); // the first install's claim() must not reload
  });
  // After the page has loaded: the worker's downloads must not compete with the first paint.
  const loaded = document.readyState === "complete"
    ? Promise.resolve()
    : new Promise((resolve) => window.addEventListener("load", resolve, { once: true }));
  const registration = loaded.then(registerWorker).catch((error) => {
    console.warn("Backrun works online only here: the service worker could not be registered.", error);
    return null;
  });
  const checkForUpdate = async () => {
    const current = await registration;
    if (current && navigator.onLine) await current.update().catch(() => undefined);
  };
  // An installed app stays open for days: look for a new version when it is shown again.
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") checkForUpdate();
  });
  window.backrun = Object.assign(window.backrun || {}, { checkForUpdate });
  // htmx swapped a fragment in and pushed its URL: reloading that URL offline needs the full page.
  document.body.addEventListener("htmx:pushedIntoHistory", (event) => {
    navigator.serviceWorker.controller?.postMessage({ type: "KEEP_PAGE", url: event.detail.path });
  });
}

// --- installing ------------------------------------------------------------------------------

const installBox = document.getElementById("install");
const installButton = document.getElementById("install-button");
let installPrompt = null;

// The invitation: from the second visit (a new tab or app start counts as a visit), once until
// "Not now", which keeps it away for a month.
const invite = document.getElementById("install-invite");
const inviteYes = document.getElementById("install-invite-yes");
const VISITS_KEY = "backrun-visits";
const DISMISSED_KEY = "backrun-install-dismissed";
const MONTH_MS = 30 * 24 * 3600 * 1000;

function remember(action) {
  try { return action(); } catch { return null; } // storage off (private mode): no invitation
}

const visits = remember(() => {
  let count = Number(localStorage.getItem(VISITS_KEY)) || 0;
  if (!sessionStorage.getItem(VISITS_KEY)) {
    sessionStorage.setItem(VISITS_KEY, "1");
    count += 1;
    localStorage.setItem(VISITS_KEY, String(count));
  }
  return count;
}) || 0;

function offerInvitation(how) {
  const dismissed = Number(remember(() => localStorage.getItem(DISMISSED_KEY))) || 0;
  if (!invite || visits < 2 || Date.now() - dismissed < MONTH_MS) return;
  if (how === "prompt" && inviteYes) inviteYes.hidden = false;
  if (how === "ios") document.getElementById("install-invite-ios").hidden = false;
  invite.hidden = false;
}

document.getElementById("install-invite-no")?.addEventListener("click", () => {
  remember(() => localStorage.setItem(DISMISSED_KEY, String(Date.now())));
  invite.hidden = true;
});

window.addEventListener("beforeinstallprompt", (event) => {
  event.preventDefault(); // our own button, in the footer, instead of the browser's banner
  installPrompt = event;
  if (installBox) installBox.hidden = false;
  offerInvitation("prompt");
});

inviteYes?.addEventListener("click", async () => {
  invite.hidden = true;
  installButton?.click();
});

installButton?.addEventListener("click", async () => {
  if (!installPrompt) return;
  installPrompt.prompt();
  await installPrompt.userChoice.catch(() => null);
  installPrompt = null;
  installBox.hidden = true;
});

window.addEventListener("appinstalled", () => {
  installPrompt = null;
  if (installBox) installBox.hidden = true;
  if (invite) invite.hidden = true;
});

// iOS has no prompt: say how, in Safari, when Backrun isn't installed yet.
const userAgent = navigator.userAgent;
const onIos = /iPad|iPhone|iPod/.test(userAgent) || (userAgent.includes("Macintosh") && navigator.maxTouchPoints > 1);
const installed = window.matchMedia("(display-mode: standalone)").matches || navigator.standalone === true;
if (onIos && !installed && !/CriOS|FxiOS|EdgiOS/.test(userAgent)) {
  const steps = document.getElementById("install-ios");
  if (steps) steps.hidden = false;
  offerInvitation("ios");
}
