/* Crisis-aware search (partials/search-help.html on /search/, partials/search-hint.html
 * under the header's search box on every page).
 *
 * A query about danger, abuse or self-harm shows the help box above the
 * results: the box is already in the page (so it works offline and whatever
 * search.js does), hidden; this script only decides whether to show it and
 * which of its groups. A query is about a crisis when it contains one of the
 * safety topic's aliases or one of a group's words as whole words; it shows
 * the groups whose words it contains, or, when only an alias matched, the
 * groups for danger, fear of a partner and suicide. Under the header's box,
 * while the reader types, the same words show a one-line hint with the most
 * urgent numbers, above search.js's own dropdown.
 */
(function () {
  "use strict";
  // The search page's box (groups by need) and the hint under the header's box.
  var box = document.getElementById("search-help");
  var hint = document.getElementById("search-crisis-hint");
  var source = box || hint;
  if (!source) return;
  var DEFAULT_NEEDS = ["danger", "afraid", "suicide"];

  function normalise(text) {
    return " " + String(text || "").toLowerCase()
      .replace(/['\u2019]/g, "")
      .replace(/[^\p{L}\p{N}]+/gu, " ")
      .trim() + " ";
  }

  function phrases(attribute) {
    return (attribute || "").split("|").map(normalise).filter(function (p) { return p.trim(); });
  }

  var triggers = phrases(source.getAttribute("data-triggers"));
  var groups = box ? Array.prototype.map.call(box.querySelectorAll("[data-need]"), function (element) {
    return { element: element, need: element.getAttribute("data-need"), words: phrases(element.getAttribute("data-match")) };
  }) : [];

  function contains(query, list) {
    return list.some(function (phrase) { return query.indexOf(phrase) !== -1; });
  }

  function isCrisis(query) {
    return contains(query, triggers) || groups.some(function (group) { return contains(query, group.words); });
  }

  // The search page: the groups whose words the query holds.
  function showBox(text) {
    if (!box) return;
    var query = normalise(text);
    var matched = groups.filter(function (group) { return contains(query, group.words); });
    var crisis = isCrisis(query);
    if (crisis && !matched.length) {
      matched = groups.filter(function (group) { return DEFAULT_NEEDS.indexOf(group.need) !== -1; });
    }
    groups.forEach(function (group) { group.element.hidden = matched.indexOf(group) === -1; });
    box.hidden = !crisis;
  }

  // Any page: the hint under the header's search box, while typing there.
  function showHint(text) {
    if (hint) hint.hidden = !isCrisis(normalise(text));
  }

  function queryInAddress() {
    return window.URLSearchParams ? new URLSearchParams(window.location.search).get("q") : "";
  }

  showBox(queryInAddress());
  window.addEventListener("popstate", function () { showBox(queryInAddress()); });
  document.addEventListener("input", function (event) {
    if (!event.target || event.target.name !== "q") return;
    showBox(event.target.value);
    if (event.target.id === "site-search") showHint(event.target.value);
  });
  document.addEventListener("submit", function (event) {
    var field = event.target.elements && event.target.elements.q;
    if (field) showBox(field.value);
  });
})();
