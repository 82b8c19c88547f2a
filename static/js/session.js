/* One answer to an ended session for every htmx request (cases.access.session_ended): the
   server says 401 and nothing is swapped; this shows the page-wide notice with a link that
   signs in again and comes back here. Parts that keep their own work (the determination's
   autosave) handle their 401 themselves and stop it before it reaches this listener. */
(function () {
  "use strict";
  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    if (!xhr || xhr.status !== 401) { return; }
    var notice = document.getElementById("session-ended");
    if (!notice) { return; }
    var link = notice.querySelector("a");
    if (link) {
      link.href = link.dataset.login + "?next=" +
        encodeURIComponent(window.location.pathname + window.location.search);
    }
    notice.hidden = false;
    notice.focus();
  });
})();
