// Backrun's service worker: the app shell with no signal, pages network-first with a kept copy,
// static files stale-while-revalidate, and the outbox sent by Background Sync where there is one.
//
// What is kept follows what the server says in each answer, not a list of URLs:
//   - `Cache-Control: no-store` (sign-in, settings, tokens, the log itself) is never kept;
//   - a page for a signed-in runner says `X-Backrun-Runner: <key>` and is kept only in that
//     runner's cache, deleted as soon as a page for someone else or for nobody arrives: signing
//     out (or a sign-in that expired) drops it, and no runner is ever shown another's pages;
//   - any other page is public and kept in a small shared cache (the last places checked).
// backrun/pwa serves this file at /sw.js with BUILD filled in: the shell's URLs and a version
// hashed from the files' content. A deploy is a byte-different worker, which installs and then
// waits until the page's "Update now" sends SKIP_WAITING.

// The same module as the page's; /sw.js points this at its current static URL.
import { SYNC_TAG, flushOutbox, queueForm } from "/static/js/outbox.js";
// Web Push: briefings and "it's safe now" alerts (push, notificationclick, pushsubscriptionchange).
import "/static/js/push-sw.js";

const BUILD = /* build */ null /* /build */;
if (!BUILD) throw new Error("Serve this worker through /sw.js: it needs its build.");

const SHELL_CACHE = `backrun-shell-${BUILD.version}`;
// Pages and htmx fragments apart: Chromium keeps one answer per URL in a cache, whatever `Vary`
// says, and /advice?... is both.
const PUBLIC_CACHES = { page: "backrun-pages-v1", fragment: "backrun-fragments-v1" };
const RUNNER_CACHE_PREFIX = "backrun-runner-";
const runnerCache = (runner, kind) => `${RUNNER_CACHE_PREFIX}${runner}-${kind}`;
const kindOf = (request) => (request.headers.get("HX-Request") === "true" ? "fragment" : "page");
const PAGES_KEPT = 40; // the last places checked (full page and fragment each), with their venues
const RUNNER_PAGES_KEPT = 20;
const NETWORK_WAIT_MS = 4000; // then a kept copy, while the network answer still refreshes it
const POST_WAIT_MS = 15000; // a log form stuck this long goes to the outbox instead
const RUNNER_HEADER = "X-Backrun-Runner";
const STORED_AT_HEADER = "X-Backrun-Stored-At";

// --- lifecycle -------------------------------------------------------------------------------

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const shell = await caches.open(SHELL_CACHE);
    // Static URLs carry their version: whatever the HTTP cache holds for them is right.
    await shell.addAll(BUILD.shell);
    // Without cookies: a signed-in visitor's page must never land in the shared shell.
    await shell.addAll(BUILD.shellPages.map((url) => new Request(url, { cache: "no-cache", credentials: "omit" })));
  })());
  // No skipWaiting() here: an update waits for the runner's tap (see the "message" listener).
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const current = (name) => name === SHELL_CACHE || Object.values(PUBLIC_CACHES).includes(name) || name.startsWith(RUNNER_CACHE_PREFIX);
    const names = await caches.keys();
    await Promise.all(names.filter((name) => name.startsWith("backrun-") && !current(name)).map((name) => caches.delete(name)));
    await self.clients.claim(); // the first install controls the open page at once
  })());
});

self.addEventListener("message", (event) => {
  if (event.data?.type === "SKIP_WAITING") self.skipWaiting();
  if (event.data?.type === "KEEP_PAGE") event.waitUntil(keepPage(event.data.url));
});

self.addEventListener("sync", (event) => {
  if (event.tag !== SYNC_TAG) return;
  event.waitUntil((async () => {
    const report = await flushOutbox();
    await tellPages({ type: "OUTBOX_CHANGED" });
    // Rejecting makes the browser try again later (with back-off); a sign-in can't be waited for.
    if (report.waiting > 0 && !report.signIn && !report.otherRunner) throw new Error("runs still waiting");
  })());
});

// --- routing -------------------------------------------------------------------------------

