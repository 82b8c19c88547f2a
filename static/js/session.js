/* The site-wide script (no inline script anywhere: the Content Security Policy forbids it).
   One answer to an ended session for every htmx request (cases.access.session_ended): the
   server says 401 and nothing is swapped; this shows the page-wide notice with a link that
   signs in again and comes back here. Parts that keep their own work (the determination's
   autosave) handle their 401 themselves and stop it before it reaches this listener. */
(function () {
  "use strict";

  /* Signing in again (in another tab, after a session ended) rotates the CSRF token; a page
     opened before still holds the old one in its forms' hidden field, which Django reads before
     the header, so every save and submission was refused (403) until the page was reloaded.
     Each request and each submission carries the token the browser holds now. */
  function csrfTokenNow() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (!match) { return null; }
    var token = decodeURIComponent(match[1]);
    document.querySelectorAll('input[name="csrfmiddlewaretoken"]').forEach(function (input) {
      input.value = token;
    });
    return token;
  }
  document.addEventListener("htmx:configRequest", function (event) {
    var token = csrfTokenNow();
    if (!token) { return; }
    event.detail.headers["X-CSRFToken"] = token;
    var data = event.detail.formData;
    if (data && data.has("csrfmiddlewaretoken")) {
      data.set("csrfmiddlewaretoken", token);
    } else if (event.detail.parameters && "csrfmiddlewaretoken" in event.detail.parameters) {
      event.detail.parameters.csrfmiddlewaretoken = token;
    }
  });
  document.addEventListener("submit", csrfTokenNow, true);

  /* A request the page makes on its own (an `every Ns` trigger: htmx polls with no event) says
     so; it is not the user's activity and does not hold off the inactivity sign-out
     (accounts.session_timeout.POLL_HEADER). */
  document.addEventListener("htmx:configRequest", function (event) {
    var elt = event.detail.elt;
    var trigger = (elt && elt.getAttribute && elt.getAttribute("hx-trigger")) || "";
    if (!event.detail.triggeringEvent && /(^|,)\s*every\s/.test(trigger)) {
      event.detail.headers["IMR-Poll"] = "1";
    }
  });

  function showSessionEnded() {
    var notice = document.getElementById("session-ended");
    if (!notice) { return; }
    var link = notice.querySelector("a");
    if (link) {
      link.href = link.dataset.login + "?next=" +
        encodeURIComponent(window.location.pathname + window.location.search);
    }
    notice.hidden = false;
    notice.focus();
  }
  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    if (xhr && xhr.status === 401) { showSessionEnded(); }
  });

  /* An autosave's status line (autosave.js, intake_draft.js) as a save goes: the page writes
     "Saving…", unless it shows a failure's message with links. That stays where it is, with
     "Trying again…" beside it: the save a blur sends redrew it under the pointer, and a click on
     "Sign in again" landed on nothing (from QA). The answer replaces it (the server's status,
     or the failure's message). Returns whether the message was kept. */
  window.imrSaveSending = function (status) {
    var error = status && status.querySelector(".save-status--error");
    if (!error) { return false; }
    if (!error.querySelector("[data-trying]")) {
      error.insertAdjacentHTML("beforeend", ' <span data-trying class="muted">Trying again…</span>');
    }
    return true;
  };

  /* ...and as its answer comes: the same failure again (the session still ended) leaves the
     message where it is, "Trying again…" taken away. Redrawn, its link was swapped out under a
     mouse button still down: the press blurred the text, whose save's 401 came back before the
     release (from QA). Returns whether the message was left as it is. */
  window.imrSaveFailedAgain = function (status, html) {
    var error = status && status.querySelector(".save-status--error");
    if (!error) { return false; }
    var trying = error.querySelector("[data-trying]");
    if (trying) { trying.remove(); }
    var said = document.createElement("span");
    said.innerHTML = html;
    return error.textContent.trim() === said.textContent.trim();
  };

  /* A warning before the inactivity sign-out (accounts.session_timeout): reading a record or a
     long page makes no request, and the sign-out was found only at the next keystroke, with
     the password and the code to give again (from QA). Two minutes before it (half the time for
     a shorter setting) the page says when; "Stay signed in" asks the session's address, a
     request like any other, which counts as activity. A request in another tab of the app
     counts too (localStorage). At the end the session is asked without counting as activity
     (the poll header): ended, the notice above shows; still held (another tab), it waits on. */
  var idleSeconds = parseInt(document.body.dataset.idleSeconds || "0", 10);
  var idleUrl = document.body.dataset.sessionUrl;
  var idleNotice = document.getElementById("session-idle");
  if (idleSeconds > 0 && idleUrl && idleNotice) {
    var ACTIVITY_KEY = "imr-last-activity";
    var idleLead = Math.min(120, Math.floor(idleSeconds / 2)) * 1000;
    var idleLast = 0;
    var idleAsking = false;
    var activityMark = function () {
      idleLast = Date.now();
      try { localStorage.setItem(ACTIVITY_KEY, String(idleLast)); } catch (error) { /* private mode */ }
    };
    var activityLast = function () {
      var shared = 0;
      try { shared = parseInt(localStorage.getItem(ACTIVITY_KEY) || "0", 10) || 0; } catch (error) { /* */ }
      return Math.max(idleLast, shared);
    };
    activityMark();
    document.addEventListener("htmx:beforeRequest", function (event) {
      var config = event.detail.requestConfig;
      if (!(config && config.headers && config.headers["IMR-Poll"])) { activityMark(); }
    });
    var idleCheck = function () {
      var endsAt = activityLast() + idleSeconds * 1000;
      var left = endsAt - Date.now();
      if (left > idleLead) { idleNotice.hidden = true; return; }
      if (left > 0) {
        if (idleNotice.hidden) {
          var at = new Date(endsAt);
          // In the organization's time zone, as every time the app prints (from QA: the
          // browser's own read otherwise).
          var zone = document.documentElement.dataset.timeZone;
          var shown = { hour: "numeric", minute: "2-digit" };
          try {
            idleNotice.querySelector("[data-idle-at]").textContent =
              at.toLocaleTimeString("en-US", zone ? Object.assign({ timeZone: zone }, shown) : shown);
          } catch (error) {
            idleNotice.querySelector("[data-idle-at]").textContent = at.toLocaleTimeString("en-US", shown);
          }
          idleNotice.hidden = false;
        }
        return;
      }
      if (idleAsking) { return; }
      idleAsking = true;
      fetch(idleUrl, { credentials: "same-origin", headers: { "IMR-Poll": "1" } }).then(function (answer) {
        idleAsking = false;
        if (answer.status === 204) {
          // Held by a request this page did not see (another tab, a download): the server
          // says how long it still holds, and the page counts from that.
          var left = parseInt(answer.headers.get("IMR-Session-Left") || "", 10);
          idleLast = Date.now() - (idleSeconds - (isNaN(left) ? idleSeconds : left)) * 1000;
          idleNotice.hidden = true;
          return;
        }
        idleNotice.hidden = true;
        clearInterval(idleTimer);
        showSessionEnded();
      }, function () { idleAsking = false; });
    };
    var idleTimer = setInterval(idleCheck, 5000);
    document.addEventListener("click", function (event) {
      if (!event.target.closest("[data-stay-signed-in]")) { return; }
      fetch(idleUrl, { credentials: "same-origin" }).then(function (answer) {
        idleNotice.hidden = true;
        if (answer.status === 204) { activityMark(); } else { clearInterval(idleTimer); showSessionEnded(); }
      }, function () {
        // The server not reached: the warning stays, to be tried again.
        idleNotice.querySelector("[data-idle-at]").textContent += " (the server could not be reached; try again)";
      });
    });
  }

  /* A form that is not htmx's (the letter settings, the Assign page's unassign) leaves the page
     when it is sent: with the session ended, the browser would go to the sign-in form and what
     was typed would be lost. The session is asked first (accounts.views.session_alive): ended,
     the notice above shows and nothing is sent; otherwise, or with the server unreachable, the
     form goes as it would have. */
  var sessionAsked = false;
  // How long a form just sent takes no second click: a double click on Approve sent two posts,
  // the second refused in red under the first's success (from QA). Not for ever: an answer
  // that does not leave the page (a download) must not leave the form dead.
  var SENT_HOLD_MS = 4000;
  function sendAsItWas(form, submitter) {
    sessionAsked = true;
    try {
      form.requestSubmit(submitter || undefined);
    } finally {
      sessionAsked = false;
    }
    form.dataset.sent = "1";
    window.setTimeout(function () { delete form.dataset.sent; }, SENT_HOLD_MS);
  }
  // Back to a page kept by the browser (its back-forward cache): its forms may be sent again.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-sent]").forEach(function (form) {
      delete form.dataset.sent;
    });
  });
  // A form htmx sends when it is submitted (its hx-post with no hx-trigger, or one that names
  // "submit"): htmx's 401 answer shows the notice. The new application's hx-post is its
  // autosave, on an event of its own: "Create case" leaves the page (from QA: pressed after
  // the session ended, it went to the sign-in form and lost what was typed since the save).
  function sentByHtmx(form) {
    if (!form.hasAttribute("hx-post")) { return false; }
    var trigger = form.getAttribute("hx-trigger");
    return !trigger || /(^|[\s,])submit\b/.test(trigger);
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var url = document.body.dataset.sessionUrl;
    // A browser without requestSubmit could send the form again only without its button's
    // name and value (the case list's bulk action): such a form goes at once, as before.
    if (sessionAsked || !url || event.defaultPrevented || !window.fetch || !form.requestSubmit ||
        (form.getAttribute("method") || "").toLowerCase() !== "post" ||
        sentByHtmx(form) || form.hasAttribute("data-no-session-check")) { return; }
    event.preventDefault();
    // A second click while the session is asked about, or just after the form went, sends
    // nothing more (one POST a click).
    if (form.dataset.sessionAsking || form.dataset.sent) { return; }
    form.dataset.sessionAsking = "1";
    var submitter = event.submitter;
    function answered() { delete form.dataset.sessionAsking; }
    fetch(url, { credentials: "same-origin", cache: "no-store", redirect: "manual" }).then(
      function (answer) {
        answered();
        if (answer.status === 401 || answer.type === "opaqueredirect") {
          showSessionEnded();
        } else {
          sendAsItWas(form, submitter);
        }
      },
      function () { answered(); sendAsItWas(form, submitter); }
    );
  });

  /* Any other refused or unreachable htmx request: the page-wide "could not be updated". */
  function showUpdateError() {
    var notice = document.getElementById("htmx-error");
    if (notice) { notice.hidden = false; }
  }
  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    if (!xhr || xhr.status !== 401) { showUpdateError(); }
  });
  document.addEventListener("htmx:sendError", showUpdateError);

  /* A panel read on demand (components/panel_on_demand.html) that the user closed again
     before its rows came: the answer replaces the panel with an open one; it is put in
     closed, as the user left it, its rows there for the next opening. */
  var closedBeforeAnswer = {};
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    if (target && target.tagName === "DETAILS" && target.id && !target.open) {
      closedBeforeAnswer[target.id] = true;
    }
  });
  document.addEventListener("htmx:load", function (event) {
    var panel = event.detail.elt;
    if (panel && panel.tagName === "DETAILS" && closedBeforeAnswer[panel.id]) {
      delete closedBeforeAnswer[panel.id];
      panel.open = false;
    }
  });

  /* A sort link that belongs to a filter form (cases/case_list_sort_link.html): the sort is
     put in the form's sort field and the form submitted, so what was typed in the search goes
     with it, and the form's requests replace one another (hx-sync): a search still under way
     when the link is clicked cannot answer after the sort and put the old order back. */
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-sort-form]");
    if (!link || !window.htmx || event.defaultPrevented || event.button !== 0 ||
        event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) { return; }
    var form = document.getElementById(link.dataset.sortForm);
    var field = form && form.querySelector("input[name=sort]");
    if (!field) { return; }
    event.preventDefault();
    field.value = link.dataset.sort;
    if (form.requestSubmit) { form.requestSubmit(); } else { htmx.trigger(form, "submit"); }
  });

  /* A sort or page link of a list drawn afresh in place (#case-results) went with the list, and
     the focus with it, to the page itself: the next Tab started from the top (from QA). The
     same column's link in the new list takes the focus back; after a page link, the new
     page's count ("Cases 51-100, …") does. */
  var listRefocus = null;
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("#case-results a[data-sort-column], #case-results .pagination a");
    if (!link) { return; }
    listRefocus = link.dataset.sortColumn
      ? { column: link.dataset.sortColumn, row: !!link.closest(".sort-row") }
      : { page: true };
  }, true);
  // A list request that failed leaves nothing to refocus for a later, unrelated answer.
  document.addEventListener("htmx:responseError", function () { listRefocus = null; });
  document.addEventListener("htmx:sendError", function () { listRefocus = null; });
  document.addEventListener("htmx:afterSettle", function (event) {
    var results = document.getElementById("case-results");
    var asked = listRefocus;
    if (!asked || !results || event.target !== results) { return; }
    listRefocus = null;  // this list's answer, used once whatever the focus
    var active = document.activeElement;
    if (active && active !== document.body) { return; }
    var wanted = asked.column
      ? results.querySelector((asked.row ? ".sort-row" : "thead") + ' a[data-sort-column="' + CSS.escape(asked.column) + '"]')
      : results.querySelector(".results__count");
    if (!wanted) { return; }
    if (wanted.tagName !== "A" && !wanted.hasAttribute("tabindex")) { wanted.setAttribute("tabindex", "-1"); }
    wanted.focus({ preventScroll: !!asked.column });
  });

  /* The facts page's refusals (cases/partials/facts_refusal.html), each said beside its form:
     one form sent again clears them all, so only the latest answer shows. */
  document.addEventListener("htmx:beforeRequest", function (event) {
    var page = event.target.closest && event.target.closest("#case-facts");
    if (!page) { return; }
    page.querySelectorAll(".facts-refusal").forEach(function (slot) { slot.replaceChildren(); });
  });

  /* What an action done in place says (accounts.responses.with_messages) goes to the page's
     messages at its top. When the action was far down the page (a party's service, a record
     added), the top is out of view: the messages then float at the foot of the window until
     dismissed or replaced, so the confirmation is seen where the work was done. */
  function messagesPlace() {
    var messages = document.getElementById("messages");
    if (!messages) { return; }
    if (!messages.querySelector(".message")) {
      messages.classList.remove("messages--float");
      return;
    }
    var region = messages.parentElement.getBoundingClientRect();
    var outOfView = region.bottom < 0 || region.top > window.innerHeight;
    messages.classList.toggle("messages--float", outOfView);
  }
  document.addEventListener("htmx:oobAfterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "messages") { messagesPlace(); }
  });
  /* Emptied by an answer with nothing to say: no swapped element, so no event above. Only
     new messages float: an old one left at the top stays there when an autosave settles. */
  document.addEventListener("htmx:afterSettle", function () {
    var messages = document.getElementById("messages");
    if (messages && !messages.querySelector(".message")) {
      messages.classList.remove("messages--float");
    }
  });
  /* For a message a page's own script adds (quality_comments.js). */
  window.imrMessagesPlace = messagesPlace;

  /* A page opened at a fragment (the holiday tables answer at "#judicial"): the browser skips
     `autofocus` when it scrolls to a fragment, so a refused form's summary was neither focused
     nor in view, and the message of a change saved sat above the window (from QA). The summary
     takes the focus (and so comes into view); a message out of view floats at the foot, and
     one marked to take the focus takes it there, the page left at the fragment (from QA: the
     focus stayed on the page itself). */
  window.addEventListener("load", function () {
    if (!location.hash) { return; }
    var summary = document.querySelector(".form-error[autofocus], .error-summary[autofocus]");
    var active = document.activeElement;
    var unfocused = !active || active === document.body;
    if (summary && unfocused) { focusHeld(summary, {}); }
    messagesPlace();
    var told = document.querySelector("#messages .message[autofocus]");
    if (!summary && told && unfocused) { focusHeld(told, { preventScroll: true }); }
  });
  /* Chromium applies the fragment's own focus once the page is drawn, which may come after
     `load`: for a target that cannot take the focus (the calendar's section) it clears the
     focus (a test saw the summary lose it about 1 time in 14). Once, within the page's first
     moments and only if the focus then went to nothing, it is given back. */
  function focusHeld(element, options) {
    var until = Date.now() + 2000;
    element.addEventListener("blur", function again() {
      element.removeEventListener("blur", again);
      setTimeout(function () {
        var now = document.activeElement;
        if (Date.now() < until && (!now || now === document.body) && element.isConnected) {
          element.focus(options);
        }
      }, 0);
    });
    element.focus(options);
  }

  /* Where the focus goes once an answer's swap has settled: one place, in this order. Only
     while the focus is on nothing (the page itself): a field being typed in keeps it.
     htmx gives an [autofocus] in what it swapped in the focus itself, whatever has it then;
     the marks below are for the cases where it must not, or where it did not come.
     1. An [autofocus] in the answer (the party just saved on the case page, a refusal's
        summary): htmx's own handling raced with the page's other swaps (the messages sent
        out of band), and the focus was sometimes left on the page (a CI run). Not for an
        answer that swaps nothing in (the intake draft's save): from QA, its form's first
        [autofocus] (a row added earlier) took the focus after a file was chosen, and the next
        letters typed changed that row's category.
     2. The element that had the focus before the swap, if it is still in the page: a part
        kept across a panel's redraw (hx-preserve, a box being typed in) keeps the focus and
        the caret. Browsers without Element.moveBefore take it out of the page and put it
        back, which drops the focus (from a review: each second's redraw of the letters panel
        left the amendment's reason unfocused, and the keys pressed then went nowhere).
     3. What an answer marks data-focus-if-lost (a file kept after an upload): the control it
        replaced had the focus. Not [autofocus], which htmx would give the focus even while a
        field is being typed in (from CI: a slow upload's answer took it).
     4. The part drawn in place of a form sent in place whose answer replaced it (the
        eligibility finding, "Mark records complete"): the focus went with the form, to the
        page itself, and a keyboard user started again from the top, some 13 stops (from QA).
        Only for the element that replaced the form's target, not a message swapped out of
        band. */
  var keptFocus = null;
  document.addEventListener("htmx:beforeSwap", function () {
    var active = document.activeElement;
    keptFocus = null;
    if (active && active !== document.body) {
      keptFocus = { element: active, start: null, end: null };
      try {
        keptFocus.start = active.selectionStart;
        keptFocus.end = active.selectionEnd;
      } catch (error) { /* a field without a caret */ }
    }
  });

  function swapsNothing(asked) {
    /* hx-swap as htmx reads it: on the element or inherited from one around it. */
    var swapping = asked && asked.closest && asked.closest("[hx-swap], [data-hx-swap]");
    var swap = swapping &&
      (swapping.getAttribute("hx-swap") || swapping.getAttribute("data-hx-swap"));
    return Boolean(swap) && swap.split(" ")[0] === "none";
  }

  function formReplacement(drawn, detail, asked) {
    if (!asked || asked.tagName !== "FORM" || asked.isConnected) { return null; }
    if (!drawn.isConnected || drawn === document.body || !drawn.id) { return null; }
    if (!detail.target || detail.target.id !== drawn.id) { return null; }
    if (drawn.querySelector("[autofocus]")) { return null; }
    if (!drawn.hasAttribute("tabindex")) { drawn.setAttribute("tabindex", "-1"); }
    return drawn;
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    var drawn = event.target;
    var detail = event.detail || {};
    var asked = detail.requestConfig && detail.requestConfig.elt;
    var kept = keptFocus;
    /* Given back only once, on the first part of the answer to settle. */
    keptFocus = null;
    if (!drawn || !drawn.querySelector) { return; }
    /* Spent whether or not it is used: a later answer does not take the focus with it. */
    var ifLost = drawn.matches("[data-focus-if-lost]")
      ? drawn : drawn.querySelector("[data-focus-if-lost]");
    if (ifLost) { ifLost.removeAttribute("data-focus-if-lost"); }

    var active = document.activeElement;
    if (active && active !== document.body) { return; }
    var target = detail.target;
    var wanted = !swapsNothing(asked) && target && target.querySelector &&
      target.querySelector("[autofocus]");
    if (wanted && wanted.isConnected) { wanted.focus(); return; }
    if (kept && kept.element.isConnected) {
      kept.element.focus({ preventScroll: true });
      if (typeof kept.start === "number" && kept.element.setSelectionRange) {
        try { kept.element.setSelectionRange(kept.start, kept.end); } catch (error) { /* */ }
      }
      return;
    }
    if (ifLost && ifLost.isConnected) { ifLost.focus(); return; }
    var replacement = formReplacement(drawn, detail, asked);
    if (replacement) { replacement.focus({ preventScroll: true }); }
  });

  /* An [autofocus] that has had the focus is spent: it is not given the focus again by a
     later answer (a row added with "+ Add another item" kept it, and took the focus back). */
  document.addEventListener("focusin", function (event) {
    var focused = event.target;
    if (focused && focused.removeAttribute && focused.hasAttribute("autofocus")) {
      focused.removeAttribute("autofocus");
    }
  });

  /* The case page's panel that answered a change has just been drawn afresh: the "case
     changed" its answer sends (cases.casefile.views._action_done names the panel) refreshes
     the other panels, not this one. Asked again, it was swapped a second time, and the focus
     given back in it (the party just saved) fell to the page (a CI run on PostgreSQL). */
  document.addEventListener("htmx:confirm", function (event) {
    var trigger = event.detail.triggeringEvent;
    var elt = event.detail.elt;
    var answered = trigger && trigger.type === "case-changed" && trigger.detail &&
      trigger.detail.answered;
    if (answered && elt && elt.dataset && elt.dataset.panel === answered) {
      event.preventDefault();
    }
  });

  /* Whether the page is being left on purpose, by a form sent: the scripts that ask before
     unsaved typing is lost on leaving (unsaved_forms.js, quality_comments.js) do not ask then.
     A submit nobody held back leaves (heard on window, the last to hear it; one held back, as
     above while the session is asked about, has not left yet). So does one htmx sends (htmx
     always holds the browser's own back), unless its answer is not a redirect: a refusal drawn
     in place, a part redrawn, or no answer at all keeps the page, and what is typed from then
     on is asked about again (from QA: after one refusal, nothing was). */
  var leavingByForm = false;
  window.addEventListener("submit", function (event) {
    if (sentByHtmx(event.target) || !event.defaultPrevented) { leavingByForm = true; }
  });
  // Heard for the form that asked (htmx tells its nearest ancestor still in the page when the
  // answer replaced the form itself; also when the request failed); the swap's own events name
  // its target, not the form.
  document.addEventListener("htmx:afterRequest", function (event) {
    var asked = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (!asked || asked.tagName !== "FORM") { return; }
    var xhr = event.detail.xhr;
    var redirected = xhr && xhr.status >= 200 && xhr.status < 300 &&
      xhr.getResponseHeader("HX-Redirect");
    if (!redirected) { leavingByForm = false; }
  });
  window.addEventListener("pageshow", function () { leavingByForm = false; });
  window.imrLeavingByForm = function () { return leavingByForm; };

  /* A date typed that is no day of the calendar (02/31/2026), or not typed whole: the
     browser's date field then sends nothing, and the server said the date "is required" though
     one was typed (from QA). Such a form is not sent: the field says why, in the browser's own
     bubble, and is focused; its words are cleared once the date is mended. A button that skips
     the checks on purpose (formnovalidate: the new application's "Save draft", "Add items")
     sends the form as it is. Capture: before htmx sends it and before the unsaved-forms
     question. */
  var BAD_DATE = "This date is not whole, or is no day of the calendar (such as 02/31): check " +
    "the month, the day and the year.";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.elements || (event.submitter && event.submitter.formNoValidate)) { return; }
    var bad = Array.prototype.filter.call(form.elements, function (field) {
      return field.type === "date" && field.validity && field.validity.badInput;
    });
    if (!bad.length) { return; }
    event.preventDefault();
    event.stopImmediatePropagation();
    bad[0].setCustomValidity(BAD_DATE);
    bad[0].focus();
    bad[0].reportValidity();
  }, true);
  // A date field emptied from a bad date says no `input`: its words are also cleared on change
  // and on leaving it, once it holds no bad date.
  ["input", "change", "focusout"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      var field = event.target;
      if (field.type === "date" && field.setCustomValidity && !field.validity.badInput) {
        field.setCustomValidity("");
      }
    });
  });

  /* A text pasted longer than its box holds (maxlength) was cut to fit without a word: from
     QA, a 200-character claim number became its first 64 and could have been filed so. Such a
     paste is not made; a line under the box says why until the box is typed in or left. */
  document.addEventListener("paste", function (event) {
    var field = event.target;
    var limit = field && field.maxLength;
    if (!limit || limit < 0 || !field.id || typeof field.value !== "string") { return; }
    var pasted = (event.clipboardData && event.clipboardData.getData("text")) || "";
    /* As the box will hold it: a line box drops line breaks, a text box keeps one character
       for each (a spreadsheet cell's trailing CRLF is not counted against the limit). */
    pasted = field.tagName === "TEXTAREA"
      ? pasted.replace(/\r\n/g, "\n") : pasted.replace(/[\r\n]/g, "");
    /* An e-mail box tells no selection: what it holds is counted whole. */
    var selected = typeof field.selectionStart === "number"
      ? field.selectionEnd - field.selectionStart : 0;
    var kept = field.value.length - selected;
    if (kept + pasted.length <= limit) { return; }
    event.preventDefault();
    var said = document.getElementById(field.id + "_not-pasted");
    if (!said) {
      said = document.createElement("p");
      said.className = "field-error";
      said.id = field.id + "_not-pasted";
      said.setAttribute("role", "alert");
      field.insertAdjacentElement("afterend", said);
    }
    said.textContent = "Not pasted: the text is " + pasted.length.toLocaleString("en-US") +
      " characters long, and this box holds " + limit.toLocaleString("en-US") +
      (kept ? " in all" : "") + ". Shorten it, then paste it again.";
  });
  ["input", "focusout"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      var said = event.target && event.target.id &&
        document.getElementById(event.target.id + "_not-pasted");
      if (said) { said.remove(); }
    });
  });

  /* A case just made from the intake form: the browser's copy of that form (kept in case the
     post never arrived, intake_draft.js) is done with. Left, it came back with Back and was
     saved as a new draft of an application already on file (from QA). */
  document.querySelectorAll("[data-intake-created]").forEach(function (message) {
    try { localStorage.removeItem(message.getAttribute("data-intake-created")); } catch (error) { /* */ }
  });

  /* A refusal summary's link to its field: the browser scrolled the field itself to the top
     of the window, its label and its error above it, so on a phone a bare date box said
     nothing of which date it was (from QA). The field's whole block (label, error, control,
     hint) comes into view, in a closed <details> opened first, and the control takes the
     focus. */
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(
      ".form-error a[href^='#'], .error-summary a[href^='#']"
    );
    if (!link) { return; }
    var target = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
    if (!target) { return; }
    event.preventDefault();
    for (var closed = target.closest("details:not([open])"); closed;
      closed = closed.parentElement && closed.parentElement.closest("details:not([open])")) {
      closed.open = true;
    }
    var block = target.closest(".field, fieldset") || target;
    var fits = block.getBoundingClientRect().height < window.innerHeight * 0.8;
    block.scrollIntoView({ block: fits ? "center" : "start" });
    target.focus({ preventScroll: true });
  });

  /* A record chosen for the viewer frame: the frame takes its full height (components/
     record_list.html; reviews.css keeps an empty one small on a phone). */
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[target='record-viewer']");
    if (!link) { return; }
    document.querySelectorAll(".record-viewer--empty").forEach(function (frame) {
      frame.classList.remove("record-viewer--empty");
    });
  });

  /* The header's menus ("More", "Account", the phone's "Menu") are <details>: Escape closes
     the open one and gives the focus back to its summary, and a click elsewhere closes it
     (from QA: they stayed open, "More" over the case list's filters, until tabbed out of). */
  function headerMenusOpen() {
    return document.querySelectorAll(".site-header details[open]");
  }
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    headerMenusOpen().forEach(function (menu) {
      var had = menu.contains(document.activeElement);
      menu.open = false;
      if (had) { menu.querySelector("summary").focus(); }
    });
  });
  document.addEventListener("click", function (event) {
    headerMenusOpen().forEach(function (menu) {
      if (!menu.contains(event.target)) { menu.open = false; }
    });
  });

  /* A message's dismiss button (components/messages.html). */
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".message__dismiss");
    if (!button) { return; }
    var message = button.closest(".message");
    if (message) { message.remove(); }
    messagesPlace();
  });
})();
