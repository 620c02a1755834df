// Backrun page behaviour: the location button, local times, focus after an advice swap.
// Everything here is an enhancement: the place form works without JavaScript.

const coordsForm = document.getElementById("coords-form");
const locateButton = document.getElementById("locate");
const status = document.getElementById("locate-status");

function say(message) {
  if (status) status.textContent = message;
}

function localiseTimes(root) {
  for (const el of root.querySelectorAll("time[data-local]")) {
    const when = new Date(el.getAttribute("datetime"));
    if (!Number.isNaN(when.getTime())) {
      el.textContent = when.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    }
  }
}

function askForLocation() {
  if (!navigator.onLine) {
    say("You’re offline: the weather can’t be checked without a connection. Your last advice, if any, is below; try again when you have a signal.");
    return;
  }
  if (!("geolocation" in navigator)) {
    say("This browser can’t share its location. Type a place instead.");
    return;
  }
  say("Finding your location…");
  locateButton.disabled = true;
  navigator.geolocation.getCurrentPosition(
    (position) => {
      locateButton.disabled = false;
      say("");
      coordsForm.elements.lat.value = position.coords.latitude.toFixed(4);
      coordsForm.elements.lon.value = position.coords.longitude.toFixed(4);
      const minutes = document.getElementById("minutes");
      if (minutes) coordsForm.elements.minutes.value = minutes.value;
      coordsForm.requestSubmit();
    },
    (error) => {
      locateButton.disabled = false;
      say(error.code === error.PERMISSION_DENIED
        ? "Location permission was denied. Type a place instead."
        : "Your location couldn’t be found. Type a place instead.");
      document.getElementById("place")?.focus();
    },
    { enableHighAccuracy: false, timeout: 15000, maximumAge: 5 * 60 * 1000 },
  );
}

if (locateButton && coordsForm) {
  locateButton.hidden = false; // only offered when this script runs
  locateButton.addEventListener("click", askForLocation); // asked on tap, never on load
}

localiseTimes(document);

// Without JavaScript the server shows times in this zone too (a cookie, nothing else in it).
try {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (zone && !document.cookie.split("; ").includes(`tz=${encodeURIComponent(zone)}`)) {
    document.cookie = `tz=${encodeURIComponent(zone)}; path=/; max-age=31536000; SameSite=Lax`;
  }
} catch { /* no Intl: times stay in UTC, and say so */ }

// After a result the location form folds into one line: "Vaduz · 30 min · Change".
function foldLocation(root) {
  const result = root.querySelector?.(".advice-result");
  const location = document.getElementById("location");
  if (!result || !location) return;
  location.open = false;
  const place = location.querySelector(".location-place");
  const minutes = location.querySelector(".location-minutes");
  if (place) place.textContent = (result.dataset.place || "Your location").split(",")[0];
  if (minutes && result.dataset.minutes) minutes.textContent = `${result.dataset.minutes} min`;
}

document.body.addEventListener("htmx:afterSwap", (event) => {
  localiseTimes(event.detail.target);
  foldLocation(event.detail.target);
  event.detail.target.querySelector(".swap-focus")?.focus({ preventScroll: false });
});

function showProblem(message) {
  const advice = document.getElementById("advice");
  if (!advice) return;
  const box = document.createElement("div");
  box.className = "card notice problem";
  box.setAttribute("role", "alert");
  box.textContent = message;
  advice.replaceChildren(box);
}

document.body.addEventListener("htmx:sendError", () => {
  showProblem("Backrun can’t be reached. Check your connection and try again.");
});

// Statuses the page doesn't swap in (see responseHandling in base.html).
document.body.addEventListener("htmx:responseError", (event) => {
  const status = event.detail.xhr.status;
  showProblem(status === 429
    ? "Too many searches in a short time. Wait a minute, or use your location."
    : "Something went wrong on our side. Please try again.");
});
