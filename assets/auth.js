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

  // Where to go after signing in: a path of this site only (never `//host`, `/\host`
  // or another origin), else the fallback.
  const localTarget = (wanted, fallback) => {
    if (!wanted || !wanted.startsWith("/")) return fallback;
    try {
      const url = new URL(wanted, window.location.origin);
      if (url.origin === window.location.origin) return url.pathname + url.search + url.hash;
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

  const errorCodes = (data) => {
    const errors = {};
    if (data && typeof data.errors === "object" && data.errors !== null) {
      for (const [field, code] of Object.entries(data.errors)) errors[String(field)] = String(code);
    }
    if (Object.keys(errors).length === 0) errors.form = data && data.error ? String(data.error) : "internal_error";
    return errors;
  };

  // Post the form `formId` as JSON to `path`; resolves to {ok, errors} for the state.
  const submit = async (formId, base, path, fallbackNext) => {
    if (busy.has(formId)) return {ok: false, pending: true, errors: {}};
    const form = document.getElementById(formId);
    if (!form) return {ok: false, errors: {form: "internal_error"}};
    const body = Object.fromEntries(new FormData(form).entries());
    const next = localTarget(new URLSearchParams(window.location.search).get("next"), fallbackNext);
    busy.add(formId);
    try {
      const response = await fetch(apiUrl(base, path), {
        method: "POST",
        credentials: "include",
        headers: {"Content-Type": "application/json"},
        body: JSON.stringify(body),
      });
      if (response.ok) {
        navigate(next);
        return {ok: true, errors: {}};
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

  window.stoflowAuth = {submit, signOut};
})();
