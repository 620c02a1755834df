// "Morning briefing" and "Tell me when it's safe": subscribe this browser to Web Push for the place
// shown. Notification permission is asked only after the tap, never on load. The buttons are in
// templates/push/_buttons.html; without JavaScript or push support they stay hidden.

const supported = "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;

function keyBytes(base64url) {
  // applicationServerKey as bytes: every browser takes a BufferSource (not all take the string).
  const base64 = base64url.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((base64url.length + 3) % 4);
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

function csrfToken() {
  return document.querySelector('meta[name="csrf-token"]')?.content || "";
}

function say(box, message) {
  const status = box.querySelector(".push-status");
  if (status) status.textContent = message;
}

async function api(method, url, body) {
  const response = await fetch(url, {
    method,
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.detail || `HTTP ${response.status}`);
  return data;
}

async function browserSubscription() {
  const registration = await navigator.serviceWorker.ready;
  const existing = await registration.pushManager.getSubscription();
  if (existing) return { registration, subscription: existing };
  const { public_key: key } = await (await fetch("/api/v1/push/key")).json();
  const subscription = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key) });
  return { registration, subscription };
}

export async function subscribe(box, what) {
  if (!supported) {
    say(box, "This browser can’t receive notifications. On iPhone, add Backrun to the Home Screen first.");
    return null;
  }
  const permission = await Notification.requestPermission(); // after the tap, never on load
  if (permission !== "granted") {
    say(box, "Notifications are blocked for Backrun. Allow them in the browser’s site settings to get this.");
    return null;
  }
  say(box, "Subscribing…");
  try {
    const { registration, subscription } = await browserSubscription();
    const json = subscription.toJSON();
    // One subscription per browser: keep what it already asks for and add this.
    const { subscriptions } = await api("GET", "/api/v1/push/subscriptions");
    const mine = subscriptions.find((s) => s.endpoint === json.endpoint);
    const briefingInput = box.querySelector("[name=briefing_at]");
    const stored = await api("POST", "/api/v1/push/subscriptions", {
      subscription: json,
      place: { lat: Number(box.dataset.lat), lon: Number(box.dataset.lon), name: box.dataset.place },
      timezone: Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC",
      briefing_at: what === "briefing" ? (briefingInput?.value || "07:00") : (mine?.briefing_at ?? null),
      minutes: Number(box.dataset.minutes),
      safe_window_alerts: what === "safe_window" ? true : Boolean(mine?.safe_window_alerts),
    });
    registration.active?.postMessage({ type: "PUSH_SUBSCRIBED", subscription: json });
    say(box, what === "briefing"
      ? `Done: a briefing for ${stored.place.name} every day at ${stored.briefing_at}. Change it in Settings.`
      : `Done: you’ll be told once when it turns safe at ${stored.place.name} (not at night).`);
    return stored;
  } catch (error) {
    say(box, `That didn’t work: ${error.message}`);
    return null;
  }
}

function wire(root) {
  for (const box of root.querySelectorAll(".push-offer")) {
    if (box.dataset.wired) continue;
    box.dataset.wired = "1";
    box.hidden = !supported;
    for (const button of box.querySelectorAll("button[data-push]")) {
      button.addEventListener("click", async () => {
        button.disabled = true;
        await subscribe(box, button.dataset.push);
        button.disabled = false;
      });
    }
  }
}

wire(document);
document.body.addEventListener("htmx:afterSwap", (event) => wire(event.detail.target));
