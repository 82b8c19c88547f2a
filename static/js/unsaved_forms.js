/* A page of several forms that each save alone and come back as saved (the letter settings:
   the organization details and the letter paragraphs). Sending one reloads the page, which
   drew the other from what was saved: its unsaved changes were lost without a word (from QA).
   So each form marked data-unsaved-name="…" is watched: sending one while another has changes
   asks first, naming the other; leaving the page with changes in any asks too (the browser's
   own question), except by sending a form. A form drawn refused (data-unsaved-refused) holds
   what was posted and not saved, so it counts as changed from the start. */
(function () {
  "use strict";

  var forms = Array.prototype.slice.call(document.querySelectorAll("form[data-unsaved-name]"));
  if (!forms.length) return;

  function values(form) {
    var pairs = [];
    Array.prototype.forEach.call(form.elements, function (element) {
      if (!element.name || element.type === "hidden" || element.type === "submit") return;
      if ((element.type === "checkbox" || element.type === "radio") && !element.checked) return;
      pairs.push(element.name + "=" + element.value);
    });
    return pairs.join("\n");
  }

  var drawn = new Map();
  forms.forEach(function (form) { drawn.set(form, values(form)); });

  function changed(form) {
    return form.hasAttribute("data-unsaved-refused") || values(form) !== drawn.get(form);
  }

  // The form whose sending was agreed to: session.js sends it again once it has asked the
  // server whether the session is alive, and that second submit is not asked about again.
  var agreed = null;
  document.addEventListener("input", function () { agreed = null; });

  // Capture: before session.js, which holds every plain form back while it asks the server.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (forms.indexOf(form) === -1 || agreed === form) return;
    var others = forms.filter(function (other) { return other !== form && changed(other); });
    if (!others.length) return;
    var names = others.map(function (other) { return "the " + other.dataset.unsavedName; });
    var message = "Your changes to " + names.join(" and ") + " are not saved. Saving the "
      + form.dataset.unsavedName + " reloads this page without them.\n\nSave the "
      + form.dataset.unsavedName + " and lose those changes?";
    if (window.confirm(message)) {
      agreed = form;
    } else {
      event.preventDefault();
      event.stopImmediatePropagation();
      var first = others[0].querySelector("textarea, input:not([type=hidden]), select");
      if (first) first.focus();
    }
  }, true);

  // A submit nobody held back (on window, the last to hear it) leaves the page on purpose.
  var leaving = false;
  window.addEventListener("submit", function (event) {
    if (!event.defaultPrevented) leaving = true;
  });
  window.addEventListener("pageshow", function () { leaving = false; });
  window.addEventListener("beforeunload", function (event) {
    if (leaving || !forms.some(changed)) return;
    event.preventDefault();
    event.returnValue = "";
  });
})();
