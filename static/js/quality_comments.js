/* Quality review: the medical director's comments for a return (one box per item, tied to the
   return form by form="return-form", and the general comment) are sent only with "Return with
   comments", the comment for the file only with the approval; there is no autosave. A reload
   or a stray click lost them without a word (from QA). So, as the reviewer's workspace does
   (autosave.js), they are kept in this browser's localStorage while typed (key: user, case,
   determination version), put back on the next visit with a notice, and forgotten once the
   return or approval is sent (the queue the server redirects to names them:
   data-quality-comments-sent) or once the determination has another version. Leaving the
   page with comments typed asks first, except by sending one of its forms.
   The queue page loads this file too, for the forgetting alone. */
(function () {
  "use strict";

  // Every key under `prefix` but `keep`.
  function forget(prefix, keep) {
    try {
      Object.keys(localStorage).forEach(function (key) {
        if (key.indexOf(prefix) === 0 && key !== keep) localStorage.removeItem(key);
      });
    } catch (error) { /* storage unavailable: nothing was kept */ }
  }

  document.querySelectorAll("[data-quality-comments-sent]").forEach(function (element) {
    forget(element.getAttribute("data-quality-comments-sent"));
  });

  var root = document.querySelector("[data-quality-comments]");
  if (!root) return;
  var prefix = root.getAttribute("data-quality-comments");
  var form = document.getElementById("return-form");
  // Approved or returned already (the page offers no decision): nothing is left to send.
  if (!form) { forget(prefix); return; }
  var key = prefix + root.getAttribute("data-version");
  // Typed for an earlier version of the determination: about a text that has changed since.
  forget(prefix, key);

  // The return's boxes and the approval's "Comment for the file" (from QA: a refused return
  // drew the page again and the approval's comment, in the other form, came back empty). The
  // approval's form is drawn again by htmx when refused, so it is looked up each time.
  function forms() {
    return [form, document.getElementById("approve-form")].filter(Boolean);
  }

  function kept(element) {
    return element.tagName === "TEXTAREA" && forms().indexOf(element.form) !== -1;
  }

  function boxes() {
    return forms().reduce(function (all, each) {
      return all.concat(Array.prototype.slice.call(each.elements));
    }, []).filter(kept);
  }

  // The two forms each have a `comment`: the approval's is kept under a name of its own.
  function nameOf(box) {
    return (box.form === form ? "" : "approve:") + box.name;
  }

  function typed() {
    return boxes().some(function (box) { return box.value.trim() !== ""; });
  }

  function remember() {
    var comments = {};
    boxes().forEach(function (box) { if (box.value.trim()) comments[nameOf(box)] = box.value; });
    try {
      if (Object.keys(comments).length) {
        localStorage.setItem(key, JSON.stringify({ comments: comments, at: Date.now() }));
      } else {
        localStorage.removeItem(key);
      }
    } catch (error) { /* storage full or unavailable: the warning on leaving still stands */ }
  }

  // Put back what was typed here and not sent, in the boxes the page drew empty (a refused
  // return draws them with what was posted).
  var saved = null;
  try { saved = JSON.parse(localStorage.getItem(key) || "null"); } catch (error) { saved = null; }
  var restored = 0;
  if (saved && saved.comments) {
    boxes().forEach(function (box) {
      var value = saved.comments[nameOf(box)];
      if (typeof value === "string" && !box.value.trim()) {
        box.value = value;
        restored += 1;
      }
    });
  }
  // Said with the page's messages; a reload puts the page back where it was scrolled, so when
  // their place is out of view they float at the window's foot until dismissed, as session.js
  // does for an action's message.
  var messages = document.getElementById("messages");
  if (restored && messages) {
    var notice = document.createElement("div");
    notice.className = "message message--warning";
    notice.innerHTML = "<p>Restored " + (restored === 1 ? "a comment" : restored + " comments")
      + " you typed on this computer (" + window.imrTime(saved.at || Date.now(), true)
      + ") and had not sent. A comment for the reviewer goes with “Return with comments”, "
      + "the comment for the file with the approval.</p>"
      + '<button type="button" class="message__dismiss" aria-label="Dismiss this message">×</button>';
    messages.appendChild(notice);
    // session.js's: floats the messages when their place is out of view.
    var place = window.imrMessagesPlace || function () {};
    var placeOnce = function () {
      window.removeEventListener("scroll", placeOnce);
      place();
    };
    place();
    // The browser's own scrolling back is the first scroll.
    window.addEventListener("scroll", placeOnce);
  }
  remember();

  document.addEventListener("input", function (event) {
    if (kept(event.target)) remember();
  });

  // "Approve" sends the comment for the file, not the comments typed for the reviewer: said
  // first, with a way on (from QA: approved and issued at once, the return's comments
  // dropped without a word). htmx asks before it sends the approval (htmx:confirm).
  document.addEventListener("htmx:confirm", function (event) {
    var approve = document.getElementById("approve-form");
    if (!approve || event.detail.elt !== approve || approve.dataset.returnCommentsSeen) return;
    var forReviewer = Array.prototype.filter.call(form.elements, function (box) {
      return box.tagName === "TEXTAREA" && box.value.trim() !== "";
    });
    if (!forReviewer.length) return;
    event.preventDefault();
    var warning = approve.querySelector(".approve-unsent");
    if (!warning) {
      warning = document.createElement("div");
      warning.className = "callout callout--warn approve-unsent";
      warning.setAttribute("role", "alert");
      warning.setAttribute("tabindex", "-1");
      var text = document.createElement("p");
      var go = document.createElement("button");
      go.type = "button";
      go.className = "button";
      go.textContent = "Approve anyway";
      warning.appendChild(text);
      warning.appendChild(go);
      approve.insertBefore(warning, approve.querySelector("button[type=submit]"));
      go.addEventListener("click", function () {
        approve.dataset.returnCommentsSeen = "1";
        approve.requestSubmit();
      });
    }
    warning.querySelector("p").textContent = "You typed "
      + (forReviewer.length === 1 ? "a comment" : forReviewer.length + " comments")
      + " for the reviewer. “Approve” does not send them: they go only with “Return with "
      + "comments”. Return it instead, or approve anyway (they stay typed here).";
    warning.focus();
  });

  // Sending a form (return, approval, a consistency flag's finding) leaves on purpose
  // (session.js says when): the comments stay kept until the server has taken the return or
  // approval. One refused is answered in place, and the page stays.
  window.addEventListener("beforeunload", function (event) {
    if (window.imrLeavingByForm() || !typed()) return;
    event.preventDefault();
    event.returnValue = "";
  });
})();
