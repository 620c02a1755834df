// Logging with no signal. The log form saves into the outbox (outbox.js) when the phone is
// offline or the runner's sign-in has expired; every page says how many sessions are waiting and
// sends them when the app starts, when it comes back online, when it is shown again and every
// minute (and, in Chromium, by Background Sync through the service worker).
// Tests call window.backrun.flushOutbox() instead of waiting for any of those.

import { SYNC_TAG, allEntries, discardEntry, flushOutbox, queueForm, whoIsSignedIn } from "./outbox.js";

const RETRY_EVERY_MS = 60_000;
const runner = document.querySelector('meta[name="backrun-runner"]')?.content || null;
const form = document.querySelector("form[data-offline-log]");
const ui = Object.fromEntries(["status", "count", "noun", "why", "send", "sign-in", "refused"]
  .map((name) => [name, document.getElementById(`outbox-${name}`)]));
let lastReport = null;

// --- what is waiting -------------------------------------------------------------------------

async function showOutbox() {
  if (!ui.status) return;
  const entries = await allEntries().catch(() => []); // no IndexedDB (some private modes): nothing kept
  const waiting = entries.filter((entry) => entry.state === "waiting");
  const refused = entries.filter((entry) => entry.state !== "waiting");
  ui.status.hidden = entries.length === 0;
  ui.count.textContent = String(waiting.length);
  ui.noun.textContent = waiting.length === 1 ? "session" : "sessions";
  ui.why.textContent = waiting.length ? why(lastReport) : "";
  ui["sign-in"].hidden = !(waiting.length && lastReport?.signIn);
  ui["sign-in"].href = `/login?next=${encodeURIComponent(location.pathname + location.search)}`;
  ui.send.hidden = !waiting.length || Boolean(lastReport?.signIn);
  ui.refused.replaceChildren(...refused.map(refusedItem));
}

function why(report) {
  if (report?.signIn) return "Your sign-in has expired: sign in again and they will be sent.";
  if (report?.otherRunner) return "Some were logged by another account: sign in as that runner to send them.";
  if (!navigator.onLine || report?.offline) return "They will be sent when you’re back online.";
  if (report?.failed) return "Backrun couldn’t take them all just now; it tries again every minute.";
  return "";
}

function refusedItem(entry) {
  const fields = Object.fromEntries(entry.fields);
  const item = document.createElement("li");
  const text = document.createElement("p");
  text.textContent = `Not accepted: the session of ${(fields.started_local || entry.queuedAt).replace("T", " ")}. ${entry.problem || ""}`;
  const discard = Object.assign(document.createElement("button"), { type: "button", className: "button small danger",
    textContent: "Discard it" });
  discard.addEventListener("click", async () => {
    if (!window.confirm("Discard this session? It hasn’t been saved in your log.")) return;
    await discardEntry(entry.id);
    await showOutbox();
    ui.status.focus?.();
  });
  item.append(text, discard);
  return item;
}

async function flush() {
  lastReport = await flushOutbox().catch(() => null);
  await showOutbox();
  return lastReport;
}

// --- the log form ----------------------------------------------------------------------------

function localNow() {
  const now = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}T${pad(now.getHours())}:${pad(now.getMinutes())}`;
}

// A page kept offline carries the id and time it was made with: every entry gets its own id,
// and an untouched start is now.
function freshEntry() {
  if (globalThis.crypto?.randomUUID) form.elements.id.value = crypto.randomUUID();
  const start = form.elements.started_local;
  if (start && start.value === start.defaultValue) {
    start.value = localNow();
    start.defaultValue = start.value;
  }
}

function saidSaved(message) {
  const note = document.getElementById("saved-offline");
  note.textContent = message;
  note.focus();
}

async function keepOnThisPhone(signedOut) {
  let entry;
  try {
    entry = await queueForm(new FormData(form), form.getAttribute("action"), runner);
  } catch {
    // This browser can't keep it (no IndexedDB): send it the normal way, whatever happens.
    HTMLFormElement.prototype.submit.call(form);
    return null;
  }
  navigator.storage?.persist?.().catch(() => undefined); // ask the browser not to evict it
  navigator.serviceWorker?.getRegistration().then((registration) => registration?.sync?.register(SYNC_TAG))
    .catch(() => undefined);
  form.reset();
  freshEntry();
  const at = new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  saidSaved(signedOut
    ? `Saved on this phone at ${at}. Sign in again to send it to your log.`
    : `Saved on this phone at ${at}. It will be sent to your log when you’re back online. You can log another one.`);
  lastReport = signedOut ? { signIn: true } : { offline: true };
  await showOutbox();
  return entry;
}

async function submit(event) {
  event.preventDefault();
  const button = event.submitter;
  if (button) button.disabled = true;
  try {
    if (navigator.onLine) {
      const who = await whoIsSignedIn();
      if (who?.signed_in) {
        // The normal way (the server answers with the session or the form's mistakes), with a
        // CSRF token valid now: a page kept offline carries an old one.
        form.elements.csrf_token.value = who.csrf_token;
        HTMLFormElement.prototype.submit.call(form);
        return;
      }
      if (who) {
        await keepOnThisPhone(true);
        return;
      }
    } else if (!form.reportValidity()) {
      return; // offline, nobody checks it for a while: catch the obvious (an empty duration) now
    }
    await keepOnThisPhone(false);
  } finally {
    if (button) button.disabled = false;
  }
}

if (form) {
  const note = Object.assign(document.createElement("p"), { id: "saved-offline", className: "saved-offline", tabIndex: -1 });
  note.setAttribute("role", "status");
  form.before(note);
  freshEntry();
  form.addEventListener("submit", submit);
  // The service worker queued a form whose request failed and sent the runner back here.
  const queued = new URLSearchParams(location.search).get("queued");
  if (queued) {
    saidSaved("Saved on this phone: the connection dropped. It will be sent to your log when you’re back online.");
    history.replaceState(history.state, "", location.pathname);
  }
}

// --- when to send ----------------------------------------------------------------------------

window.addEventListener("online", flush);
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible") flush();
});
setInterval(() => {
  if (document.visibilityState === "visible" && ui.count && ui.count.textContent !== "0") flush();
}, RETRY_EVERY_MS);
navigator.serviceWorker?.addEventListener("message", (event) => {
  if (event.data?.type === "OUTBOX_CHANGED") showOutbox();
});
ui.send?.addEventListener("click", flush);
flush(); // the app starts

window.backrun = Object.assign(window.backrun || {}, {
  flushOutbox: flush,
  outboxCount: async () => (await allEntries()).length,
});
