/* JavaScript runs: show the .js-only parts (components.css hides them under html.no-js). */
document.documentElement.classList.remove("no-js");
