// Search the guide on the reader's device: lunr.js 2.3.9 and an index built at
// build time (plugins/search_index), fetched from /search/ (lunr.min.js,
// index.json, docs.json) the first time the search box gets focus, or when
// /search/ opens. Nothing typed leaves the page. docs/search.md has the why.
//
// The query is built, never parsed: the reader's text is split into words
// exactly as the index was (words() mirrors plugins/search_index/pipeline.py),
// stop words are dropped the way lunr drops them, and each word becomes
// clauses of idx.query(): the exact word (boosted), the topic words its
// aliases stand for ("husband" -> partners), one typo for words of 5 letters
// or more (and, for a word the index does not know, the longest index term
// that begins it), and, for the word being typed, every term it begins (lunr's
// trailing-wildcard match). Words in most texts keep to titles. Characters
// that mean something to lunr's query syntax (: ^ ~ * + - \ " ') never reach it.
//
// Header: results as you type in a listbox under the box (combobox pattern).
// /search/?q=...: the full list inside #search-results, which holds nothing but
// results, best first, each one <a>. All text goes in with textContent.
(function () {
  "use strict";

  var input = document.getElementById("site-search");
  var form = input && input.form;
  if (!form || !window.fetch || !window.URL) return;

  var SEARCH_URL = new URL(form.getAttribute("action") || "/search/", document.baseURI);
  var ROOT_URL = new URL("../", SEARCH_URL);
  var DROPDOWN_SIZE = 6;
  var PAGE_SIZE = 50;
  var DEBOUNCE_MS = 80;
  var MAX_WORDS = 12;
  var FUZZY_MIN = 5;
  var FUZZY_MAX = 20;
  var PREFIX_MIN = 4;
  var COMMON_SHARE = 0.25;
  var BOOST = { exact: 10, synonym: 3, prefix: 2, typo: 1 };
  var KIND_LABELS = { chapter: "Chapter", faq: "FAQ", tip: "Tip", topic: "Topic", page: "Page" };
  var POSSESSIVE = /['\u2018\u2019\u02bc]s(?![\p{L}\p{N}])/gu;
  var APOSTROPHES = /['\u2018\u2019\u02bc]/g;
  var NOT_A_WORD = /[^\p{L}\p{N}]+/u;
  var WORD = /[\p{L}\p{N}'\u2018\u2019\u02bc]+/gu;

  // ---- Loading --------------------------------------------------------------

  var engine = null;

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      if (window.lunr) return resolve();
      var script = document.createElement("script");
      script.src = src;
      script.addEventListener("load", function () { resolve(); });
      script.addEventListener("error", function () { reject(new Error("could not load " + src)); });
      document.head.appendChild(script);
    });
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) throw new Error(url + ": HTTP " + response.status);
      return response.json();
    });
  }

  // The index comes packed (plugins/search_index/packing.py): each document's
  // field vectors, with term numbers as gaps, and the terms. Rebuild lunr's
  // serialised form from them: the inverted index is the vectors inside out.
  function unpack(packed) {
    if (!packed.terms) return packed;
    var fields = packed.fields;
    var postings = packed.terms.map(function (term, number) {
      var posting = { _index: number };
      fields.forEach(function (field) { posting[field] = {}; });
      return posting;
    });
    var fieldVectors = [];
    packed.vectors.forEach(function (entry) {
      var ref = entry[0];
      fields.forEach(function (field, f) {
        var gaps = entry[f + 1], vector = [], number = 0;
        for (var i = 0; i + 1 < gaps.length; i += 2) {
          number += gaps[i];
          vector.push(number, gaps[i + 1]);
          postings[number][field][ref] = {};
        }
        fieldVectors.push([field + "/" + ref, vector]);
      });
    });
    var inverted = packed.terms.map(function (term, number) { return [term, postings[number]]; });
    inverted.sort(function (a, b) { return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0; });
    return {
      version: packed.version,
      fields: fields,
      fieldVectors: fieldVectors,
      invertedIndex: inverted,
      pipeline: packed.pipeline
    };
  }

  function nextTurn() {
    return new Promise(function (resolve) { setTimeout(resolve, 0); });
  }

  function load() {
    if (!engine) {
      engine = Promise.all([
        loadScript(new URL("lunr.min.js", SEARCH_URL).href),
        getJSON(new URL("index.json", SEARCH_URL).href),
        getJSON(new URL("docs.json", SEARCH_URL).href)
      ]).then(function (parts) {
        var store = parts[2];
        // Unpacking and loading the index are each a long task on a phone:
        // a turn of the event loop before each keeps the page responsive.
        return nextTurn().then(function () {
          var serialised = unpack(parts[1]);
          return nextTurn().then(function () {
            return {
              index: window.lunr.Index.load(serialised),
              docs: store.docs,
              synonyms: store.synonyms || {},
              size: Object.keys(store.docs).length,
              common: Object.create(null)
            };
          });
        });
      });
      engine.catch(function () { engine = null; });  // let the next attempt try again
    }
    return engine;
  }

  // ---- Queries --------------------------------------------------------------

  function words(text) {
    return String(text).toLowerCase().replace(POSSESSIVE, "").replace(APOSTROPHES, "")
      .split(NOT_A_WORD).filter(Boolean);
  }

  function trimmed(word) {
    return window.lunr.trimmer(new window.lunr.Token(word)).toString();
  }

  function isStopWord(word) {
    return !window.lunr.stopWordFilter(new window.lunr.Token(trimmed(word)));
  }

  function stemmed(word) {
    return window.lunr.stemmer(new window.lunr.Token(trimmed(word))).toString();
  }

  function own(object, key) {
    return Object.prototype.hasOwnProperty.call(object, key) ? object[key] : null;
  }

  // Whether more than COMMON_SHARE of the documents have `term` in their text.
  function common(found, term) {
    if (!(term in found.common)) {
      var posting = own(found.index.invertedIndex, term);
      found.common[term] = !!posting && Object.keys(posting.text).length > COMMON_SHARE * found.size;
    }
    return found.common[term];
  }

  function inTitles(found, term) {
    var posting = own(found.index.invertedIndex, term);
    return !!posting && Object.keys(posting.title).length > 0;
  }

  // The clauses for the reader's text; `typing` means the last word may be unfinished.
  function clausesFor(found, text, typing) {
    var all = words(text).slice(0, MAX_WORDS);
    var clauses = [];
    var seen = Object.create(null);

    function add(term, options) {
      var clause = { term: term, boost: options.boost, usePipeline: options.usePipeline !== false };
      if (options.fields) clause.fields = options.fields;
      if (options.wildcard) clause.wildcard = options.wildcard;
      if (options.editDistance) clause.editDistance = options.editDistance;
      var key = JSON.stringify(clause);
      if (!seen[key]) {
        seen[key] = true;
        clauses.push(clause);
      }
    }

    var stems = all.map(stemmed);
    for (var n = 3; n >= 1; n--) {
      for (var i = 0; i + n <= all.length; i++) {
        var targets = own(found.synonyms, stems.slice(i, i + n).join(" "));
        if (targets) targets.forEach(function (target) { add(target, { boost: BOOST.synonym }); });
      }
    }
    var content = all.filter(function (word) { return trimmed(word) && !isStopWord(word); });
    all.forEach(function (word, index) {
      var term = trimmed(word);
      if (!term) return;
      if (!isStopWord(word)) {
        // A word in most texts ("partner", "feel") adds little to a text's
        // score (lunr's IDF is low) but most of the work: look for it in
        // titles only, unless it is all the reader typed and no title has it.
        var fields = common(found, stems[index]) && (content.length > 1 || inTitles(found, stems[index]))
          ? ["title"] : null;
        add(word, { boost: BOOST.exact, fields: fields });
        if (term.length >= FUZZY_MIN && term.length <= FUZZY_MAX) {
          add(word, { boost: BOOST.typo, editDistance: 1, fields: fields });
          // A word the index does not know is often a typo that the stemmer
          // could not take apart ("vulnerabilty", "mindfullness"): also try
          // the longest term the index knows that begins the word.
          if (!own(found.index.invertedIndex, stems[index])) {
            for (var end = term.length - 1; end >= PREFIX_MIN; end--) {
              if (own(found.index.invertedIndex, term.slice(0, end))) {
                add(term.slice(0, end), { boost: BOOST.typo, usePipeline: false });
                break;
              }
            }
          }
        }
      }
      if (typing && index === all.length - 1 && term.length >= 2) {
        // The word being typed: every index term it begins (what a trailing
        // wildcard would match), each a clause of its own so that common ones
        // can keep to titles too.
        found.index.tokenSet.intersect(window.lunr.TokenSet.fromString(term + "*")).toArray().sort()
          .forEach(function (match) {
            var fields = common(found, match) && (content.length > 1 || inTitles(found, match)) ? ["title"] : null;
            add(match, { boost: BOOST.prefix, usePipeline: false, fields: fields });
          });
      }
    });
    return clauses;
  }

  function search(found, text, typing) {
    var clauses = clausesFor(found, text, typing);
    if (!clauses.length) return [];
    var results = found.index.query(function (query) {
      clauses.forEach(function (clause) {
        var options = { boost: clause.boost, usePipeline: clause.usePipeline };
        if (clause.fields) options.fields = clause.fields.slice();
        if (clause.wildcard) options.wildcard = clause.wildcard;
        if (clause.editDistance) options.editDistance = clause.editDistance;
        query.term(clause.term, options);
      });
    });
    results.sort(function (a, b) { return b.score - a.score || (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0); });
    return results.filter(function (result) { return own(found.docs, result.ref); }).map(function (result) {
      return { ref: result.ref, score: result.score, doc: found.docs[result.ref], terms: Object.keys(result.matchData.metadata) };
    });
  }

  // ---- Rendering ------------------------------------------------------------

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  // Where the words of `text` that match `terms` are, as [start, end] pairs.
  function matches(text, terms) {
    var wanted = Object.create(null);
    terms.forEach(function (term) { wanted[term] = true; });
    var found = [];
    var match;
    WORD.lastIndex = 0;
    while ((match = WORD.exec(text)) !== null) {
      if (words(match[0]).some(function (word) { return wanted[stemmed(word)]; })) {
        found.push([match.index, match.index + match[0].length]);
      }
    }
    return found;
  }

  // `text` cut to about `length` characters around its first match, matched words in <mark>.
  function highlighted(text, terms, length) {
    var fragment = document.createDocumentFragment();
    var marks = matches(text, terms);
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
    link.appendChild(element("span", "search-result__kind", KIND_LABELS[doc.kind] || "Page"));
    var title = element("span", "search-result__title");
    title.appendChild(highlighted(doc.title, hit.terms, 200));
    link.appendChild(title);
    if (doc.page) link.appendChild(element("span", "search-result__page", doc.page));
    if (doc.text) {
      var snippet = element("span", "search-result__snippet");
      snippet.appendChild(highlighted(doc.text, hit.terms, length));
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

  function pageURL(text) {
    var url = new URL(SEARCH_URL.href);
    url.search = "?q=" + encodeURIComponent(text);
    return url.href;
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

  function showDropdown(hits, text) {
    clear(listbox);
    clear(note);
    options = hits.slice(0, DROPDOWN_SIZE).map(function (hit) { return resultLink(hit, 110); });
    if (hits.length) {
      var all = element("a", "search-result search-result--all", "See all " + plural(hits.length, "result") + " for \u201c" + text + "\u201d");
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
    active = -1;
    input.removeAttribute("aria-activedescendant");
    status.textContent = hits.length ? plural(hits.length, "result") + " for \u201c" + text + "\u201d" : "No results for \u201c" + text + "\u201d";
    if (document.activeElement === input) open();
  }

  // Show the results for what is in the box now; resolves once they are shown.
  function update() {
    var text = input.value;
    if (!words(text).length || text.trim().length < 2) {
      options = [];
      clear(listbox);
      clear(note);
      status.textContent = "";
      close();
      return Promise.resolve();
    }
    return load().then(function (found) {
      if (input.value !== text) return;  // the reader typed on; a newer update will run
      showDropdown(search(found, text, !/\s$/.test(text)), text);
    }, unavailable);
  }

  function unavailable() {
    status.textContent = "Search is not available right now. Please try again.";
  }

  input.addEventListener("focus", function () {
    load().catch(unavailable);
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

  // ---- The search page: /search/?q=... --------------------------------------

  var results = document.getElementById("search-results");
  var pageStatus = document.getElementById("search-status");
  var none = document.getElementById("search-none");

  function showPage(text) {
    if (!results) return;
    clear(results);
    if (none) none.hidden = true;
    if (!words(text).length) {
      if (pageStatus) pageStatus.textContent = "";
      return;
    }
    load().then(function (found) {
      var hits = search(found, text, false);
      clear(results);
      hits.slice(0, PAGE_SIZE).forEach(function (hit) { results.appendChild(resultLink(hit, 240)); });
      if (pageStatus) {
        pageStatus.textContent = hits.length
          ? plural(hits.length, "result") + " for \u201c" + text + "\u201d" + (hits.length > PAGE_SIZE ? ", the best " + PAGE_SIZE + " shown" : "")
          : "No results for \u201c" + text + "\u201d.";
      }
      if (none) none.hidden = hits.length > 0;
    }, function () {
      if (pageStatus) pageStatus.textContent = "Search is not available right now. Please try again.";
    });
  }

  function queryInAddress() {
    return new URLSearchParams(window.location.search).get("q") || "";
  }

  if (results) {
    input.value = queryInAddress();
    load().catch(function () {});
    showPage(input.value);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      close();
      var text = input.value;
      if (text !== queryInAddress()) window.history.pushState(null, "", pageURL(text));
      showPage(text);
    });
    window.addEventListener("popstate", function () {
      input.value = queryInAddress();
      showPage(input.value);
    });
  }

  // For tests and the benchmark: the same search the page runs.
  window.closerSearch = Object.freeze({
    load: load,
    unpack: unpack,
    show: function (text) {  // fill the box and show its results at once, without the debounce
      input.value = text;
      return update();
    },
    words: words,
    clauses: function (text, typing) {
      return load().then(function (found) { return clausesFor(found, text, !!typing); });
    },
    search: function (text, typing) {
      return load().then(function (found) {
        return search(found, text, !!typing).map(function (hit) {
          return { ref: hit.ref, score: hit.score, url: hit.doc.url, title: hit.doc.title, kind: hit.doc.kind };
        });
      });
    }
  });
})();
