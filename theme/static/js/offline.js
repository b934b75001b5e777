/* Registers the service worker that keeps pages for reading offline.
 * The script tag names it: <script src="offline.js" data-sw="/sw.js" data-scope="/" defer>. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !("serviceWorker" in navigator)) return;
  var worker = script.getAttribute("data-sw");
  var scope = script.getAttribute("data-scope");
  window.addEventListener("load", function () {
    navigator.serviceWorker.register(worker, { scope: scope }).catch(function (error) {
      /* Offline reading is an extra: the page itself works without it. */
      console.warn("Offline reading is not available:", error);
    });
  });
})();
