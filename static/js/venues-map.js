// The venue map. Leaflet (static/vendor, pinned) and the OpenStreetMap tiles are fetched only
// when the runner presses "Show on a map": nothing map-related loads with the page.
// One delegated click handler, so it also works for lists htmx swaps in later.

const LEAFLET_DIR = new URL("../vendor/leaflet-1.9.4/", import.meta.url);
const TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
const TILE_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors';

let leafletLoading = null;

function load(element, event = "load") {
  return new Promise((resolve, reject) => {
    element.addEventListener(event, resolve, { once: true });
    element.addEventListener("error", () => reject(new Error(`could not load ${element.src || element.href}`)), { once: true });
    document.head.append(element);
  });
}

// Both the script and its stylesheet: marker icons are placed by the CSS.
function loadLeaflet() {
  if (window.L) return Promise.resolve(window.L);
  if (!leafletLoading) {
    const css = Object.assign(document.createElement("link"), { rel: "stylesheet", href: new URL("leaflet.css", LEAFLET_DIR).href });
    const script = Object.assign(document.createElement("script"), { src: new URL("leaflet.js", LEAFLET_DIR).href });
    leafletLoading = Promise.all([load(css), load(script)]).then(() => window.L).catch((error) => {
      leafletLoading = null; // let the next press try again
      css.remove();
      script.remove();
      throw error;
    });
  }
  return leafletLoading;
}

function number(value) {
  const parsed = Number.parseFloat(value);
  return Number.isFinite(parsed) ? parsed : null;
}

// Without tiles (offline, blocked) the map would be a blank grey box: say so, on the map and in
// the status line, and keep the pins, which need no tiles.
function watchTiles(layer, container) {
  let loaded = 0;
  const note = Object.assign(document.createElement("p"), {
    className: "venue-map-no-tiles",
    textContent: "Map pictures can’t be loaded (no connection?). The pins still show each place.",
  });
  note.setAttribute("role", "status");
  layer.on("tileload", () => {
    loaded += 1;
    note.remove();
  });
  layer.on("tileerror", () => {
    if (loaded || note.isConnected) return;
    container.append(note);
  });
}

function pin(L, text, extra = "") {
  return L.divIcon({ className: `venue-pin ${extra}`.trim(), html: `<span><b>${text}</b></span>`, iconSize: [36, 36], iconAnchor: [18, 34], popupAnchor: [0, -30] });
}

function drawMap(L, scope, container) {
  L.Icon.Default.imagePath = new URL("images/", LEAFLET_DIR).href;
  const map = L.map(container, { scrollWheelZoom: false });
  const tiles = L.tileLayer(TILES, { maxZoom: 19, attribution: TILE_ATTRIBUTION });
  watchTiles(tiles, container);
  tiles.addTo(map);
  const points = [];
  for (const item of scope.querySelectorAll("[data-venue-marker]")) {
    const lat = number(item.dataset.lat);
    const lon = number(item.dataset.lon);
    if (lat === null || lon === null) continue;
    const title = item.dataset.title || "Venue";
    // Numbered like the list (data-number), drawn above the "you" marker.
    const numberText = (item.dataset.number || "").replace(/[^0-9]/g, "");
    const marker = L.marker([lat, lon], { title, alt: title, icon: pin(L, numberText || "•"), zIndexOffset: 1000 }).addTo(map);
    const link = document.createElement(item.dataset.href ? "a" : "span");
    link.textContent = title;
    if (item.dataset.href) link.href = item.dataset.href;
    marker.bindPopup(link);
    points.push([lat, lon]);
  }
  const originLat = number(scope.dataset.originLat);
  const originLon = number(scope.dataset.originLon);
  if (originLat !== null && originLon !== null) {
    L.circleMarker([originLat, originLon], { radius: 10, weight: 4, className: "venue-map-origin" })
      .bindTooltip("You", { permanent: true, direction: "bottom", className: "venue-map-you", offset: [0, 8] }).addTo(map);
    points.push([originLat, originLon]);
  }
  if (points.length === 1) map.setView(points[0], 16);
  else if (points.length) map.fitBounds(points, { padding: [24, 24], maxZoom: 17 });
  else map.setView([0, 0], 2);
  return map;
}

async function toggleMap(button) {
  const scope = button.closest("[data-venue-map-scope]");
  const container = scope && document.getElementById(button.getAttribute("aria-controls"));
  const status = scope?.querySelector(".venue-map-status");
  const label = button.querySelector("[data-label]") || button;
  if (!container) return;
  if (!container.hidden) {
    container.hidden = true;
    button.setAttribute("aria-expanded", "false");
    label.textContent = "Show on a map";
    return;
  }
  button.disabled = true;
  if (status) status.textContent = "Loading the map…";
  try {
    const L = await loadLeaflet();
    container.hidden = false;
    if (!container.venueMap) container.venueMap = drawMap(L, scope, container);
    else container.venueMap.invalidateSize();
    button.setAttribute("aria-expanded", "true");
    label.textContent = "Hide the map";
    if (status) status.textContent = "";
  } catch (error) {
    if (status) status.textContent = "The map couldn’t be loaded. The list above has everything it shows.";
  } finally {
    button.disabled = false;
  }
}

document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-venue-map-open]");
  if (button) toggleMap(button);
});
