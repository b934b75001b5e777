/* The quick exit (partials/quick-exit.html): leave a sensitive page at once.
 *
 * The button is a plain link to a neutral site, so it works without
 * JavaScript. With it, the button and Shift pressed three times in a row
 * (within five seconds, nothing else pressed in between) hide the page
 * before anything else happens, then replace this page in the history with
 * the neutral site (location.replace), so Back does not bring it back.
 * GOV.UK's "Exit this page" is the model; this is our own small version.
 */
(function () {
  "use strict";
  var root = document.getElementById("quick-exit");
  if (!root || !document.documentElement.classList) return;
  var button = root.querySelector(".quick-exit__button");
  var target = root.getAttribute("data-exit-url") || (button && button.href);
  var WINDOW_MS = 5000;
  var presses = 0;
  var timer = null;
  var lastKeyWasModified = false;
  var status = document.createElement("span");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  root.appendChild(status);

  function leave(event) {
    if (event) event.preventDefault();
    // Hide first: whoever looks at the screen must not see the page while
    // the neutral site loads.
    document.documentElement.classList.add("quick-exit-leaving");
    document.title = "Loading";
    var cover = document.createElement("div");
    cover.className = "quick-exit-cover";
    cover.setAttribute("role", "alert");
    cover.textContent = "Loading.";
    document.body.appendChild(cover);
    window.location.replace(target);
  }

  function reset() {
    presses = 0;
    if (timer) window.clearTimeout(timer);
    timer = null;
  }

  function onKeyUp(event) {
    // Shift used as a modifier (Shift + A) sends a keyup for A with shiftKey
    // set, then one for Shift: that Shift is not a press of its own.
    if (event.key === "Shift" && !lastKeyWasModified) {
      presses += 1;
      if (timer) window.clearTimeout(timer);
      if (presses >= 3) {
        reset();
        leave();
        return;
      }
      status.textContent = "Shift, press " + (3 - presses) + " more time" + (presses === 2 ? "" : "s") + " to exit.";
      timer = window.setTimeout(function () {
        reset();
        status.textContent = "Exit this page cancelled.";
      }, WINDOW_MS);
    } else if (presses) {
      reset();
      status.textContent = "";
    }
    lastKeyWasModified = event.shiftKey;
  }

  if (button) button.addEventListener("click", leave);
  document.addEventListener("keyup", onKeyUp, true);
  // A browser that keeps pages in its back-forward cache could show the
  // covered page again: uncover it so the reader is never stuck.
  window.addEventListener("pageshow", function () {
    document.documentElement.classList.remove("quick-exit-leaving");
    var cover = document.querySelector(".quick-exit-cover");
    if (cover) cover.parentNode.removeChild(cover);
  });
})();
