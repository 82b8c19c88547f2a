/* A hidden field that carries the case list's filters to another form (data-query-from: the
   filter form's id) takes them as they stand when its own form is sent. The field is also
   kept up to date by each search's answer, but a search waits 300 ms after typing: from QA,
   "Save this view" pressed in that wait saved the list as it was before the search, and the
   page came back without it. */
(function () {
  document.addEventListener("submit", function (event) {
    event.target.querySelectorAll("input[data-query-from]").forEach(function (input) {
      var filters = document.getElementById(input.dataset.queryFrom);
      if (filters) {
        input.value = new URLSearchParams(new FormData(filters)).toString();
      }
    });
  }, true);  /* before the session check (session.js), which may send the form again */
})();