self.addEventListener("fetch", (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return; // map tiles: the browser's HTTP cache only
  if (request.method === "POST" && request.mode === "navigate" && BUILD.outboxForms.includes(url.pathname)) {
    event.respondWith(sendOrQueue(request));
    return;
  }
  if (request.method !== "GET" || url.pathname === "/sw.js") return;
  if (url.pathname.startsWith("/static/") || BUILD.shell.includes(url.pathname)) {
    event.respondWith(staleWhileRevalidate(event));
  } else if (request.mode === "navigate" || request.headers.get("HX-Request") === "true") {
    event.respondWith(networkFirst(event));
  }
  // Anything else (the JSON API, /pwa/sign-in) goes to the network untouched and is never kept.
});

// Static URLs carry the static files' version (backrun/platform/serving.py): a page kept before a deploy
// asks for /static/<old>/css/app.css, which offline is the current shell's copy of that file.
const STATIC_VERSION = /^\/static\/[0-9a-f]{8,}\//;
const plainStatic = (path) => path.replace(STATIC_VERSION, "/static/");

async function keptStatic(shell, request) {
  const kept = await shell.match(request, { ignoreVary: true });
  if (kept) return kept;
  const wanted = plainStatic(new URL(request.url).pathname);
  const current = BUILD.shell.find((url) => plainStatic(url) === wanted);
  return current ? shell.match(current, { ignoreVary: true }) : undefined;
}

async function staleWhileRevalidate(event) {
  const shell = await caches.open(SHELL_CACHE);
  const kept = await keptStatic(shell, event.request);
  const fresh = fetch(event.request).then(async (response) => {
    if (response.ok && response.type === "basic") await shell.put(event.request, response.clone());
    return response;
  });
  if (!kept) return fresh;
  event.waitUntil(fresh.catch(() => undefined));
  return kept;
}

async function networkFirst(event) {
  const { request } = event;
  const network = fetch(request);
  // Registered now, while the event is alive; the copy is taken before the page reads the body.
  event.waitUntil(network.then((response) => rememberSoon(request, response.clone())).catch(() => undefined));
  const first = await Promise.race([network.catch(() => null), sleep(NETWORK_WAIT_MS)]);
  if (first) return first;
  const kept = await findKept(request);
  if (kept) return kept;
  try {
    return await network; // slow is better than nothing when nothing is kept
  } catch {
    return request.mode === "navigate" ? offlinePage() : Response.error(); // htmx: sendError
  }
}

// The log form sent the normal way, with a safety net: if the network fails or hangs, the form
// goes to the outbox and the runner sees it saved. The server's idempotency on the form's id
// makes a later replay harmless even when the slow request did arrive.
async function sendOrQueue(request) {
  const copy = request.clone();
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), POST_WAIT_MS);
  try {
    return await fetch(new Request(request, { signal: abort.signal }));
  } catch {
    const path = new URL(request.url).pathname;
    const entry = await queueForm(await copy.formData(), path, await currentRunner());
    await self.registration.sync?.register(SYNC_TAG).catch(() => undefined);
    return Response.redirect(`${path}?queued=${encodeURIComponent(entry.id)}`, 303);
  } finally {
    clearTimeout(timer);
  }
}

// --- what is kept --------------------------------------------------------------------------

const storing = new Set(); // writes under way, which keepPage() waits for

function rememberSoon(request, response) {
  const job = remember(request, response).finally(() => storing.delete(job));
  storing.add(job);
  return job;
}

async function remember(request, response) {
  if (response.type !== "basic" || response.headers.get("Content-Type")?.startsWith("text/html") !== true) return;
  if (response.status < 500) await noteRunner(response); // a proxy's 502 says nothing about who is in
  const cacheControl = response.headers.get("Cache-Control") || "";
  if (response.status !== 200 || response.redirected || /no-store/.test(cacheControl)) return;
  const runner = response.headers.get(RUNNER_HEADER);
  if (!runner && /private/.test(cacheControl)) return; // someone's, but we can't tell whose
  const kind = kindOf(request);
  const cache = await caches.open(runner ? runnerCache(runner, kind) : PUBLIC_CACHES[kind]);
  await cache.put(request, await stamped(response));
  await trim(cache, runner ? RUNNER_PAGES_KEPT : PAGES_KEPT);
}

