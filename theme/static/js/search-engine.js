// The page's side of the search engine: a small promise-based client of
// js/search-worker.js, which holds lunr.js and the index in a Web Worker
// (docs/search.md). The page never loads lunr: decoding the term list,
// building its TokenSet and scoring run off the main thread, so typing and
// scrolling never wait for them.
//
// closerSearchEngine.create(searchURL) gives an engine whose every method
// returns a Promise: ready(), find(text, typing, shown) -> {hits, total} (each
// hit with its doc and the places of its matched words), refs(), clauses(),
// prefetch(). The worker starts on the first call. A file the worker could not
// fetch rejects with an error named "PartError" (the page offers to try
// again); a worker that could not start rejects every waiting call the same
// way, and the next call starts a new one. Errors are logged, never swallowed.
// The worker's URL (fingerprinted by plugins/assets) comes from this script's
// data-worker attribute.
(function () {
  "use strict";

  var script = document.currentScript;
  var WORKER_URL = script && script.getAttribute("data-worker");
  var POSSESSIVE = /['\u2018\u2019\u02bc]s(?![\p{L}\p{N}])/gu;
  var LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(^|[^\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

  // Text a reader typed, made safe to use anywhere: a lone surrogate (invalid
  // UTF-16, which encodeURIComponent refuses with a URIError) becomes U+FFFD,
  // as the URL standard would turn it.
  function wellFormed(text) {
    text = String(text == null ? "" : text);
    if (typeof text.toWellFormed === "function") return text.toWellFormed();
    return text.replace(LONE_SURROGATE, function (match, before) {
      return (before || "") + "\uFFFD";
    });
  }

  // Whether the worker's words() finds any word in `text` (a letter or digit
  // once a possessive "'s" is dropped): text without one is never searched.
  function hasWords(text) {
    return /[\p{L}\p{N}]/u.test(wellFormed(text).toLowerCase().replace(POSSESSIVE, ""));
  }

  // An error the worker sent back, or the worker's own failure to start.
  function SearchError(details) {
    this.name = details.name || "Error";
    this.message = details.message || "search failed";
    this.status = details.status || 0;
  }
  SearchError.prototype = Object.create(Error.prototype);

  function create(searchURL) {
    var worker = null;
    var waiting = new Map();  // request id -> {resolve, reject}
    var lastId = 0;

    function settle(reply) {
      var call = waiting.get(reply.id);
      if (!call) return;
      waiting.delete(reply.id);
      if (reply.ok) call.resolve(reply.value);
      else call.reject(new SearchError(reply.error || {}));
    }

    // The worker could not start (its script missing, offline before it was
    // ever cached) or died: every waiting call fails, the next one starts anew.
    function broken(message) {
      console.error("search: " + message);
      if (worker) worker.terminate();
      worker = null;
      var calls = Array.from(waiting.values());
      waiting.clear();
      calls.forEach(function (call) {
        call.reject(new SearchError({ name: "PartError", message: "could not load the search worker (" + message + ")" }));
      });
    }

    function start() {
      worker = new Worker(WORKER_URL);
      worker.addEventListener("message", function (event) { settle(event.data || {}); });
      worker.addEventListener("error", function (event) {
        event.preventDefault();  // reported here, once, instead of as an uncaught page error
        broken(event.message || "the worker did not start");
      });
      worker.addEventListener("messageerror", function () { broken("a reply could not be read"); });
      post("init", [{ searchURL: searchURL.href, lunrURL: new URL("lunr.min.js", searchURL).href }]).catch(function (error) {
        console.error("search:", error);
      });
    }

    function post(method, args) {
      return new Promise(function (resolve, reject) {
        var id = ++lastId;
        waiting.set(id, { resolve: resolve, reject: reject });
        worker.postMessage({ id: id, method: method, args: args });
      });
    }

    function call(method) {
      var args = Array.prototype.slice.call(arguments, 1);
      if (!WORKER_URL || !window.Worker) {
        return Promise.reject(new SearchError({ name: "PartError", message: "could not load the search worker (none in this page)" }));
      }
      try {
        if (!worker) start();
        return post(method, args);
      } catch (error) {
        broken(String(error && error.message || error));
        return Promise.reject(new SearchError({ name: "PartError", message: "could not load the search worker" }));
      }
    }

    return {
      ready: function () { return call("ready"); },
      find: function (text, typing, shown) { return call("find", wellFormed(text), !!typing, shown); },
      refs: function (text, typing, limit) { return call("refs", wellFormed(text), !!typing, limit); },
      clauses: function (text, typing) { return call("clauses", wellFormed(text), !!typing); },
      prefetch: function () { return call("prefetch"); }
    };
  }

  window.closerSearchEngine = Object.freeze({
    create: create,
    hasWords: hasWords,
    wellFormed: wellFormed
  });
})();
