/* The determination workspace: autosave status, the local safety net for unsaved text, the
   choice offered when another window changed the same text, the guideline picker, and the
   summary's sentence starters. htmx does the saving itself (hx-post on the draft form).

   The safety net: while a text has not reached the server, it is kept in this browser's
   localStorage (key: user, case, round, field). It is removed as soon as the server has it.
   A closed tab, an expired session or a lost connection leaves it there, and the next visit
   puts it back in the box (with a notice) and saves it. If the server's text changed in the
   meantime, the server refuses to overwrite it and the reviewer chooses. */
(function () {
  "use strict";

  function clock() {
    return window.imrTime(Date.now(), false);
  }

  // After signing in again, retries use the new CSRF token: session.js puts it in every
  // request.

  // A submitted determination: nothing of it needs keeping in the browser.
  document.querySelectorAll("[data-clear-drafts]").forEach(function (element) {
    var prefix = element.getAttribute("data-clear-drafts");
    try {
      Object.keys(localStorage).forEach(function (key) {
        if (key.indexOf(prefix) === 0) localStorage.removeItem(key);
      });
    } catch (error) { /* storage unavailable: nothing to clear */ }
  });

  // A short visible window (the on-screen keyboard open, or a phone turned sideways): the Save
  // bar waits at the form's foot instead of floating over the text being typed (reviews.css,
  // .viewport-short). The keyboard shrinks the visual viewport only, on most phones, not the
  // height a media query reads (from a review of the first fix, a media query alone).
  if (window.visualViewport && document.querySelector(".ws-savebar")) {
    var fitSaveBar = function () {
      var rem = parseFloat(window.getComputedStyle(document.documentElement).fontSize) || 16;
      document.documentElement.classList.toggle(
        "viewport-short", window.visualViewport.height < 34 * rem
      );
    };
    window.visualViewport.addEventListener("resize", fitSaveBar);
    window.addEventListener("resize", fitSaveBar);
    fitSaveBar();
  }

  // Records open in the viewer beside the form; mark them as opened at once.
  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-record-link]");
    if (!link) return;
    var item = link.closest(".record-list__item");
    if (item) {
      item.classList.add("is-opened");
      var badge = item.querySelector(".record-list__opened");
      if (badge) badge.hidden = false;
    }
  });

  var form = document.querySelector("form[data-autosave]");
  if (!form) return;

  // The catalog search boxes live inside the form but are not part of the draft: their
  // typing must not trigger an autosave (the form's hx-trigger listens for input and change).
  form.querySelectorAll("input[type=search]").forEach(function (box) {
    ["input", "change"].forEach(function (type) {
      box.addEventListener(type, function (event) { event.stopPropagation(); });
    });
    // Enter in a search box searches at once; it must not send the whole draft form (the
    // browser's implicit submission), which reloaded the step and cleared the search.
    box.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" || event.isComposing) return;
      event.preventDefault();
      htmx.trigger(box, "search-now");
    });
  });

  // Enter in a one-line field of the draft (a citation, a radio) saves the draft where it
  // stands; it must not send the form by the browser's implicit submission, which reloaded the
  // step at its top and lost the reader's place (from a keyboard QA pass).
  form.addEventListener("keydown", function (event) {
    var field = event.target;
    if (event.key !== "Enter" || event.isComposing || field.tagName !== "INPUT") return;
    if (field.type === "search" || field.type === "submit" || field.type === "button") return;
    event.preventDefault();
    htmx.trigger(form, "draft-save");
  });

  // The catalog's results by keyboard (from QA: only the mouse or many Tabs reached them): the
  // down arrow in the search box goes to the first result, up and down move between results,
  // and Escape, or up from the first, goes back to the search box.
  form.addEventListener("keydown", function (event) {
    var field = event.target;
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp" && event.key !== "Escape") return;
    var search = null;
    var results = null;
    if (field.matches && field.matches("input[id^=gsearch-]")) {
      search = field;
      results = document.getElementById(field.id.replace("gsearch-", "gresults-"));
    } else if (field.matches && field.matches("[data-guideline-pick]")) {
      results = field.closest("[id^=gresults-]");
      search = results && document.getElementById(results.id.replace("gresults-", "gsearch-"));
    }
    if (!search || !results) return;
    var picks = Array.prototype.slice.call(results.querySelectorAll("[data-guideline-pick]"));
    var at = picks.indexOf(field);
    var next = null;
    if (event.key === "Escape") next = field === search ? null : search;
    else if (event.key === "ArrowDown") next = at < 0 ? picks[0] : picks[at + 1];
    else next = at > 0 ? picks[at - 1] : at === 0 ? search : null;
    if (!next) return;
    event.preventDefault();
    next.focus();
  });

  // A field that takes the focus lies clear of the sticky Save bar, whole when it fits above
  // it (WCAG 2.4.11), with the hint and error that describe it (aria-describedby: the
  // citation's hint sat under the bar): the browser shows only the caret's line of a text
  // box. (reviews.css keeps the bar's height free when the page scrolls.)
  // Scrolls what spans from `top` to `bottom` (in the window) clear above the Save bar, as
  // much as fits without losing its top.
  function clearOfSaveBar(top, bottom) {
    var bar = form.querySelector(".ws-savebar");
    if (!bar) return;
    var below = bottom - bar.getBoundingClientRect().top;
    if (below > 0) window.scrollBy(0, Math.min(below + 8, Math.max(top - 8, 0)));
  }
  form.addEventListener("focusin", function (event) {
    var bar = form.querySelector(".ws-savebar");
    var field = event.target;
    if (!bar || bar.contains(field)) return;
    window.requestAnimationFrame(function () {
      var box = field.getBoundingClientRect();
      var bottom = box.bottom;
      (field.getAttribute("aria-describedby") || "").split(/\s+/).forEach(function (id) {
        var said = id && document.getElementById(id);
        if (said) bottom = Math.max(bottom, said.getBoundingClientRect().bottom);
      });
      clearOfSaveBar(box.top, bottom);
    });
  });
  // The catalog's results, drawn under a search box near the foot of the window, came up
  // under the Save bar (from QA): they are brought above it, the search box kept in view.
  form.addEventListener("htmx:afterSwap", function (event) {
    var results = event.detail.target;
    if (!results || !results.id || results.id.indexOf("gresults-") !== 0) return;
    var search = document.getElementById(results.id.replace("gresults-", "gsearch-"));
    if (!search) return;
    clearOfSaveBar(search.getBoundingClientRect().top, results.getBoundingClientRect().bottom);
  });

  // A link to one field of the draft ("Fix the text" and "Go there" on the review step:
  // #rationale-12, #summary, #outcome-12, #kind-12) puts the cursor in it, not just the page
  // at it; its scroll margin keeps its label in view above it (reviews.css), and the focus
  // handler above keeps it clear of the Save bar.
  if (location.hash.length > 1) {
    var linked = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (linked && form.contains(linked) && linked.matches("[data-draft-key]")) {
      linked.scrollIntoView({ block: "start" });
      linked.focus({ preventScroll: true });
    }
  }

  var prefix = form.getAttribute("data-storage-prefix");
  var leavingTo = null;
  var leavingResent = false;
  // The server will never take this page's text again (the case was taken back from the
  // reviewer, or the determination is read-only now): leaving must not wait for a save.
  var refusedForGood = false;
  var status = document.getElementById("save-status");

  function keyOf(element) { return element.getAttribute("data-draft-key"); }

  function valueOf(key) {
    var elements = form.querySelectorAll("[name='" + key + "']");
    if (!elements.length) return null;
    if (elements[0].type === "radio") {
      var checked = form.querySelector("[name='" + key + "']:checked");
      return checked ? checked.value : "";
    }
    return elements[0].value;
  }

  function setValue(key, value) {
    var elements = form.querySelectorAll("[name='" + key + "']");
    elements.forEach(function (element) {
      if (element.type === "radio") element.checked = element.value === value;
      else element.value = value;
    });
    syncKind();
  }

  function baseInput(key) { return document.getElementById("base-" + key); }

  // Compare texts as the server does (line ends as LF).
  function same(a, b) {
    return String(a || "").replace(/\r\n?/g, "\n") === String(b || "").replace(/\r\n?/g, "\n");
  }

  function show(html, kind) {
    if (!status) return;
    // The same failure again keeps its message in place (session.js: imrSaveFailedAgain).
    if (kind === "error" && window.imrSaveFailedAgain(status, html)) return;
    status.innerHTML = '<span class="save-status--' + kind + '">' + html + "</span>";
  }

  function storageKey(key) { return prefix + key; }

  function remember(key) {
    var base = baseInput(key);
    var value = valueOf(key);
    if (!base || value === null) return;
    try {
      if (same(value, base.value)) localStorage.removeItem(storageKey(key));
      else localStorage.setItem(storageKey(key), JSON.stringify({ value: value, base: base.value, at: Date.now() }));
    } catch (error) { /* storage full or unavailable: the server copy is still the goal */ }
  }

  function forgetSaved() {
    var keys = {};
    form.querySelectorAll("[data-draft-key]").forEach(function (element) { keys[keyOf(element)] = true; });
    Object.keys(keys).forEach(function (key) {
      var base = baseInput(key);
      if (base && same(valueOf(key), base.value)) {
        try { localStorage.removeItem(storageKey(key)); } catch (error) { /* nothing to do */ }
      }
    });
  }

  function dirty() {
    return Array.prototype.some.call(form.querySelectorAll("[data-draft-key]"), function (element) {
      var base = baseInput(keyOf(element));
      return base && !same(valueOf(keyOf(element)), base.value);
    });
  }

  function save() { htmx.trigger(form, "draft-save"); }

  // The "Save" buttons are for pages without JavaScript; here saving is automatic, but a
  // click still saves at once (and "Save and continue" then moves on by plain submission).
  form.addEventListener("input", function (event) {
    var key = event.target.getAttribute && event.target.getAttribute("data-draft-key");
    if (!key) return;
    remember(key);
    show("Not saved yet…", "pending");
  });
  form.addEventListener("change", function (event) {
    var key = event.target.getAttribute && event.target.getAttribute("data-draft-key");
    if (key) remember(key);
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
      if (status && status.querySelector(".save-status--error")) {
        // The server refused what was sent (too long, say): its reason stays on screen and
        // the text stays here and in this browser; leaving waits until it is saved.
        status.querySelector(".save-status--error").insertAdjacentText(
          "beforeend", " Your text is kept here and in this browser."
        );
        if (status.querySelector("[data-read-only]")) refusedForGood = true;
        restoredSaid("It is not saved: the save bar says why.");
        forgetSaved();  // what was saved besides (the fields refused keep their copy)
        leavingTo = null;
        leavingResent = false;
        return;
      }
      forgetSaved();
      var conflict = document.querySelector("#draft-conflict [data-conflict-key]");
      restoredSaid(conflict ? "It is not saved: it was changed in another window meanwhile (below)." : "It is saved.", true);
      if (!conflict && dirty()) {
        // Text typed while this save was on its way is not in it: the status must not say
        // "Saved" for it (its own save follows, or is sent now when leaving).
        show("Not saved yet…", "pending");
        if (leavingTo && !leavingResent) { leavingResent = true; save(); return; }
      } else if (leavingTo && !conflict) {
        window.location.href = leavingTo;
      }
      leavingTo = null;
      leavingResent = false;
      return;
    }
    leavingTo = null;
    leavingResent = false;
    // Our own message instead of the page-wide error banner.
    event.stopPropagation();
    var retry = ' <button type="button" class="button button--quiet" data-save-retry>Retry now</button>';
    var kept = " Your text is kept here and in this browser.";
    restoredSaid("It is not saved yet: the save bar says why.");
    if (!xhr || xhr.status === 0) {
      show("Not saved at " + clock() + ": the connection was lost." + kept + retry, "error");
    } else if (xhr.status === 404) {
      // The draft's address answers 404 once the case is no longer the reviewer's (taken
      // back or reassigned by an administrator; its draft is gone). Retrying cannot help.
      refusedForGood = true;
      show("Not saved: this case is no longer assigned to you (an administrator may have reassigned it), so its draft is closed." + kept + ' Copy it now if you need it. <a href="/reviews/">My cases</a>', "error");
    } else if (xhr.status === 401) {
      show('Not saved: your session has ended. <a href="/login/" target="_blank" rel="noopener">Sign in again</a> (opens a new tab), then retry.' + kept + retry, "error");
    } else if (xhr.status === 403) {
      show("Not saved: the server refused (your sign-in may have changed). Sign in again in another tab, then retry." + kept + retry, "error");
    } else {
      show("Not saved: the server had a problem (" + xhr.status + ")." + kept + retry, "error");
    }
  });
  form.addEventListener("htmx:sendError", function (event) { event.stopPropagation(); });
  form.addEventListener("htmx:responseError", function (event) { event.stopPropagation(); });

  // A conflict: the server's text arrives with the choice; nothing was overwritten.
  form.addEventListener("htmx:oobAfterSwap", function (event) {
    var target = event.detail.target;
    if (target && target.id === "draft-conflict" && target.children.length) target.focus();
  });

  // Moving to another page of the app with text not saved yet: save first, then go.
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[href]");
    if (link && !link.target && !link.hasAttribute("download") && link.origin === location.origin
        && !event.ctrlKey && !event.metaKey && !event.shiftKey && !refusedForGood && dirty()) {
      event.preventDefault();
      leavingTo = link.href;
      show("Saving before leaving…", "saving");
      save();
    }
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-save-retry]")) { save(); return; }

    var keep = event.target.closest("[data-conflict-keep]");
    var take = event.target.closest("[data-conflict-take]");
    if (keep || take) {
      var block = (keep || take).closest("[data-conflict-key]");
      var key = block.getAttribute("data-conflict-key");
      var server = block.querySelector("[data-server-value]").value.replace(/^\n/, "");
      var base = baseInput(key);
      if (take) setValue(key, server);
      // Keep: this window's text is saved over the other, by choice. Take: nothing to save.
      if (base) base.value = server;
      remember(key);
      block.remove();
      var panel = document.getElementById("draft-conflict");
      if (panel && !panel.querySelector("[data-conflict-key]")) panel.innerHTML = "";
      save();
      return;
    }

    var insert = event.target.closest("[data-insert-into]");
    if (insert) {
      var box = document.getElementById(insert.getAttribute("data-insert-into"));
      var text = insert.getAttribute("data-text");
      if (insert.getAttribute("data-insert-at") === "start") {
        box.value = text + " " + box.value.replace(/^\s+/, "");
        box.setSelectionRange(text.length + 1, text.length + 1);
      } else {
        var current = box.value.replace(/\s+$/, "");
        box.value = current + (current ? " " : "") + text;
        // Select the starter's first gap to fill in (from QA: its last was selected, and the
        // gaps before it were left in the text), or put the cursor at the end.
        var gap = box.value.indexOf("…", current.length);
        if (gap === -1) {
          box.setSelectionRange(box.value.length, box.value.length);
        } else {
          box.setSelectionRange(gap, gap + 1);
        }
      }
      box.focus();
      // The browser then shows the caret only just (the box's last line at the window's top
      // on a phone): the box is brought into view from its label down, so the gap selected is
      // seen (from QA). In the next frame: after that scroll and the focus handler's, which
      // minds only the Save bar below.
      window.requestAnimationFrame(function () {
        if (box.getBoundingClientRect().top >= 0) return;
        var label = document.querySelector('label[for="' + box.id + '"]');
        (label || box).scrollIntoView({ block: "start" });
      });
      box.dispatchEvent(new Event("input", { bubbles: true }));
      return;
    }

    // A precedent's citation (the similar-decisions panel): filled in and saved like a
    // catalog pick, only on the reviewer's click; not a catalog entry, so none is linked.
    var cite = event.target.closest("[data-precedent-cite]");
    if (cite) {
      var citeItem = cite.getAttribute("data-item");
      var citeKind = document.getElementById("kind-" + citeItem);
      var citeText = document.getElementById("ctext-" + citeItem);
      var citeGuideline = document.getElementById("guideline-" + citeItem);
      if (!citeKind || !citeText || !citeGuideline) return;
      citeKind.value = cite.getAttribute("data-kind");
      citeText.value = cite.getAttribute("data-text");
      citeGuideline.value = "";
      [citeKind, citeGuideline, citeText].forEach(function (element) { remember(keyOf(element)); });
      syncKind();
      var citeStatus = document.getElementById("similar-status-" + citeItem);
      if (citeStatus) citeStatus.textContent = "Copied the citation of " + cite.getAttribute("data-from") + " into this item's guideline; you can edit it.";
      save();
      citeText.focus();
      return;
    }

    var pick = event.target.closest("[data-guideline-pick]");
    if (pick) {
      var item = pick.getAttribute("data-item");
      var kind = document.getElementById("kind-" + item);
      var citation = document.getElementById("ctext-" + item);
      var guideline = document.getElementById("guideline-" + item);
      kind.value = pick.getAttribute("data-kind");
      guideline.value = pick.getAttribute("data-id");
      citation.value = pick.getAttribute("data-text");
      [kind, guideline, citation].forEach(function (element) { remember(keyOf(element)); });
      syncKind();
      var results = document.getElementById("gresults-" + item);
      if (results) results.innerHTML = '<p class="small ws-picked">Picked: ' + (pick.hasAttribute("data-free") ? "another source; type its citation below." : "the citation is filled in below; you can edit it.") + "</p>";
      var search = document.getElementById("gsearch-" + item);
      if (search) search.value = "";
      if (results) results.setAttribute("data-picked", "");
      save();
      if (pick.hasAttribute("data-free")) citation.focus();
      else document.getElementById("rationale-" + item).focus();
    }
  });

  // A search answer still on its way must not replace the "Picked" note; typing a new
  // search lifts that.
  form.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    if (target && target.hasAttribute("data-picked")) {
      var box = document.getElementById(target.id.replace("gresults-", "gsearch-"));
      if (box && !box.value) event.detail.shouldSwap = false;
      else target.removeAttribute("data-picked");
    }
  });

  // "None" needs no citation text: hide the box (its text is kept).
  function syncKind() {
    form.querySelectorAll("[data-kind-for]").forEach(function (select) {
      var box = form.querySelector("[data-citation-text-for='" + select.getAttribute("data-kind-for") + "']");
      if (box) box.hidden = select.value === "none";
    });
  }
  form.addEventListener("change", function (event) {
    if (event.target.hasAttribute("data-kind-for")) syncKind();
  });
  syncKind();

  // Put back text that never reached the server (closed tab, lost session or connection).
  // Its notice says what became of it once the server answers (from QA: "It is being saved
  // now" stood above "Not saved: … 24,800 characters").
  var restoredState = null;
  function restoredSaid(text, settled) {
    if (!restoredState) return;
    if (restoredState.textContent !== text) restoredState.textContent = text;
    // Said once it is saved (or the choice between windows is offered): later saves are of
    // later typing, which the save bar tells of (from a review: "It is not saved yet" about
    // text saved long before, announced again by its alert).
    if (settled) restoredState = null;
  }
  var restored = [];
  var restoredAt = null;
  form.querySelectorAll("[data-draft-key]").forEach(function (element) {
    var key = keyOf(element);
    if (restored.indexOf(key) !== -1) return;
    var saved;
    try { saved = JSON.parse(localStorage.getItem(storageKey(key)) || "null"); } catch (error) { saved = null; }
    if (!saved || typeof saved.value !== "string") return;
    if (same(saved.value, valueOf(key))) {
      // The page shows it already. The copy goes only once the server has it too: a step
      // refused (a rationale over the limit, sent by "Save and continue") comes back with the
      // text in its box but not saved, and the copy is all that keeps it once the tab is
      // closed (from QA: it was dropped here, and the text lost).
      var server = baseInput(key);
      if (!server || same(saved.value, server.value)) {
        try { localStorage.removeItem(storageKey(key)); } catch (error) { /* nothing to do */ }
      }
      return;
    }
    setValue(key, saved.value);
    var base = baseInput(key);
    // The server's text as it was when this was typed: if the server has moved on since,
    // it refuses to overwrite and offers the choice.
    if (base && typeof saved.base === "string") base.value = saved.base;
    restored.push(key);
    restoredAt = Math.max(restoredAt || 0, saved.at || 0);
  });
  if (restored.length) {
    var when = window.imrTime(restoredAt, true);
    var notice = document.createElement("div");
    notice.className = "message message--warning ws-restored";
    notice.setAttribute("role", "alert");
    notice.innerHTML = "<p>Restored text you typed on this computer (" + when + ") that had not reached the server. <span data-restored-state>It is being saved now.</span></p>";
    form.insertBefore(notice, form.firstChild);
    restoredState = notice.querySelector("[data-restored-state]");
    // htmx sets up the form on DOMContentLoaded (after this deferred script): save after it.
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", function () { setTimeout(save, 0); });
    } else {
      setTimeout(save, 0);
    }
  }

  // Closing the tab with text the server does not have yet: send it on the way out (it is
  // also in localStorage until the server confirms it).
  window.addEventListener("pagehide", function () {
    if (dirty() && navigator.sendBeacon) {
      var data = new FormData(form);
      data.append("beacon", "1");
      navigator.sendBeacon(form.action, data);
    }
  });
})();
