/* Crisis-aware search (/search/; partials/search-help.html).
 *
 * A query about danger, abuse or self-harm shows the help box above the
 * results: the box is already in the page (so it works offline and whatever
 * search.js does), hidden; this script only decides whether to show it and
 * which of its groups. A query is about a crisis when it contains one of the
 * safety topic's aliases or one of a group's words as whole words; it shows
 * the groups whose words it contains, or, when only an alias matched, the
 * groups for danger, fear of a partner and suicide.
 */
(function () {
  "use strict";
  var box = document.getElementById("search-help");
  if (!box) return;
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

  var triggers = phrases(box.getAttribute("data-triggers"));
  var groups = Array.prototype.map.call(box.querySelectorAll("[data-need]"), function (element) {
    return { element: element, need: element.getAttribute("data-need"), words: phrases(element.getAttribute("data-match")) };
  });

  function contains(query, list) {
    return list.some(function (phrase) { return query.indexOf(phrase) !== -1; });
  }

  function show(text) {
    var query = normalise(text);
    var matched = groups.filter(function (group) { return contains(query, group.words); });
    var crisis = matched.length > 0 || contains(query, triggers);
    if (crisis && !matched.length) {
      matched = groups.filter(function (group) { return DEFAULT_NEEDS.indexOf(group.need) !== -1; });
    }
    groups.forEach(function (group) { group.element.hidden = matched.indexOf(group) === -1; });
    box.hidden = !crisis;
  }

  function queryInAddress() {
    return window.URLSearchParams ? new URLSearchParams(window.location.search).get("q") : "";
  }

  show(queryInAddress());
  window.addEventListener("popstate", function () { show(queryInAddress()); });
  document.addEventListener("input", function (event) {
    if (event.target && event.target.name === "q") show(event.target.value);
  });
  document.addEventListener("submit", function (event) {
    var field = event.target.elements && event.target.elements.q;
    if (field) show(field.value);
  });
})();
