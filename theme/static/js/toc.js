// "In this chapter": on a wide screen the contents are a panel beside the text
// (CSS makes it stay in view); this opens it there, folds it on a phone, and marks
// the section being read with aria-current. Without this script the contents are
// an ordinary <details> the reader opens, so nothing is lost.
(function () {
  "use strict";
  var details = document.querySelector("details[data-toc]");
  if (!details || !window.matchMedia) return;

  var wide = window.matchMedia("(min-width: 64rem)");
  function fit() { details.open = wide.matches; }
  fit();
  if (wide.addEventListener) wide.addEventListener("change", fit);

  if (!("IntersectionObserver" in window)) return;
  var links = Array.prototype.slice.call(details.querySelectorAll("a[href^='#']"));
  var headings = links.map(function (link) {
    return document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
  });
  if (!headings.length || headings.indexOf(null) !== -1) return;

  var current = null;
  // The section being read is the last one whose heading has passed the top third
  // of the window; before the first heading, none.
  function mark() {
    var line = window.innerHeight / 3;
    var index = -1;
    headings.forEach(function (heading, i) {
      if (heading.getBoundingClientRect().top <= line) index = i;
    });
    var link = index >= 0 ? links[index] : null;
    if (link === current) return;
    if (current) current.removeAttribute("aria-current");
    if (link) link.setAttribute("aria-current", "true");
    current = link;
  }
  // The observer only says when a heading crosses the line; mark() then reads where
  // every heading is, so a fast scroll past several headings still ends right.
  var observer = new IntersectionObserver(mark, { rootMargin: "0px 0px -66% 0px", threshold: [0, 1] });
  headings.forEach(function (heading) { observer.observe(heading); });
  mark();
})();
