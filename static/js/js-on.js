/* JavaScript runs: show the .js-only parts (components.css hides them under html.no-js). */
document.documentElement.classList.remove("no-js");

/* A moment as the pages print it: in the IRO's time zone (TIME_ZONE, on <html>), not the
   computer's, as 12/02/2026, 11:24 PM (with its date) or 11:24 PM. For the notices the
   scripts write themselves (autosave's, the intake draft's). */
window.imrTime = function (at, withDate) {
  var options = { hour: "numeric", minute: "2-digit" };
  var zone = document.documentElement.getAttribute("data-time-zone");
  if (zone) options.timeZone = zone;
  if (withDate) {
    options.year = "numeric";
    options.month = "2-digit";
    options.day = "2-digit";
  }
  try {
    return new Date(at).toLocaleString("en-US", options);
  } catch (error) {  // a zone this browser does not know: the computer's own
    delete options.timeZone;
    return new Date(at).toLocaleString("en-US", options);
  }
};
