// Logbook enhancements. Every form works without this script; it only adds conveniences:
// the browser's time zone for new entries, and focus that follows htmx swaps in the list.

const browserZone = (() => {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch {
    return "";
  }
})();

function localInputValue(date) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

// A new entry's start is "now where the runner is": the browser knows that better than the account.
for (const field of document.querySelectorAll("input[data-browser-time-zone]")) {
  if (!browserZone || field.value === browserZone) continue;
  const form = field.form;
  const start = form?.elements.started_local;
  const untouched = start && start.defaultValue === start.value;
  field.value = browserZone;
  if (start && untouched) {
    start.value = localInputValue(new Date());
    start.defaultValue = start.value;
    const hint = document.getElementById("started_local-hint");
    if (hint) hint.textContent = `In your time zone (${browserZone}).`;
  }
}

// After a row turns into "Delete …?" or "… deleted", move the focus there once.
document.body.addEventListener("htmx:afterSettle", () => {
  const target = document.querySelector(".session-list .swap-focus");
  if (target) {
    target.classList.remove("swap-focus");
    target.focus();
  }
});
