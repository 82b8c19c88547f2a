/* The intake form keeps its work, as the determination's autosave does: what is typed is saved
   to the user's draft on the server (debounced; the form's hx-post, triggered here), with a
   visible state; chosen record files are uploaded at once by their own hx-post.

   The safety net: fields changed since the server last confirmed are also kept in this
   browser's localStorage (key: user, draft). An ended session (401), a lost connection or a
   closed tab leaves them there; the next visit to the same draft puts them back and saves
   them. Only the changed fields are sent with `changed`, so a window that is behind another
   merges field by field instead of overwriting. */
(function () {
  "use strict";

  var form = document.querySelector("form[data-intake-draft]");
  if (!form) return;

  var DELAY = 800;
  var prefix = form.getAttribute("data-storage-prefix");
  var status = document.getElementById("draft-status");
  var changed = {};  // field name -> change number
  var counter = 0;
  var sentUpTo = 0;
  var timer = null;

  function cookie(name) {
    var match = document.cookie.match("(?:^|; )" + name + "=([^;]*)");
    return match ? decodeURIComponent(match[1]) : null;
  }

  function clock() {
    return window.imrTime(Date.now(), false);
  }

  function draftId() {
    var input = document.getElementById("draft-id");
    return input ? input.value : "";
  }

  function storageKey() { return prefix + (draftId() || "new"); }

  function show(html, kind) {
    if (!status) return;
    // The same failure again keeps its message in place (session.js: imrSaveFailedAgain).
    if (kind === "error" && window.imrSaveFailedAgain(status, html)) return;
    status.innerHTML = '<span class="save-status--' + kind + '">' + html + "</span>";
  }

  function isDraftField(element) {
    return element && element.name && element.form === form && element.type !== "file" &&
      !element.hasAttribute("data-no-draft") && /^[a-z_]+-[\w-]+$/.test(element.name);
  }

  function valueOf(name) {
    var elements = form.querySelectorAll("[name='" + name + "']");
    if (!elements.length) return null;
    var first = elements[0];
    if (first.type === "radio") {
      var checked = form.querySelector("[name='" + name + "']:checked");
      return checked ? checked.value : "";
    }
    if (first.type === "checkbox") return first.checked ? first.value : null;
    return first.value;
  }

  function setValue(name, value) {
    form.querySelectorAll("[name='" + name + "']").forEach(function (element) {
      if (element.type === "radio") element.checked = element.value === value;
      else if (element.type === "checkbox") element.checked = value !== null;
      else element.value = value;
    });
  }

  function remember() {
    var names = Object.keys(changed);
    try {
      if (!names.length) { localStorage.removeItem(storageKey()); return; }
      var values = {};
      names.forEach(function (name) { values[name] = valueOf(name); });
      localStorage.setItem(storageKey(), JSON.stringify({ values: values, at: Date.now() }));
    } catch (error) { /* storage full or unavailable: the server copy is still the goal */ }
  }

  function save() {
    clearTimeout(timer);
    timer = null;
    htmx.trigger(form, "draft-save");
  }

  function touched(event) {
    var element = event.target;
    if (!isDraftField(element)) return;
    changed[element.name] = ++counter;
    remember();
    show("Not saved yet…", "pending");
    clearTimeout(timer);
    timer = setTimeout(save, DELAY);
  }
  form.addEventListener("input", touched);
  form.addEventListener("change", touched);

  // After signing in again (which rotates the CSRF token), requests must use the new token;
  // so must a plain submission of this form (else the server refuses it as out of date).
  document.addEventListener("htmx:configRequest", function (event) {
    var token = cookie("csrftoken");
    if (token) event.detail.headers["X-CSRFToken"] = token;
    if (event.detail.elt !== form) return;
    var data = event.detail.formData;
    // The autosave carries text only: files go up once, by their own request.
    form.querySelectorAll("input[type=file]").forEach(function (input) { data.delete(input.name); });
    data.delete("csrfmiddlewaretoken");
    sentUpTo = counter;
    Object.keys(changed).forEach(function (name) { data.append("changed", name); });
  });
  // A second press while the form's post is on its way (a double click on "Create case")
  // sent the application twice: the first made the case, the second came back "already on
  // file" and kept a stray draft of it. The page that comes back (or Back) may post again.
  var posting = false;
  window.addEventListener("pageshow", function () { posting = false; });
  form.addEventListener("submit", function (event) {
    if (posting) { event.preventDefault(); return; }
    posting = true;
    // A submission something else stopped is not on its way.
    setTimeout(function () { if (event.defaultPrevented) posting = false; }, 0);
    var token = cookie("csrftoken");
    var input = form.querySelector("[name=csrfmiddlewaretoken]");
    if (token && input) input.value = token;
    remember();
  });

  form.addEventListener("htmx:beforeRequest", function (event) {
    if (event.detail.elt !== form) return;
    // A failure's message stays while the save is tried again (session.js: imrSaveSending).
    if (!window.imrSaveSending(status)) show("Saving…", "saving");
  });

  form.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.elt !== form) return;
    var xhr = event.detail.xhr;
    if (event.detail.successful) {
      Object.keys(changed).forEach(function (name) {
        if (changed[name] <= sentUpTo) delete changed[name];
      });
      // Typed while this save was on its way: not in it, so the status must not say "Saved".
      if (Object.keys(changed).length) show("Not saved yet…", "pending");
      // A draft begun by this save: what is still unsaved moves to its key.
      if (draftId()) { try { localStorage.removeItem(prefix + "new"); } catch (error) { /* */ } }
      remember();
      // A reload (or signing in again here) comes back to this draft.
      if (draftId() && window.history.replaceState) {
        var url = new URL(window.location.href);
        url.searchParams.delete("new");
        url.searchParams.set("draft", draftId());
        window.history.replaceState(null, "", url);
      }
      return;
    }
    // Our own message instead of the page-wide error banner; the page notice says the same.
    var retry = ' <button type="button" class="button button--quiet" data-save-retry>Retry now</button>';
    var kept = " What you typed is kept on this page and in this browser.";
    if (!xhr || xhr.status === 0) {
      event.stopPropagation();
      show("Not saved at " + clock() + ": the connection was lost." + kept + retry, "error");
    } else if (xhr.status === 401) {
      show('Not saved: your session has ended. <a href="/login/?next=' +
        encodeURIComponent(window.location.pathname + "?draft=" + draftId()) +
        '" target="_blank" rel="noopener">Sign in again</a> (in a new tab); saving goes on once you are back.' +
        kept + retry, "error");
    } else {
      event.stopPropagation();
      show("Not saved: the server refused (" + xhr.status + "); sign in again in another tab if your session changed." + kept + retry, "error");
    }
  });
  form.addEventListener("htmx:sendError", function (event) {
    if (event.detail.elt === form) event.stopPropagation();
  });
  form.addEventListener("htmx:responseError", function (event) {
    if (event.detail.elt === form && event.detail.xhr.status !== 401) event.stopPropagation();
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-save-retry]")) save();
  });

  // Local copies of drafts that are gone (their case was created, or started over).
  try {
    var live = (form.getAttribute("data-draft-ids") || "").split(",").filter(Boolean);
    Object.keys(localStorage).forEach(function (key) {
      if (key.indexOf(prefix) !== 0) return;
      var id = key.slice(prefix.length);
      if (id !== "new" && live.indexOf(id) === -1) localStorage.removeItem(key);
    });
  } catch (error) { /* storage unavailable: nothing to clear */ }

  // Put back what never reached the server (ended session, lost connection, closed tab).
  var saved = null;
  try { saved = JSON.parse(localStorage.getItem(storageKey()) || "null"); } catch (error) { saved = null; }
  if (saved && saved.values) {
    var restored = 0;
    Object.keys(saved.values).forEach(function (name) {
      if (!form.querySelector("[name='" + name + "']")) return;
      if (valueOf(name) !== saved.values[name]) {
        setValue(name, saved.values[name]);
        restored += 1;
      }
      changed[name] = ++counter;
    });
    if (restored) {
      var when = window.imrTime(saved.at, true);
      var notice = document.createElement("div");
      notice.className = "message message--warning";
      notice.setAttribute("role", "alert");
      notice.innerHTML = "<p>Restored what you typed on this computer (" + when + ") that had not reached the server. It is being saved now.</p>";
      form.insertBefore(notice, form.firstChild);
    }
    if (Object.keys(changed).length) {
      // htmx sets up the form on DOMContentLoaded (after this deferred script): save after it.
      if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", function () { setTimeout(save, 0); });
      } else {
        setTimeout(save, 0);
      }
    }
  }
})();
