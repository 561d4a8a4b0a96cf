/*
 * Sign in, registration and sign out, posted by fetch from the page.
 *
 * The password goes from the form straight to /api/auth/* and never through a Reflex
 * state event; the session cookie is HttpOnly and set by that response, so page
 * JavaScript never sees the token. After a success the page navigates (a full load, so
 * the new websocket carries the cookie) with a fresh Reflex client token, so no page
 * state of the previous visitor of this tab is shown to the next one.
 * Only error codes ever go back to the page state.
 */
(() => {
  // Reflex keeps its client token in sessionStorage under this key
  // (reflex_base/.templates/web/utils/state.js, TOKEN_KEY).
  const REFLEX_TOKEN_KEY = "token";
  // Hostnames Reflex replaces with the page's own when it opens its websocket.
  const LOCAL_HOSTNAMES = ["localhost", "0.0.0.0", "::", "0:0:0:0:0:0:0:0"];
  const busy = new Set();

  // In production the API is on the page's origin (base ""); in development it is the
  // backend's URL, reached under the page's hostname as Reflex's websocket is, so the
  // cookie it sets is sent on that websocket.
  const apiUrl = (base, path) => {
    if (!base) return path;
    const url = new URL(path, base);
    if (LOCAL_HOSTNAMES.includes(url.hostname)) url.hostname = window.location.hostname;
    return url.toString();
  };

  // Where to go after signing in: a normalised path of this site only, else the
  // fallback. The same rule as stoflow.pages.routes.is_local_path: one leading "/", no
  // backslash, whitespace, control or non-ASCII character, and in the path no empty
  // segment ("//"), no dot segment ("/./", "/%2e%2e/") and no encoded "/" or "\".
  // Finally the browser's own parse must give back exactly the same path on this
  // origin: `/.//evil.example` normalises to `//evil.example`, which is another site.
  const localTarget = (wanted, fallback) => {
    if (typeof wanted !== "string" || !wanted.startsWith("/") || wanted.startsWith("//")) return fallback;
    if (/[\\\u0000-\u0020\u007f-\uffff]/.test(wanted)) return fallback;
    const route = wanted.split(/[?#]/)[0];
    if (/\/\/|%2f|%5c/i.test(route)) return fallback;
    if (route.split("/").some((segment) => /^(\.|%2e){1,2}$/i.test(segment))) return fallback;
    try {
      const url = new URL(wanted, window.location.origin);
      const target = url.pathname + url.search + url.hash;
      if (url.origin === window.location.origin && target === wanted && !target.startsWith("//")) return target;
    } catch (error) {
      // not a URL: use the fallback
    }
    return fallback;
  };

  const navigate = (target) => {
    try {
      window.sessionStorage.removeItem(REFLEX_TOKEN_KEY);
    } catch (error) {
      // storage blocked: Reflex makes a new token itself
    }
    window.location.assign(target);
  };

  // One refresh at a time: a refresh token used twice would sign this device out.
  let refreshing = null;
  const refresh = (base) => {
    if (!refreshing) {
      refreshing = fetch(apiUrl(base, "/api/auth/refresh"), {method: "POST", credentials: "include"})
        .then((response) => response.ok)
        .catch(() => false)
        .finally(() => {
          refreshing = null;
        });
    }
    return refreshing;
  };

  // fetch with the session cookies; an expired access token is refreshed once, then retried.
  const authedFetch = async (base, path, options) => {
    const send = () => fetch(apiUrl(base, path), {credentials: "include", ...options});
    const response = await send();
    if (response.status !== 401) return response;
    let data = {};
    try {
      data = await response.clone().json();
    } catch (error) {
      return response;
    }
    if (data.error !== "token_expired" || !(await refresh(base))) return response;
    return send();
  };

  // Download a file from an authenticated route (the GDPR export), keeping its file name.
  const download = async (base, path) => {
    try {
      const response = await authedFetch(base, path, {method: "GET"});
      if (!response.ok) return {ok: false, errors: {form: response.status === 401 ? "not_signed_in" : "internal_error"}};
      const blob = await response.blob();
      const header = response.headers.get("Content-Disposition") || "";
      const match = /filename="([^"]+)"/.exec(header);
      const link = document.createElement("a");
      link.href = URL.createObjectURL(blob);
      link.download = match ? match[1] : "stoflow-export.zip";
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 10000);
      return {ok: true, errors: {}};
    } catch (error) {
      return {ok: false, errors: {form: "network_error"}};
    }
  };

  const errorCodes = (data) => {
    const errors = {};
    if (data && typeof data.errors === "object" && data.errors !== null) {
      for (const [field, code] of Object.entries(data.errors)) errors[String(field)] = String(code);
    }
    if (Object.keys(errors).length === 0) errors.form = data && data.error ? String(data.error) : "internal_error";
    return errors;
  };

  // Post the form `formId` as JSON to `path`; resolves to {ok, errors} for the state.
  // On success the page goes to `?next=` or `fallbackNext`; with `stay`, it stays (the
  // state shows the outcome) and the form's password fields are emptied.
  const submit = async (formId, base, path, fallbackNext, stay = false) => {
    if (busy.has(formId)) return {ok: false, pending: true, errors: {}};
    const form = document.getElementById(formId);
    if (!form) return {ok: false, errors: {form: "internal_error"}};
    const body = Object.fromEntries(new FormData(form).entries());
    const next = localTarget(new URLSearchParams(window.location.search).get("next"), fallbackNext);
    busy.add(formId);
    try {
      const response = await authedFetch(base, path, {
        method: "POST",
        headers: {"Content-Type": "application/json"},
        body: JSON.stringify(body),
      });
      if (response.ok) {
        if (!stay) {
          navigate(next);
          return {ok: true, errors: {}};
        }
        busy.delete(formId);
        form.querySelectorAll("input[type=password]").forEach((input) => (input.value = ""));
        return {ok: true, stayed: true, errors: {}};
      }
      let data = {};
      try {
        data = await response.json();
      } catch (error) {
        // not JSON (a proxy's error page): a generic error
      }
      busy.delete(formId);
      return {ok: false, errors: errorCodes(data)};
    } catch (error) {
      busy.delete(formId);
      return {ok: false, errors: {form: "network_error"}};
    }
  };

  // End the session on the server, then load `target`; resolves to {ok: false} when the
  // server could not be reached (the session is still open then).
  const signOut = async (base, path, target) => {
    try {
      const response = await fetch(apiUrl(base, path), {method: "POST", credentials: "include"});
      if (!response.ok) return {ok: false};
    } catch (error) {
      return {ok: false};
    }
    navigate(target);
    return {ok: true};
  };

  // The strength meter of a new-password field: any <input data-strength-meter="ID">
  // posts its value (debounced) to the strength route and sets data-score (0-4, or
  // "refused") on the element ID; CSS shows the matching bar and label. The password goes
  // to the server as the form itself would, never through a Reflex event.
  const timers = new WeakMap();
  const measure = async (input) => {
    const meter = document.getElementById(input.dataset.strengthMeter);
    if (!meter) return;
    if (!input.value) {
      meter.dataset.score = "";
      return;
    }
    const form = input.form;
    const field = (name) => (form && form.elements.namedItem(name) ? form.elements.namedItem(name).value : "");
    try {
      const response = await fetch(apiUrl(meter.dataset.api || "", "/api/auth/password-strength"), {
        method: "POST",
        credentials: "include",
        headers: {"Content-Type": "application/json"},
        body: JSON.stringify({password: input.value, email: field("email") || meter.dataset.email || "", display_name: field("display_name")}),
      });
      if (!response.ok) return;
      const data = await response.json();
      // Too short: the field's hint says so; the meter still shows how guessable it is.
      const refused = data.problem === "password_common" || data.problem === "password_too_weak";
      meter.dataset.score = refused ? "refused" : String(data.score);
    } catch (error) {
      // offline: the meter stays as it was; the server checks on submit anyway
    }
  };
  document.addEventListener("input", (event) => {
    const input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.dataset.strengthMeter) return;
    clearTimeout(timers.get(input));
    timers.set(input, setTimeout(() => measure(input), 250));
  });

  // Post {email} from the input `inputId` to `path` (resend a link): codes only come back.
  const postEmail = async (inputId, base, path) => {
    const input = document.getElementById(inputId);
    try {
      const response = await fetch(apiUrl(base, path), {
        method: "POST",
        credentials: "include",
        headers: {"Content-Type": "application/json"},
        body: JSON.stringify({email: input ? input.value : ""}),
      });
      if (response.ok) return {ok: true, errors: {}};
      let data = {};
      try {
        data = await response.json();
      } catch (error) {
        // not JSON
      }
      return {ok: false, errors: errorCodes(data)};
    } catch (error) {
      return {ok: false, errors: {form: "network_error"}};
    }
  };

  window.stoflowAuth = {submit, signOut, postEmail, download};
})();
