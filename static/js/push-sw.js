// Web Push in the service worker (imported by sw.js): shows the morning briefing and "it's safe
// now" alerts, opens the advice for the place on a tap, and moves the server's subscription when
// the browser replaces it (pushsubscriptionchange).

const STATE_CACHE = "push-state-v1"; // not "backrun-…": the worker's activate cleanup keeps it
const STATE_URL = "/push-state/subscription";
const ICON = "/static/icons/icon-192.png";

function keyBytes(base64url) {
  // applicationServerKey as bytes: every browser takes a BufferSource (not all take the string).
  const base64 = base64url.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((base64url.length + 3) % 4);
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

self.addEventListener("push", (event) => {
  let message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch {
    message = {}; // not ours, or garbled: still show something (a push must show a notification)
  }
  const title = message.title || "Backrun";
  event.waitUntil(self.registration.showNotification(title, {
    body: message.body || "Open Backrun for today's advice.",
    tag: message.tag || "backrun", // one notification per place: a newer one replaces it
    renotify: message.kind === "safe_window",
    icon: message.icon || ICON,
    badge: ICON,
    timestamp: Date.now(),
    data: { url: message.url || "/", kind: message.kind || null, verdict: message.verdict || null },
  }));
});

function sameOriginUrl(raw) {
  const url = new URL(raw || "/", self.location.origin);
  return url.origin === self.location.origin ? url : new URL("/", self.location.origin);
}

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = sameOriginUrl(event.notification.data?.url);
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
    const open = windows.find((client) => new URL(client.url).origin === self.location.origin);
    if (open) {
      const focused = await open.focus();
      if (new URL(focused.url).href !== target.href) await focused.navigate(target.href).catch(() => undefined);
      return;
    }
    await self.clients.openWindow(target.href);
  })());
});

async function keptSubscription() {
  const cache = await caches.open(STATE_CACHE);
  const kept = await cache.match(STATE_URL);
  return kept ? kept.json() : null;
}

async function keepSubscription(subscription) {
  const cache = await caches.open(STATE_CACHE);
  await cache.put(STATE_URL, new Response(JSON.stringify(subscription), { headers: { "Content-Type": "application/json" } }));
}

self.addEventListener("pushsubscriptionchange", (event) => {
  event.waitUntil((async () => {
    const old = event.oldSubscription?.toJSON() || await keptSubscription();
    if (!old) return; // never subscribed through this worker: nothing to move
    let renewed = event.newSubscription;
    if (!renewed) {
      const { public_key: key } = await (await fetch("/api/v1/push/key")).json();
      renewed = await self.registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key) });
    }
    const response = await fetch("/api/v1/push/subscriptions/renew", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      credentials: "omit", // the old subscription's secret identifies it, not a cookie
      body: JSON.stringify({ old, subscription: renewed.toJSON() }),
    });
    if (response.ok) await keepSubscription(renewed.toJSON());
  })());
});

// The page tells the worker which subscription it registered, for pushsubscriptionchange.
self.addEventListener("message", (event) => {
  if (event.data?.type === "PUSH_SUBSCRIBED") event.waitUntil(keepSubscription(event.data.subscription));
});