// Only the runner this page was made for may have kept pages; nobody signed in, nobody's.
async function noteRunner(response) {
  const runner = response.headers.get(RUNNER_HEADER);
  const theirs = (name) => runner && name.startsWith(runnerCache(runner, ""));
  const names = await caches.keys();
  await Promise.all(names.filter((name) => name.startsWith(RUNNER_CACHE_PREFIX) && !theirs(name)).map((name) => caches.delete(name)));
  if (runner) await keepRunnerPages(runner);
}

// The log form, kept as soon as a runner is seen signed in, so logging works at the track even
// if they never opened it with a signal.
async function keepRunnerPages(runner) {
  const cache = await caches.open(runnerCache(runner, "page"));
  for (const url of BUILD.runnerPages) {
    if (await cache.match(url)) continue;
    try {
      const response = await fetch(url, { cache: "no-cache" });
      const sameRunner = response.headers.get(RUNNER_HEADER) === runner;
      if (response.status === 200 && !response.redirected && sameRunner && !/no-store/.test(response.headers.get("Cache-Control") || "")) {
        await cache.put(url, await stamped(response));
      }
    } catch {
      // No network: the next page seen with a signal tries again.
    }
  }
}

// htmx put this URL in the address bar after swapping in its fragment: keep its full page too,
// so reloading it with no signal works. Only when the fragment itself was fit to keep.
async function keepPage(url) {
  const target = new URL(url, self.location.href);
  if (target.origin !== self.location.origin) return;
  await Promise.allSettled([...storing]); // the fragment may still be on its way into the cache
  if (!(await findKept(new Request(target, { headers: { "HX-Request": "true" } })))) return;
  try {
    const request = new Request(target);
    await remember(request, await fetch(request, { cache: "no-cache" }));
  } catch {
    // Offline already: the fragment is kept, the full page will be next time.
  }
}

async function findKept(request) {
  const kind = kindOf(request);
  const runnerCaches = (await caches.keys()).filter((name) => name.startsWith(RUNNER_CACHE_PREFIX) && name.endsWith(`-${kind}`));
  const shell = kind === "page" ? [SHELL_CACHE] : [];
  for (const name of [...runnerCaches, PUBLIC_CACHES[kind], ...shell]) {
    const hit = await (await caches.open(name)).match(request);
    if (hit) return hit;
  }
  // The log form or the timer opened from another place ("I'm going" has coordinates) is still
  // that page: its query only pre-fills it, in the browser.
  const path = new URL(request.url).pathname;
  if (BUILD.runnerPages.includes(path)) {
    for (const name of runnerCaches) {
      const hit = await (await caches.open(name)).match(request, { ignoreSearch: true });
      if (hit) return hit;
    }
  }
  if (kind === "page" && BUILD.shellPages.includes(path)) {
    return (await (await caches.open(SHELL_CACHE)).match(request, { ignoreSearch: true })) || null;
  }
  return null;
}

async function offlinePage() {
  return (await (await caches.open(SHELL_CACHE)).match(BUILD.offlinePage)) || Response.error();
}

async function currentRunner() {
  const name = (await caches.keys()).find((cacheName) => cacheName.startsWith(RUNNER_CACHE_PREFIX));
  return name ? name.slice(RUNNER_CACHE_PREFIX.length).replace(/-(page|fragment)$/, "") : null;
}

// A copy that says when it was kept: the page marks advice served from here "as of".
async function stamped(response) {
  const headers = new Headers(response.headers);
  headers.set(STORED_AT_HEADER, new Date().toISOString());
  return new Response(await response.blob(), { status: response.status, statusText: response.statusText, headers });
}

async function trim(cache, keep) {
  const keys = await cache.keys(); // oldest first: a put moves an entry to the end
  await Promise.all(keys.slice(0, Math.max(0, keys.length - keep)).map((key) => cache.delete(key)));
}

async function tellPages(message) {
  for (const client of await self.clients.matchAll({ type: "window" })) client.postMessage(message);
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
