// The FAQ page (/faq/): open the answer named in the address (/faq/#<slug>),
// on load and when the hash changes, for browsers that do not open a closed
// <details> on fragment navigation; offer "Expand all" / "Collapse all"
// (hidden in the HTML, so they only appear when they work); and open every
// answer before printing, restoring what was open afterwards.
(function () {
  "use strict";
  const items = Array.from(document.querySelectorAll("details.faq-item"));
  if (!items.length) return;

  function targetOfHash() {
    try {
      const id = decodeURIComponent(location.hash.slice(1));
      return id ? document.getElementById(id) : null;
    } catch (error) {
      return null;  // a malformed %-escape names nothing
    }
  }

  function openTarget() {
    const target = targetOfHash();
    const item = target && target.closest("details.faq-item");
    if (!item) return;
    item.open = true;
    target.scrollIntoView({ block: "start" });
  }

  function setAll(open) {
    items.forEach(function (item) { item.open = open; });
  }

  const tools = document.querySelector(".faq-tools");
  if (tools) {
    tools.querySelector("[data-faq-expand]").addEventListener("click", function () { setAll(true); });
    tools.querySelector("[data-faq-collapse]").addEventListener("click", function () { setAll(false); });
    tools.hidden = false;
  }

  let openBeforePrint = null;
  window.addEventListener("beforeprint", function () {
    openBeforePrint = items.filter(function (item) { return item.open; });
    setAll(true);
  });
  window.addEventListener("afterprint", function () {
    if (!openBeforePrint) return;
    items.forEach(function (item) { item.open = openBeforePrint.includes(item); });
    openBeforePrint = null;
  });

  window.addEventListener("hashchange", openTarget);
  openTarget();
})();
