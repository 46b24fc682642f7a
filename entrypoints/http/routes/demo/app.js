"use strict";
// The cookie transport from a page: the browser keeps the tokens in HttpOnly cookies and sends
// them itself (same origin only). Every unsafe request carries the CSRF header tessera requires.

const UNSAFE_HEADERS = { "Content-Type": "application/json", "X-Requested-With": "tessera" };
const $ = (id) => document.getElementById(id);

function post(path, body) {
  return fetch(path, {
    method: "POST",
    credentials: "same-origin",
    headers: UNSAFE_HEADERS,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

let refreshing = null;

// Concurrent 401s share one refresh: the refresh cookie rotates on every use.
function refreshSession() {
  refreshing ??= post("/auth/refresh", { transport: "cookie" })
    .then((response) => response.ok)
    .finally(() => { refreshing = null; });
  return refreshing;
}

// On a 401 (the access cookie expired), refresh silently and retry once.
async function withSilentRefresh(send) {
  const first = await send();
  if (first.status !== 401 || !(await refreshSession())) return first;
  return send();
}

async function detail(response) {
  try {
    return (await response.json()).detail || response.statusText;
  } catch {
    return response.statusText;
  }
}

function say(text) {
  $("message").textContent = text;
}

function show(profile) {
  const state = $("state");
  state.dataset.state = profile ? "signed-in" : "signed-out";
  state.textContent = profile ? `Signed in as ${profile.email}` : "Signed out";
  $("signed-in").hidden = !profile;
  $("signed-out").hidden = Boolean(profile);
  $("profile-email").textContent = profile ? profile.email : "";
  $("profile-name").textContent = profile ? profile.display_name ?? "—" : "";
  $("profile-id").textContent = profile ? profile.id : "";
}

async function loadProfile() {
  const response = await withSilentRefresh(() => fetch("/api/user/profile", { credentials: "same-origin" }));
  show(response.ok ? await response.json() : null);
}

function credentials() {
  return { email: $("email").value, password: $("password").value };
}

async function register() {
  const response = await post("/auth/register", credentials());
  say(response.ok ? "Registered. Now log in." : `Registration failed: ${await detail(response)}`);
}

async function logIn(event) {
  event.preventDefault();
  const response = await post("/auth/login", { ...credentials(), remember: $("remember").checked, transport: "cookie" });
  if (!response.ok) {
    say(`Login failed: ${await detail(response)}`);
    return;
  }
  $("password").value = "";
  say("Logged in.");
  await loadProfile();
}

async function logOut() {
  const response = await post("/auth/logout");
  say(response.ok ? "Logged out." : `Logout: ${await detail(response)}`);
  show(null);
}

document.addEventListener("DOMContentLoaded", () => {
  $("register").addEventListener("click", register);
  $("credentials").addEventListener("submit", logIn);
  $("load-profile").addEventListener("click", loadProfile);
  $("logout").addEventListener("click", logOut);
  loadProfile();
});
