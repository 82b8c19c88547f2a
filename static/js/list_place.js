/* The case list's place in this tab (its filters, sort and page) is kept, so the "Cases" link
   of a case's breadcrumb (a[data-case-list-link]) leads back to the list as it was left. From
   QA: an administrator working down page 3 of the cases awaiting records came back to the
   first page of every open case. Without JavaScript, or in a new tab, the link leads to the
   list as it opens. The selection ("select") is not kept: it belongs to the page it was made
   on. */
(function () {
  var KEY = "imr.caseListPlace";

  function remember() {
    if (!document.getElementById("case-filters")) return;  /* not the case list */
    var query = new URLSearchParams(location.search);
    query.delete("select");
    try {
      sessionStorage.setItem(KEY, query.toString());
    } catch (error) { /* storage refused: the link keeps the list's first page */ }
  }

  function lead() {
    var query = null;
    try { query = sessionStorage.getItem(KEY); } catch (error) { return; }
    if (query === null) return;
    document.querySelectorAll("a[data-case-list-link]").forEach(function (link) {
      link.search = query;
    });
  }

  remember();
  lead();
  document.addEventListener("htmx:pushedIntoHistory", remember);
  document.addEventListener("htmx:replacedInHistory", remember);
  document.addEventListener("htmx:historyRestore", remember);  /* the list come back to by Back */
  window.addEventListener("pageshow", lead);  /* a page come back to by the browser's Back */
  /* The case's header is drawn again after each change to the case (from a review: its link
     then led to the list's first page): the link is set again as it is reached and followed. */
  document.addEventListener("htmx:afterSettle", lead);
  ["pointerdown", "focusin", "click"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      if (event.target.closest && event.target.closest("a[data-case-list-link]")) { lead(); }
    }, true);
  });
})();
