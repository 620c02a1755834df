// Advice kept on this phone: say how old it is, and never show old advice as "go".
// The server never says "go" on weather older than 2 hours, but a page or fragment the service
// worker kept can be older than that by the time it is shown, so the age is checked here too,
// on every render and every minute while the page stays open.
// The home page also brings back the last place checked: fresh with a signal, kept without.

const STALE_AFTER_MS = 2 * 60 * 60 * 1000; // the server's rule (backrun/advice/service.py)
const SAY_AGE_AFTER_MS = 20 * 60 * 1000; // a fresh answer is at most 15 minutes old
const LAST_ADVICE_KEY = "backrun:last-advice";
const STORED_AT_HEADER = "X-Backrun-Stored-At";

function clockTime(date) {
  return date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

function ageText(ms) {
  const minutes = Math.max(0, Math.round(ms / 60000));
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours} h ${minutes % 60} min ago` : `${Math.floor(hours / 24)} days ago`;
}

function showAge(result, fetchedAt, age) {
  let note = result.querySelector(".as-of");
  if (!note) {
    note = Object.assign(document.createElement("p"), { className: "as-of" });
    result.querySelector(".verdict-card")?.after(note);
  }
  const kept = result.dataset.kept === "true" || !navigator.onLine;
  note.hidden = !(kept || age > SAY_AGE_AFTER_MS);
  note.textContent = `As of ${clockTime(fetchedAt)} (${ageText(age)})${kept ? ", saved on this phone" : ""}.`;
}

function markUnknown(element) {
  element.classList.replace("verdict-go", "verdict-unknown");
  if (element.dataset.verdict === "go") element.dataset.verdict = "unknown";
  for (const icon of element.querySelectorAll(".verdict-icon")) icon.textContent = "?";
}

// Old weather can't say "go": the card, the outlook and the "next window" all step back.
function downgrade(result) {
  for (const element of result.querySelectorAll(".verdict-go, [data-verdict=go]")) markUnknown(element);
  const heading = result.querySelector("#verdict-heading");
  if (heading && heading.textContent.trim() === "Go") {
    heading.textContent = "Unknown";
    heading.dataset.verdict = "unknown";
    const headline = result.querySelector(".verdict-headline");
    if (headline) headline.textContent = "Unknown: check conditions yourself. This advice is more than 2 hours old.";
  }
  for (const word of result.querySelectorAll(".outlook-list .verdict-unknown .outlook-word")) word.textContent = "Unknown";
  for (const nextWindow of result.querySelectorAll(".next-window")) nextWindow.hidden = true;
}

function review(root = document) {
  for (const result of root.querySelectorAll("[data-fetched-at]")) {
    const fetchedAt = new Date(result.dataset.fetchedAt);
    const age = Date.now() - fetchedAt.getTime();
    if (Number.isNaN(age) || age > STALE_AFTER_MS) downgrade(result);
    if (!Number.isNaN(age)) showAge(result, fetchedAt, age);
  }
}

function rememberPlace(url) {
  try {
    localStorage.setItem(LAST_ADVICE_KEY, url);
  } catch {
    // Storage full or refused: the home page just won't bring the place back.
  }
}

document.body.addEventListener("htmx:afterSwap", (event) => {
  const { xhr, target } = event.detail;
  const result = target.querySelector?.("[data-fetched-at]");
  if (!result) return;
  if (xhr?.getResponseHeader(STORED_AT_HEADER)) result.dataset.kept = "true";
  const url = new URL(xhr.responseURL || location.href);
  if (url.pathname === "/advice" && xhr.status === 200) rememberPlace(url.pathname + url.search);
  review(target);
});

if (location.pathname === "/advice" && document.querySelector("#advice [data-fetched-at]")) {
  rememberPlace(location.pathname + location.search);
}

async function isKept(url, asFragment) {
  const request = new Request(url, { headers: asFragment ? { "HX-Request": "true" } : {} });
  return Boolean(await globalThis.caches?.match(request).catch(() => null));
}

// The installed app opens on the home page: show the last place checked, fresh with a signal;
// without one, the copy the service worker kept (the fragment, or else the whole page).
async function restoreLastPlace() {
  const advice = document.getElementById("advice");
  let lastPlace = null;
  try {
    lastPlace = localStorage.getItem(LAST_ADVICE_KEY);
  } catch {
    return;
  }
  if (location.pathname !== "/" || !advice || advice.querySelector("[data-fetched-at]") || !lastPlace?.startsWith("/advice?")) return;
  if (navigator.onLine || await isKept(lastPlace, true)) {
    window.htmx?.ajax("GET", lastPlace, { target: "#advice", swap: "innerHTML" });
  } else if (await isKept(lastPlace, false)) {
    location.replace(lastPlace);
  }
}

restoreLastPlace();

review();
setInterval(review, 60_000);
window.addEventListener("online", () => review());
window.addEventListener("offline", () => review());
