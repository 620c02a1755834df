// The runner profile of a signed-out visitor, kept on the phone (localStorage) and sent with
// every advice request as query parameters (experience, sensitivity, runs). Signed-in runners
// have it in their account settings, and this form isn't on their page.

const KEY = "backrun.profile";
const form = document.getElementById("profile-form");
const status = document.getElementById("profile-status");

function load() {
  try {
    const saved = JSON.parse(localStorage.getItem(KEY) || "{}");
    return saved && typeof saved === "object" ? saved : {};
  } catch {
    return {};
  }
}

function read() {
  const data = new FormData(form);
  return {
    experience: data.get("experience") || "",
    sensitivity: data.getAll("sensitivity").join(","),
    runs: data.get("runs") || "normal",
  };
}

function show(profile) {
  form.elements.experience.value = profile.experience || "";
  const marked = (profile.sensitivity || "").split(",");
  for (const box of form.querySelectorAll('input[name="sensitivity"]')) box.checked = marked.includes(box.value);
  for (const radio of form.querySelectorAll('input[name="runs"]')) radio.checked = radio.value === (profile.runs || "normal");
}

// What the advice request carries: only what was set.
function params(profile) {
  const out = {};
  if (profile.experience) out.experience = profile.experience;
  if (profile.sensitivity) out.sensitivity = profile.sensitivity;
  if (profile.runs && profile.runs !== "normal") out.runs = profile.runs;
  return out;
}

if (form) {
  show(load());
  form.addEventListener("change", () => {
    try {
      localStorage.setItem(KEY, JSON.stringify(read()));
      if (status) status.textContent = "Saved on this phone. It applies to your next advice.";
    } catch {
      if (status) status.textContent = "This browser can’t keep it; it applies to this page only.";
    }
  });
  document.body.addEventListener("htmx:configRequest", (event) => {
    if (!event.detail.path.startsWith("/advice")) return;
    Object.assign(event.detail.parameters, params(form ? read() : load()));
  });
  // Without htmx (a plain form submit), the same values go along as hidden fields.
  for (const advice of document.querySelectorAll('form[action$="/advice"]')) {
    advice.addEventListener("submit", () => {
      if (window.htmx) return; // htmx:configRequest above adds them
      for (const old of advice.querySelectorAll("input[data-profile]")) old.remove();
      for (const [name, value] of Object.entries(params(read()))) {
        const input = Object.assign(document.createElement("input"), { type: "hidden", name, value });
        input.dataset.profile = "";
        advice.append(input);
      }
    });
  }
}
