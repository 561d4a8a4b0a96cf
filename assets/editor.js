/*
 * The product editor's unsaved-changes warning.
 *
 * Typing in #product-form marks it dirty; leaving the page (closing the tab, reloading,
 * or following a link inside the app) then asks first. A successful save calls
 * window.stoflowEditor.saved() (from the state), which makes the form clean again.
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

  document.addEventListener("input", (event) => {
    if (inForm(event.target)) dirty = true;
  });
  document.addEventListener("change", (event) => {
    if (inForm(event.target)) dirty = true;
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

  window.stoflowEditor = {
    saved: () => {
      dirty = false;
    },
    isDirty: () => dirty,
  };
})();
