// The search page, /search/?q=...: the full list of results inside
// #search-results, which holds nothing but results, best first, each one <a>
// (drawn by search.js's resultLink, every string with textContent). The
// address holds the query: searching again updates it (history.pushState),
// Back shows the earlier results. A part of the index that cannot be fetched
// gives a message under the status and a "Try again" button. Loaded on
// /search/ only, after search-engine.js and search.js.
(function () {
  "use strict";

  var box = window.closerSearchBox;
  var results = document.getElementById("search-results");
  if (!box || !results) return;

  var input = box.input;
  var PAGE_SIZE = box.pageSize;
  var wellFormed = box.wellFormed;
  var pageStatus = document.getElementById("search-status");
  var none = document.getElementById("search-none");
  var retryRow = null;
  var latestPage = 0;

  function setRetry(message, retry) {
    if (!retryRow && pageStatus) {
      retryRow = box.element("p", "search-failure");
      pageStatus.parentNode.insertBefore(retryRow, pageStatus.nextSibling);
    }
    if (!retryRow) return;
    retryRow.hidden = !message;
    if (message) box.failureNote(retryRow, message, retry); else box.clear(retryRow);
  }

  async function showPage(text) {
    text = wellFormed(text);
    var mine = ++latestPage;
    box.clear(results);
    setRetry("");
    if (none) none.hidden = true;
    if (!box.hasWords(text)) {
      if (pageStatus) pageStatus.textContent = "";
      return;
    }
    var found;
    try {
      found = await box.find(text, false, PAGE_SIZE);
    } catch (error) {
      if (mine !== latestPage) return box.staleFailure(error);
      box.clear(results);
      var message = box.failureText(error);
      if (pageStatus) pageStatus.textContent = message;
      setRetry(message, function () { showPage(text); });
      return;
    }
    if (mine !== latestPage) return;  // a newer search draws
    box.clear(results);
    found.hits.forEach(function (hit) { results.appendChild(box.resultLink(hit, 240)); });
    if (pageStatus) {
      pageStatus.textContent = found.total
        ? box.plural(found.total, "result") + " for " + box.quoted(text) +
          (found.total > PAGE_SIZE ? ", the best " + PAGE_SIZE + " shown" : "")
        : "No results for " + box.quoted(text) + ".";
    }
    if (none) none.hidden = found.total > 0;
    box.prefetchLater();
  }

  function queryInAddress() {
    try {
      return new URLSearchParams(window.location.search).get("q") || "";
    } catch (error) {
      return "";
    }
  }

  input.value = wellFormed(queryInAddress());
  box.load().catch(box.logged);
  showPage(input.value);
  box.form.addEventListener("submit", function (event) {
    event.preventDefault();
    box.close();
    var text = wellFormed(input.value);
    if (text !== queryInAddress()) window.history.pushState(null, "", box.pageURL(text));
    showPage(text);
  });
  window.addEventListener("popstate", function () {
    input.value = wellFormed(queryInAddress());
    showPage(input.value);
  });

  window.closerSearchResults = Object.freeze({ show: showPage });
})();
