// The outbox: runs logged with no signal wait here, in IndexedDB, until the server has them.
// Shared by the page (offline-log.js) and the service worker (Background Sync): no DOM here.
// An entry is the log form as the runner filled it in, keyed by its client UUID. It is sent to
// the JSON API (POST /api/v1/runs, signed in by the cookie plus the X-CSRFToken header) and leaves
// only after a 2xx. The API is idempotent on that id (201 stored, 200 already stored), so sending
// one twice is harmless: that is what lets a flaky network retry freely without ever doubling a run.

import { runFromForm } from "./run-from-form.js";

export const SYNC_TAG = "backrun-outbox";
const DB_NAME = "backrun";
const STORE = "outbox";
const SIGN_IN_URL = "/pwa/sign-in";
const RUNS_URL = "/api/v1/runs";
const ASK_TIMEOUT_MS = 8000;
// The server looked at the entry and refused it: sending it again can't help (the runner decides).
const REFUSED = new Set([409, 410, 413, 415, 422]);

let opening = null;

function database() {
  opening ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "id" });
    request.onsuccess = () => {
      const db = request.result;
      db.onversionchange = () => {
        db.close();
        opening = null;
      };
      resolve(db);
    };
    request.onerror = () => {
      opening = null;
      reject(request.error);
    };
  });
  return opening;
}

async function inStore(mode, action) {
  const db = await database();
  return new Promise((resolve, reject) => {
    const transaction = db.transaction(STORE, mode);
    const request = action(transaction.objectStore(STORE));
    transaction.oncomplete = () => resolve(request.result);
    transaction.onerror = transaction.onabort = () => reject(transaction.error);
  });
}

export const allEntries = () => inStore("readonly", (store) => store.getAll());
export const discardEntry = (id) => inStore("readwrite", (store) => store.delete(id));
const saveEntry = (entry) => inStore("readwrite", (store) => store.put(entry));

/** A submitted log form, kept under its client UUID (the same form again replaces it). */
export async function queueForm(formData, action, runner) {
  // `action` is kept for entries' sake only: every entry is sent to RUNS_URL.
  const id = formData.get("id");
  if (!id) throw new Error("The form has no client id.");
  const fields = [...formData].filter(([name, value]) => name !== "csrf_token" && typeof value === "string");
  const entry = { id, action, fields, runner: runner || null, queuedAt: new Date().toISOString(),
                  state: "waiting", attempts: 0, problem: null };
  await saveEntry(entry);
  return entry;
}

/** Who is signed in now, with a CSRF token valid now; null when the server can't be reached. */
export async function whoIsSignedIn() {
  try {
    const response = await fetch(SIGN_IN_URL, { cache: "no-store", headers: { Accept: "application/json" },
                                                signal: AbortSignal.timeout(ASK_TIMEOUT_MS) });
    return response.ok ? await response.json() : null;
  } catch {
    return null;
  }
}

let flushing = null;

/** Send what waits. One flush at a time, also across tabs and the worker (Web Locks). */
export function flushOutbox() {
  flushing ??= exclusively(sendAll).finally(() => {
    flushing = null;
  });
  return flushing;
}

function exclusively(work) {
  const locks = globalThis.navigator?.locks;
  return locks ? locks.request("backrun-outbox", work) : work();
}

async function sendAll() {
  const report = { sent: 0, failed: 0, otherRunner: 0, signIn: false, offline: false, waiting: 0, refused: 0 };
  const due = (await allEntries()).filter((entry) => entry.state === "waiting")
    .sort((a, b) => a.queuedAt.localeCompare(b.queuedAt));
  if (due.length && globalThis.navigator?.onLine === false) {
    report.offline = true;
  } else if (due.length) {
    const who = await whoIsSignedIn();
    if (!who) report.offline = true;
    else if (!who.signed_in) report.signIn = true; // kept until the runner signs in again
    else await sendEach(due, who, report);
  }
  const left = await allEntries();
  report.waiting = left.filter((entry) => entry.state === "waiting").length;
  report.refused = left.length - report.waiting;
  return report;
}

async function sendEach(due, who, report) {
  for (const entry of due) {
    if (entry.runner && entry.runner !== who.runner) {
      report.otherRunner += 1; // logged by another account on this phone: it waits for them
      continue;
    }
    let response;
    try {
      response = await send(entry, who);
    } catch {
      report.offline = true;
      return;
    }
    if (response.ok) {
      await discardEntry(entry.id);
      report.sent += 1;
    } else if (response.status === 401 || response.status === 403) {
      report.signIn = true;
      return;
    } else if (REFUSED.has(response.status)) {
      await saveEntry({ ...entry, state: "refused", problem: await problemOf(response) });
    } else {
      await saveEntry({ ...entry, attempts: entry.attempts + 1, lastStatus: response.status });
      report.failed += 1; // 5xx, 429, 400: try again later
    }
  }
}

function post(run, who) {
  return fetch(RUNS_URL, {
    method: "POST",
    credentials: "same-origin",
    headers: { Accept: "application/json", "Content-Type": "application/json", "X-CSRFToken": who.csrf_token },
    body: JSON.stringify(run),
  });
}

async function send(entry, who) {
  // The distance is in the units the form was filled in with (older entries: the runner's now).
  const units = entry.fields.find(([name]) => name === "units")?.[1] || who.units;
  const run = runFromForm(entry.fields, { units, fallbackZone: who.time_zone });
  const response = await post(run, who);
  if (response.status !== 422 || !run.weather_token) return response;
  // A weather snapshot too old to verify (the phone was offline for days) is dropped, as the log
  // form drops it; the run itself is kept.
  const fields = Object.keys((await response.clone().json().catch(() => ({}))).fields || {});
  if (fields.length !== 1 || fields[0] !== "weather_token") return response;
  const { weather_token: _, ...withoutWeather } = run;
  return post(withoutWeather, who);
}

// The API's field names, as the log form calls them.
const LABELS = { started_at: "Start", duration_s: "Duration", distance_m: "Distance", setting: "Setting",
  venue: "Venue", surface: "Surface", intervals: "Intervals", pattern: "Backwards running", effort: "Effort",
  soreness: "Soreness", notes: "Notes", kit_feedback: "Clothes", id: "Form" };

async function problemOf(response) {
  try {
    const body = await response.json();
    const problems = Object.entries(body.fields || {})
      .map(([name, messages]) => `${LABELS[name] || name}: ${flat(messages).join(" ")}`);
    return problems.join(" ") || body.detail || `The server refused it (HTTP ${response.status}).`;
  } catch {
    return `The server refused it (HTTP ${response.status}).`;
  }
}

const flat = (messages) => (Array.isArray(messages) ? messages.flatMap(flat)
  : messages && typeof messages === "object" ? Object.values(messages).flatMap(flat) : [String(messages)]);
