/* A page of several forms that each save alone and come back as saved (the letter settings,
   the facts page, the case page's findings). Sending one reloads the page, or redraws its
   part, from what was saved: the other forms' unsaved changes were lost without a word (from
   QA). So each form marked data-unsaved-name="…" is watched: sending one while another has
   changes asks first, naming the other; leaving the page with changes in any asks too (the
   browser's own question), except by sending a form. A form drawn refused
   (data-unsaved-refused) holds what was posted and not saved, so it counts as changed from the
   start; it is marked only when something in it was typed or chosen (the form's has_changed:
   from QA, a finding refused with nothing typed made the page ask about it). Forms htmx draws later (the case page's workflow after a finding) are watched from
   when they are drawn. Any other form sent on the page (a button that acts at once, such as
   "Mark records complete") redraws it too, so it asks the same, naming its button. */
(function () {
  "use strict";

  function watched() {
    return Array.prototype.slice.call(document.querySelectorAll("form[data-unsaved-name]"));
  }

  function values(form) {
    var pairs = [];
    Array.prototype.forEach.call(form.elements, function (element) {
      if (!element.name || element.type === "hidden" || element.type === "submit") return;
      if ((element.type === "checkbox" || element.type === "radio") && !element.checked) return;
      pairs.push(element.name + "=" + element.value);
    });
    return pairs.join("\n");
  }

  // What each form held when it was drawn.
  var drawn = new WeakMap();
  function remember() {
    watched().forEach(function (form) {
      if (!drawn.has(form)) drawn.set(form, values(form));
    });
  }
  remember();
  document.addEventListener("htmx:load", remember);

  function changed(form) {
    return form.hasAttribute("data-unsaved-refused") || values(form) !== drawn.get(form);
  }

  // The field to take the user back to: the first one changed (else the form's first field).
  function firstChanged(form) {
    var fields = Array.prototype.filter.call(form.elements, function (element) {
      return element.name && element.type !== "hidden" && element.type !== "submit";
    });
    var edited = fields.filter(function (element) {
      if (element.type === "checkbox" || element.type === "radio") {
        return element.checked !== element.defaultChecked;
      }
      if (element.tagName === "SELECT") {
        return Array.prototype.some.call(element.options, function (option) {
          return option.selected !== option.defaultSelected;
        });
      }
      return element.value !== element.defaultValue;
    });
    return edited[0] || fields[0] || null;
  }

  // The form whose sending was agreed to: session.js sends a plain form again once it has
  // asked the server whether the session is alive, and that second submit is not asked about.
  var agreed = null;
  document.addEventListener("input", function () { agreed = null; });

  // Capture: before session.js, which holds every plain form back while it asks the server,
  // and before htmx sends a form of its own.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    // A search sent by GET leaves the page too (the Assign page's: from QA, it came back
    // without the reason typed). Not one htmx sends in place, one that opens elsewhere (a new
    // tab, a download) or a dialog's.
    var byHtmx = ["get", "post", "put", "patch", "delete"].some(function (verb) {
      return form.hasAttribute("hx-" + verb) || form.hasAttribute("data-hx-" + verb);
    });
    var method = (form.getAttribute("method") || "get").toLowerCase();
    var elsewhere = (form.target && form.target !== "_self") || method === "dialog";
    var leavesByGet = method !== "post" && !byHtmx && !elsewhere;
    if (agreed === form || (method !== "post" && !leavesByGet)) return;
    var others = watched().filter(function (other) { return other !== form && changed(other); });
    if (!others.length) return;
    var names = others.map(function (other) { return "the " + other.dataset.unsavedName; });
    // What is sent: the watched form by its name, another by its button's words.
    var button = (event.submitter && event.submitter.textContent.trim()) || "this button";
    var doing = form.dataset.unsavedName ? "saving the " + form.dataset.unsavedName
      : "“" + button + "”";
    var question = form.dataset.unsavedName ? "Save the " + form.dataset.unsavedName + " anyway?"
      : "Go on with “" + button + "”?";
    // From QA: "draws this page again without them" was not what every page does (one goes on
    // to another page, a refusal keeps them): only what is sure is said.
    var message = "Your changes to " + names.join(" and ") + " are not saved, and " + doing
      + " does not save them: they may be lost.\n\n" + question;
    if (window.confirm(message)) {
      agreed = form;
    } else {
      event.preventDefault();
      event.stopImmediatePropagation();
      var first = firstChanged(others[0]);
      if (first) first.focus();
    }
  }, true);

  window.addEventListener("beforeunload", function (event) {
    // Sending a form leaves on purpose (session.js says when).
    if (window.imrLeavingByForm() || !watched().some(changed)) return;
    event.preventDefault();
    event.returnValue = "";
  });
})();
