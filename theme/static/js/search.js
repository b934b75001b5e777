// Search the guide on the reader's device: the header's search box. search-engine.js
// (loaded just before this file) starts the search worker, which fetches
// lunr.js and the index parts from /search/ the first time the search box
// gets focus, or when /search/ opens, and answers queries; this file draws
// them. Nothing typed leaves the device. docs/search.md has the why.
//
// Results as you type in a listbox under the box (combobox pattern); the
// result links and failure notes are shared with the search page
// (search-results.js, /search/ only) through closerSearchBox. All text goes in
// with textContent. No
// input throws: text is made well-formed first (a lone surrogate would make
// encodeURIComponent throw), and a part of the index that cannot be fetched
// gives a message and a "Try again" button, never a page error or stale results.
(function () {
  "use strict";

  var input = document.getElementById("site-search");
  var form = input && input.form;
  var library = window.closerSearchEngine;
  if (!form || !library || !window.URL || !window.Map || !window.Worker) return;

  var SEARCH_URL = new URL(form.getAttribute("action") || "/search/", document.baseURI);
  var ROOT_URL = new URL("../", SEARCH_URL);
  var DROPDOWN_SIZE = 6;
  var PAGE_SIZE = 20;
  var DEBOUNCE_MS = 80;
  var UNAVAILABLE = "Search is not available right now.";
  var PART_MISSING = "Search could not load part of its index.";
  var BROKEN = "Search could not handle this text.";

  var engine = library.create(SEARCH_URL);
  var hasWords = library.hasWords;
  var wellFormed = library.wellFormed;
  var prefetched = null;

  function load() {
    return engine.ready();
  }

  // Hits for `text` with the documents (and matched words) of the first `shown` of them.
  function find(text, typing, shown) {
    return engine.find(text, typing, shown);
  }

  // A failure nobody waits for (loading on focus): logged, and shown when the reader searches.
  function logged(error) {
    console.error("search:", error && error.message || error);
  }

  // After a first search, a small index is fetched whole (one part at a
  // time), so that search keeps working offline; a large one never is.
  function prefetchLater() {
    if (!prefetched) {
      // Well after the results are drawn, and only when the browser is idle: the
      // rest of the index is for offline use, never in the way of this search.
      prefetched = new Promise(function (resolve) {
        setTimeout(function () {
          if (window.requestIdleCallback) window.requestIdleCallback(resolve, { timeout: 2000 });
          else resolve();
        }, 4000);
      })
        .then(engine.prefetch)
        .catch(function (error) {
          logged(error);
          prefetched = null;
          return false;
        });
    }
    return prefetched;
  }

  // A search the reader has typed past failed: nothing to show, but a bug is still logged.
  function staleFailure(error) {
    if (!error || error.name !== "PartError") logged(error);
  }

  function failureText(error) {
    if (error && error.name === "PartError") {
      var message = String(error.message);
      return /meta\.json|lunr|search worker/.test(message) ? UNAVAILABLE : PART_MISSING;
    }
    console.error("search:", error);  // a bug: said to the reader, and logged for whoever looks
    return BROKEN;
  }

  // ---- Rendering ------------------------------------------------------------

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  // `text` cut to about `length` characters around its first match, matched words in <mark>.
  // `marks` are the [start, end] pairs of the matched words (the worker found them).
  function highlighted(text, marks, length) {
    var fragment = document.createDocumentFragment();
    marks = marks || [];
    var start = 0;
    var end = text.length;
    if (text.length > length) {
      if (marks.length && marks[0][0] > length / 3) {
        start = text.indexOf(" ", marks[0][0] - Math.floor(length / 3)) + 1;
      }
      end = Math.min(text.length, start + length);
      if (end < text.length) {
        var space = text.lastIndexOf(" ", end);
        if (space > start) end = space;
      }
    }
    if (start > 0) fragment.appendChild(document.createTextNode("\u2026 "));
    var at = start;
    marks.forEach(function (mark) {
      if (mark[0] < at || mark[1] > end) return;
      fragment.appendChild(document.createTextNode(text.slice(at, mark[0])));
      fragment.appendChild(element("mark", "", text.slice(mark[0], mark[1])));
      at = mark[1];
    });
    fragment.appendChild(document.createTextNode(text.slice(at, end)));
    if (end < text.length) fragment.appendChild(document.createTextNode(" \u2026"));
    return fragment;
  }

  function resultLink(hit, length) {
    var doc = hit.doc;
    var link = element("a", "search-result");
    link.href = new URL(doc.url, ROOT_URL).href;
    link.appendChild(element("span", "search-result__kind", doc.label || "Page"));
    var title = element("span", "search-result__title");
    title.appendChild(highlighted(doc.title, hit.marks && hit.marks.title, 200));
    link.appendChild(title);
    if (doc.page) link.appendChild(element("span", "search-result__page", doc.page));
    if (doc.text) {
      var snippet = element("span", "search-result__snippet");
      snippet.appendChild(highlighted(doc.text, hit.marks && hit.marks.text, length));
      link.appendChild(snippet);
    }
    return link;
  }

  function plural(count, word) {
    return count + " " + word + (count === 1 ? "" : "s");
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  // ---- The dropdown under the header's search box ---------------------------

  var LISTBOX_ID = "site-search-listbox";
  var panel = element("div", "search-panel");
  var listbox = element("div", "search-listbox");
  var note = element("p", "search-panel__note");
  var status = element("div", "search-sr-only");
  var options = [];
  var active = -1;
  var timer = 0;

  panel.hidden = true;
  listbox.id = LISTBOX_ID;
  listbox.setAttribute("role", "listbox");
  listbox.setAttribute("aria-label", "Search results");
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  panel.appendChild(listbox);
  panel.appendChild(note);
  form.appendChild(panel);
  form.appendChild(status);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", LISTBOX_ID);

  function isOpen() {
    return !panel.hidden;
  }

  function close() {
    panel.hidden = true;
    input.setAttribute("aria-expanded", "false");
    setActive(-1);
  }

  function open() {
    if (!options.length && !note.firstChild) return;
    panel.hidden = false;
    input.setAttribute("aria-expanded", options.length ? "true" : "false");
  }

  function setActive(index) {
    if (active >= 0 && options[active]) options[active].setAttribute("aria-selected", "false");
    active = index;
    if (active >= 0 && options[active]) {
      options[active].setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", options[active].id);
      options[active].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function move(step) {
    var count = options.length;
    if (!count) return;
    setActive(active < 0 ? (step > 0 ? 0 : count - 1) : (active + step + count) % count);
  }

  // URLSearchParams, not encodeURIComponent: it never throws (text is well-formed anyway).
  function pageURL(text) {
    var url = new URL(SEARCH_URL.href);
    url.search = new URLSearchParams({ q: wellFormed(text) }).toString();
    return url.href;
  }

  function quoted(text) {
    return "\u201c" + text + "\u201d";
  }

  function noResultsNote(container) {
    container.appendChild(document.createTextNode("Try other words, or browse "));
    var links = [];
    var topics = document.querySelector('.site-nav a[href$="/topics/"]');
    var faq = document.querySelector('.site-nav a[href$="/faq/"]');
    if (topics) links.push(["the topics", topics.href]);
    if (faq) links.push(["the questions", faq.href]);
    if (!links.length) links.push(["every question and topic", SEARCH_URL.href + "#search-browse"]);
    links.forEach(function (pair, index) {
      if (index) container.appendChild(document.createTextNode(" or "));
      var link = element("a", "", pair[0]);
      link.href = pair[1];
      container.appendChild(link);
    });
    container.appendChild(document.createTextNode("."));
  }

  // A message and a "Try again" button that runs `retry`.
  function failureNote(container, message, retry) {
    clear(container);
    container.appendChild(element("span", "search-failure__text", message + " "));
    var button = element("button", "search-retry", "Try again");
    button.type = "button";
    button.addEventListener("click", function () { retry(); });
    container.appendChild(button);
  }

  function emptyDropdown() {
    options = [];
    clear(listbox);
    clear(note);
    listbox.hidden = true;
    active = -1;
    input.removeAttribute("aria-activedescendant");
  }

  function showDropdown(hits, total, text) {
    emptyDropdown();
    options = hits.slice(0, DROPDOWN_SIZE).map(function (hit) { return resultLink(hit, 110); });
    if (total) {
      var all = element("a", "search-result search-result--all", "See all " + plural(total, "result") + " for " + quoted(text));
      all.href = pageURL(text);
      options.push(all);
    } else {
      noResultsNote(note);
    }
    options.forEach(function (option, index) {
      option.id = LISTBOX_ID + "-" + index;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.tabIndex = -1;
      listbox.appendChild(option);
    });
    listbox.hidden = !options.length;
    status.textContent = total ? plural(total, "result") + " for " + quoted(text) : "No results for " + quoted(text);
    if (document.activeElement === input) open();
  }

  function showFailure(error, text) {
    emptyDropdown();
    var message = failureText(error);
    failureNote(note, message, function () {
      input.focus();
      update();
    });
    status.textContent = message + (text ? " " + quoted(text) : "");
    if (document.activeElement === input || form.contains(document.activeElement)) open();
  }

  var latest = 0;  // the number of the newest update: an older one never draws over it

  // Show the results for what is in the box now; resolves once they are shown.
  function update() {
    var text = wellFormed(input.value);
    var mine = ++latest;
    if (!hasWords(text) || text.trim().length < 2) {
      emptyDropdown();
      status.textContent = "";
      close();
      return Promise.resolve();
    }
    var typing = !/\s$/.test(text);
    return Promise.resolve().then(function () {
      return find(text, typing, DROPDOWN_SIZE);
    }).then(function (found) {
      if (mine !== latest) return;  // the reader typed on; a newer update draws
      showDropdown(found.hits, found.total, text);
      prefetchLater();
    }).catch(function (error) {
      if (mine !== latest) return staleFailure(error);
      showFailure(error, text);
    });
  }

  input.addEventListener("focus", function () {
    load().catch(logged);  // and shown when the reader searches
    if (options.length || note.firstChild) open();
  });
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(update, DEBOUNCE_MS);
  });
  input.addEventListener("keydown", function (event) {
    if (event.isComposing) return;
    switch (event.key) {
      case "ArrowDown":
      case "ArrowUp":
        if (!options.length) return;
        event.preventDefault();
        open();
        move(event.key === "ArrowDown" ? 1 : -1);
        break;
      case "Enter":
        if (isOpen() && active >= 0 && options[active]) {
          event.preventDefault();
          var target = options[active].href;
          close();
          window.location.assign(target);
        }
        break;
      case "Escape":
        if (isOpen()) {
          event.preventDefault();
          close();
        }
        break;
      case "Tab":
        close();
        break;
    }
  });
  form.addEventListener("focusout", function (event) {
    if (!form.contains(event.relatedTarget)) close();
  });
  document.addEventListener("pointerdown", function (event) {
    if (!form.contains(event.target)) close();
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    event.preventDefault();
    input.focus();
    input.select();
  });

  // What the search page (search-results.js) draws with: the same engine,
  // the same result links and failure notes as the dropdown.
  window.closerSearchBox = Object.freeze({
    input: input,
    form: form,
    pageSize: PAGE_SIZE,
    load: load,
    find: find,
    logged: logged,
    staleFailure: staleFailure,
    prefetchLater: prefetchLater,
    failureText: failureText,
    failureNote: failureNote,
    resultLink: resultLink,
    element: element,
    clear: clear,
    plural: plural,
    quoted: quoted,
    pageURL: pageURL,
    close: close,
    hasWords: hasWords,
    wellFormed: wellFormed
  });

  // For tests and the benchmark: the same search the page runs.
  window.closerSearch = Object.freeze({
    load: load,
    show: function (text) {  // fill the box and show its results at once, without the debounce
      input.value = text;
      return update();
    },
    showPage: function (text) {  // the search page's own search (search-results.js), elsewhere nothing
      return window.closerSearchResults ? window.closerSearchResults.show(text) : Promise.resolve();
    },
    clauses: function (text, typing) {
      return engine.clauses(text, !!typing);
    },
    // Every hit, best first; `shown` of them (6 unless given) with their URL and title.
    search: function (text, typing, shown) {
      return find(text, !!typing, shown === undefined ? DROPDOWN_SIZE : shown).then(function (found) {
        return found.hits.map(function (hit) {
          return { ref: hit.ref, score: hit.score, url: hit.doc.url, title: hit.doc.title, kind: hit.doc.kind };
        });
      });
    },
    // Every hit's ref and score, best first, without fetching any document.
    refs: function (text, typing) {
      return engine.refs(text, !!typing, PAGE_SIZE);
    },
    prefetched: function () {
      return prefetched ? prefetched : Promise.resolve(false);
    }
  });
})();
