/*
 * The product editor's unsaved-changes warning.
 *
 * Typing in #product-form marks it dirty; leaving the page (closing the tab, reloading,
 * or following a link inside the app) then asks first. A successful save calls
 * window.stoflowEditor.saved() (from the state), which makes the form clean again.
 *
 * The AI assistant fills fields in with window.stoflowEditor.setField(name, value) (or
 * setFields({name: value})): the form's uncontrolled inputs are set as if typed, so React
 * and the dirty flag see it and the seller's other unsaved edits stay; formValues() reads
 * the form as the seller sees it. Controls inside [data-editor-ignore] (the assistant's own
 * marketplace choice) do not make the form dirty.
 */
(() => {
  const FORM_ID = "product-form";
  const MESSAGES = {
    en: "You have unsaved changes. Leave anyway?",
    fr: "Vos modifications ne sont pas enregistrées. Quitter quand même ?",
  };
  let dirty = false;

  const language = () => (/(?:^|;\s*)stoflow_lang=(fr|en)/.exec(document.cookie) || [])[1] || "en";
  const inForm = (node) => node instanceof Element && node.closest(`#${FORM_ID}`) !== null;
  const edits = (node) => inForm(node) && node.closest("[data-editor-ignore]") === null;

  document.addEventListener("input", (event) => {
    if (edits(event.target)) dirty = true;
  });
  document.addEventListener("change", (event) => {
    if (edits(event.target)) dirty = true;
  });

  window.addEventListener("beforeunload", (event) => {
    if (!dirty || !document.getElementById(FORM_ID)) return;
    event.preventDefault();
    event.returnValue = "";
  });

  // Links inside the app change the page without unloading it: ask before following one.
  document.addEventListener(
    "click",
    (event) => {
      if (!dirty || !document.getElementById(FORM_ID)) return;
      const link = event.target instanceof Element ? event.target.closest("a[href]") : null;
      if (!link || inForm(link) && link.getAttribute("href").startsWith("#")) return;
      if (window.confirm(MESSAGES[language()])) {
        dirty = false;
      } else {
        event.preventDefault();
        event.stopPropagation();
      }
    },
    true,
  );

  const PROTOTYPES = [HTMLInputElement, HTMLSelectElement, HTMLTextAreaElement].map((type) => type.prototype);
  const FILL_TRIES = 40; // a select may be re-rendered with its new options (category change): wait for it
  const FILL_WAIT_MS = 50;

  const field = (name) => {
    const form = document.getElementById(FORM_ID);
    return form ? form.querySelector(`[name="${CSS.escape(name)}"]`) : null;
  };

  // The native setter, then input and change events: React's onChange runs and its value
  // tracker stays right, exactly as if the seller had typed or picked the value.
  const fillOnce = (name, value) => {
    const element = field(name);
    if (!element) return false;
    const prototype = PROTOTYPES.find((candidate) => candidate.isPrototypeOf(element));
    if (!prototype) return false;
    Object.getOwnPropertyDescriptor(prototype, "value").set.call(element, value);
    element.dispatchEvent(new Event("input", { bubbles: true }));
    element.dispatchEvent(new Event("change", { bubbles: true }));
    return element.value === value;
  };

  const setField = (name, value) =>
    new Promise((resolve) => {
      const text = value === null || value === undefined ? "" : String(value);
      let tries = 0;
      const attempt = () => {
        if (fillOnce(name, text)) return resolve(true);
        tries += 1;
        if (tries >= FILL_TRIES) return resolve(false);
        window.setTimeout(attempt, FILL_WAIT_MS);
      };
      // After the state update that came with this call has been rendered.
      window.requestAnimationFrame(() => window.setTimeout(attempt, 0));
    });

  const formValues = () => {
    const form = document.getElementById(FORM_ID);
    const values = {};
    if (!form) return values;
    for (const [name, value] of new FormData(form).entries()) {
      if (typeof value === "string") values[name] = value;
    }
    return values;
  };

  window.stoflowEditor = {
    saved: () => {
      dirty = false;
    },
    isDirty: () => dirty,
    markDirty: () => {
      if (document.getElementById(FORM_ID)) dirty = true;
    },
    setField,
    setFields: (values) =>
      Promise.all(Object.entries(values || {}).map(([name, value]) => setField(name, value))),
    formValues,
  };
})();
