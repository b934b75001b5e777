// /search/ only, loaded without defer so it runs before the first paint.
// When the address holds a query, search.js will put results above the
// "Browse the guide" lists a moment after the page shows; this marks <html>
// first, so the stylesheet can keep a screen free for those results and the
// lists below never jump down under the reader's eyes (no layout shift).
// Without JavaScript nothing is marked and the lists show at once.
(function () {
  "use strict";
  var root = document.documentElement;
  if (!root.classList || !window.URLSearchParams) return;

  // Mirrors search.js: a query with no letter or digit shows no results.
  function mark(text) {
    root.classList.toggle("search-has-query", /[\p{L}\p{N}]/u.test(text || ""));
  }

  function queryInAddress() {
    return new URLSearchParams(window.location.search).get("q");
  }

  mark(queryInAddress());
  window.addEventListener("popstate", function () { mark(queryInAddress()); });
  document.addEventListener("submit", function (event) {
    var box = event.target.elements && event.target.elements.q;
    if (box) mark(box.value);
  });
})();
