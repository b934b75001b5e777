// The guide's search engine, in a dedicated Web Worker: lunr.js 2.3.9 over an
// index the build wrote in parts (plugins/search_index/parts.py;
// docs/search.md). The page never holds lunr or the index: js/search-engine.js
// starts this worker on the first focus of the search box (or when /search/
// opens) and asks it questions with postMessage; decoding the term list,
// building its TokenSet and scoring happen here, off the page's main thread.
// Nothing a reader types leaves the device: the worker only fetches files of
// the site (lunr.min.js with importScripts, meta.json and the parts with
// fetch), and the service worker sees and caches those fetches as it does the
// page's, so search works offline afterwards.
//
// The first message ("init") names the search folder and lunr.min.js. Each
// request is {id, method, args}; each reply {id, ok, value} or {id, ok: false,
// error: {name, message, status}}. A PartError is a file that could not be
// fetched (the page offers to try again); anything else is logged here with
// console.error and passed on, never swallowed.
//
// Loading fetches lunr.min.js and search/meta.json: every term (sorted,
// front-coded), one flag digit per term, where each part of the index starts,
// the synonyms. That is enough to build a query and to expand its typos and
// prefixes into the terms they stand for (lunr's own TokenSet over the whole
// term list); only then are the parts holding those terms' postings fetched,
// and only for the fields the query looks in. lunr's score for a field is the
// dot product of the query's vector with the field's BM25 weights (computed
// at build time over the whole site), divided by the length of the query's
// vector, so it is the same whatever else happens to be loaded. Every match
// is scored that way in one typed-array pass (rank()), and lunr.js runs the
// query on an index of the best of them, so what is shown carries lunr's own
// scores and match data (the tests check both against lunr.js on the whole
// index). Titles, URLs and snippets come in small groups, fetched for the
// results shown.
//
// The query is built, never parsed: the reader's text is split into words
// exactly as the index was (words() mirrors plugins/search_index/pipeline.py),
// stop words are dropped the way lunr drops them, and each word becomes
// clauses of idx.query(): the exact word (boosted), the topic words its
// aliases stand for ("husband" -> partners), one typo for words of 5 letters
// or more (and, for a word the index does not know, the longest index term
// that begins it), and, for the word being typed, every term it begins, in
// titles only.
// Words in most texts keep to titles. Characters that mean something to
// lunr's query syntax (: ^ ~ * + - \ " ') never reach it.
"use strict";

var MAX_WORDS = 12;
var FUZZY_MIN = 5;
var FUZZY_MAX = 20;
var PREFIX_MIN = 4;
var BOOST = { exact: 10, synonym: 3, prefix: 2, typo: 1 };
var FLAG = { title: 1, text: 2, common: 4 };
var PART_LETTER = { title: "h", text: "x" };
// A result's kind and label by its reference's first letter: meta.json's "names", from the
// build's one registry of content kinds (plugins/guide_core/kinds.py).
var NAMES = {};
var BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz";
var POSSESSIVE = /['\u2018\u2019\u02bc]s(?![\p{L}\p{N}])/gu;
var APOSTROPHES = /['\u2018\u2019\u02bc]/g;
// A pronoun and a verb, both lunr stop words, with the apostrophe gone ("I'm" is "im"):
// no topic, but rare enough in titles to outweigh the words that are one ("I'm scared
// of my husband" found "I'm worried about how I treat my partner" first). The reader's
// query leaves them out, as it does "I" and "am". Not "id", "ill", "well", "wed": words.
var PRONOUN_CONTRACTIONS = new Set(["im", "ive", "youre", "youve", "youll", "youd", "weve",
  "theyre", "theyve", "theyll", "theyd"]);
var NOT_A_WORD = /[^\p{L}\p{N}]+/u;
var WORD = /[\p{L}\p{N}'\u2018\u2019\u02bc]+/gu;
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

function words(text) {
  return wellFormed(text).toLowerCase().replace(POSSESSIVE, "").replace(APOSTROPHES, "")
    .split(NOT_A_WORD).filter(Boolean);
}

// A part that could not be fetched: the page says so and offers to try again.
function PartError(url, status) {
  this.name = "PartError";
  this.message = "could not load " + url + (status ? " (HTTP " + status + ")" : "");
  this.status = status || 0;
}
PartError.prototype = Object.create(Error.prototype);

async function getJSON(url) {
  var response;
  try {
    response = await fetch(url, { credentials: "same-origin" });
  } catch (error) {
    throw new PartError(url, 0);  // offline, or the request was refused
  }
  if (!response.ok) throw new PartError(url, response.status);
  try {
    return await response.json();
  } catch (error) {
    throw new PartError(url, response.status);  // cut short, or not this build's file
  }
}

// lunr.js into this worker's global scope (self.lunr), once.
function loadLunr(url) {
  if (self.lunr) return;
  try {
    importScripts(url);
  } catch (error) {
    throw new PartError(url, 0);
  }
}

function frontDecode(coded) {
  var terms = [];
  var previous = "";
  if (!coded) return terms;
  coded.split(",").forEach(function (entry) {
    previous = previous.slice(0, BASE36.indexOf(entry.charAt(0))) + entry.slice(1);
    terms.push(previous);
  });
  return terms;
}

function cumulative(gaps) {
  var total = 0;
  return gaps.map(function (gap) { return (total += gap); });
}

// The last i with sorted[i] <= value.
function lastAtMost(sorted, value) {
  var low = 0, high = sorted.length - 1, found = -1;
  while (low <= high) {
    var middle = (low + high) >> 1;
    if (sorted[middle] <= value) {
      found = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found;
}

// One engine per search URL. Nothing is fetched until ready() is called.
function create(searchURL, lunrURL) {
  var base = null;  // search/<build>/
  var meta = null;
  var lunr = null;
  var tokenSet = null;
  var pipeline = null;
  var fields = [];
  var terms = null;
  var termNumber = null;
  var flags = "";
  var starts = {};
  var kindStarts = [];
  var total = 0;
  var postings = {};  // field -> term number -> {docs: Int32Array, weights: Float64Array}
  var scratch = {};  // field -> {sum: Float64Array, seen: Uint8Array}, one slot per document
  var scores = null;  // {value: Float64Array, seen: Uint8Array}, one slot per document
  var loadedParts = Object.create(null);  // url -> Promise of the part
  var documents = Object.create(null);  // ref -> {url, title, kind, text, page}
  var starting = null;

  function ready() {
    if (!starting) {
      starting = (async function () {
        // meta.json is on its way while importScripts blocks this worker (never the page).
        var loaded = await Promise.all([
          getJSON(new URL("meta.json", searchURL).href),
          Promise.resolve().then(function () { loadLunr(lunrURL); })
        ]);
        start(loaded[0]);
        expansions();
      })();
      starting.catch(function () { starting = null; });  // the next call tries again
    }
    return starting;
  }

  function start(loaded) {
    lunr = self.lunr;
    meta = loaded;
    base = new URL(meta.build + "/", searchURL);
    terms = frontDecode(meta.terms);
    flags = meta.flags;
    fields = meta.fields;
    termNumber = new Map();
    terms.forEach(function (term, number) { termNumber.set(term, number); });
    fields.forEach(function (field) {
      starts[field] = cumulative(meta.parts[field] || []);
      postings[field] = Object.create(null);
    });
    var at = 0;
    NAMES = meta.names || {};
    kindStarts = meta.kinds.map(function (entry) {
      var kind = { letter: entry[0], start: at, count: entry[1] };
      at += entry[1];
      return kind;
    });
    total = at;
    pipeline = lunr.Pipeline.load(meta.pipeline);
  }

  function kindOf(ref) {
    return NAMES[ref.charAt(0)] || ["page", "Page"];
  }

  function expansions() {
    // The whole term list: what every clause expands to, whatever is loaded.
    tokenSet = lunr.TokenSet.fromArray(terms);
  }

  function refOf(number) {
    for (var i = kindStarts.length - 1; i >= 0; i--) {
      if (number >= kindStarts[i].start) return kindStarts[i].letter + (number - kindStarts[i].start);
    }
    return "";
  }

  function numberOf(ref) {
    var letter = ref.charAt(0);
    for (var i = 0; i < kindStarts.length; i++) {
      if (kindStarts[i].letter === letter) return kindStarts[i].start + parseInt(ref.slice(1), 10);
    }
    return -1;
  }

  function flagsOf(term) {
    var number = termNumber.get(term);
    return number === undefined ? 0 : flags.charCodeAt(number) - 48;
  }

  // ---- Parts ----------------------------------------------------------------

  function fetchPart(name) {
    var url = new URL(name, base).href;
    if (!loadedParts[url]) {
      loadedParts[url] = getJSON(url);
      loadedParts[url].catch(function () { delete loadedParts[url]; });
    }
    return loadedParts[url];
  }

  function addPart(field, part) {
    part.forEach(function (entry) {
      var number = entry[0], flat = entry[1];
      if (postings[field][number]) return;  // fetched twice by two searches at once
      var count = flat.length >> 1;
      var docs = new Int32Array(count), weights = new Float64Array(count);
      for (var i = 0, doc = 0; i < count; i++) {
        doc += flat[2 * i];
        docs[i] = doc;
        weights[i] = flat[2 * i + 1];
      }
      postings[field][number] = { docs: docs, weights: weights };
    });
  }

  function isLoaded(field, number) {
    return !(flags.charCodeAt(number) - 48 & FLAG[field]) || !!postings[field][number];
  }

  // What lunr's Index.prototype.query does with the clauses before it looks
  // at a posting: each clause through the pipeline, expanded with the token
  // set, and added to the query vector of each field it looks in (term
  // number -> sum of the boosts). Also the parts holding postings not yet here.
  function plan(clauses) {
    var vectors = {};
    var wanted = Object.create(null);
    fields.forEach(function (field) { vectors[field] = new Map(); });
    var probe = new lunr.Query(fields);
    clauses.forEach(function (options) { probe.term(options.term, copy(options)); });
    probe.clauses.forEach(function (clause) {
      var found = clause.usePipeline ? pipeline.runString(clause.term, { fields: clause.fields }) : [clause.term];
      found.forEach(function (term) {
        var single = { term: term };
        if ("editDistance" in clause) single.editDistance = clause.editDistance;
        tokenSet.intersect(lunr.TokenSet.fromClause(single)).toArray().forEach(function (expanded) {
          var number = termNumber.get(expanded);
          clause.fields.forEach(function (field) {
            var vector = vectors[field];
            vector.set(number, (vector.get(number) || 0) + clause.boost);
            if (!isLoaded(field, number)) wanted[PART_LETTER[field] + lastAtMost(starts[field], number) + ".json"] = field;
          });
        });
      });
    });
    return { vectors: vectors, wanted: wanted };
  }

  function fetchWanted(wanted) {
    var names = Object.keys(wanted);
    return Promise.all(names.map(fetchPart)).then(function (parts) {
      parts.forEach(function (part, i) { addPart(wanted[names[i]], part); });
    });
  }

  // Every matching document's score, by lunr's formula in lunr's order of
  // operations (so to the last bit): per field, the dot product of the query
  // vector with the document's weights, term numbers ascending, divided by
  // the query vector's length; fields added. lunr.js spends about 10 µs per
  // matching document, too slow for the tens of thousands a common word
  // matches in a big guide; this pass takes well under one.
  function rank(vectors) {
    var found = [];
    var score = scores || (scores = { value: new Float64Array(total), seen: new Uint8Array(total) });
    fields.forEach(function (field) {
      var vector = vectors[field];
      if (!vector.size) return;
      var numbers = Array.from(vector.keys()).sort(function (a, b) { return a - b; });
      var squares = 0;
      numbers.forEach(function (number) { var q = vector.get(number); squares += q * q; });
      var length = Math.sqrt(squares);
      var space = scratch[field] || (scratch[field] = { sum: new Float64Array(total), seen: new Uint8Array(total) });
      var touched = [];
      numbers.forEach(function (number) {
        var posting = postings[field][number];
        if (!posting) return;
        var q = vector.get(number), docs = posting.docs, weights = posting.weights;
        for (var i = 0; i < docs.length; i++) {
          var doc = docs[i];
          if (!space.seen[doc]) {
            space.seen[doc] = 1;
            space.sum[doc] = 0;
            touched.push(doc);
          }
          space.sum[doc] += q * weights[i];
        }
      });
      touched.forEach(function (doc) {
        var part = space.sum[doc] / length || 0;
        space.seen[doc] = 0;
        if (score.seen[doc]) {
          score.value[doc] += part;
        } else {
          score.seen[doc] = 1;
          score.value[doc] = part;
          found.push(doc);
        }
      });
    });
    var values = new Float64Array(found.length);
    found.forEach(function (doc, i) {
      values[i] = score.value[doc];
      score.seen[doc] = 0;
    });
    return { docs: found, values: values };
  }

  // lunr.js runs the query on an index of the best documents only (every
  // posting of theirs the query needs, the whole term list): the scores and
  // match data of what is shown are lunr's own.
  function lunrScores(clauses, vectors, candidates) {
    var chosen = new Uint8Array(total);
    candidates.forEach(function (doc) { chosen[doc] = 1; });
    var invertedIndex = Object.create(null);
    var fieldVectors = Object.create(null);
    fields.forEach(function (field) {
      vectors[field].forEach(function (boost, number) {
        var term = terms[number];
        var posting = invertedIndex[term] || (invertedIndex[term] = { _index: number });
        var refs = posting[field] = {};
        var found = postings[field][number];
        if (!found) return;
        for (var i = 0; i < found.docs.length; i++) {
          if (!chosen[found.docs[i]]) continue;
          var ref = refOf(found.docs[i]);
          refs[ref] = {};
          var key = field + "/" + ref;
          var vector = fieldVectors[key] || (fieldVectors[key] = new lunr.Vector());
          vector.upsert(number, found.weights[i], function (a) { return a; });
        }
      });
    });
    var index = new lunr.Index({
      invertedIndex: invertedIndex, fieldVectors: fieldVectors, tokenSet: tokenSet, fields: fields, pipeline: pipeline
    });
    return index.query(function (query) {
      clauses.forEach(function (clause) { query.term(clause.term, copy(clause)); });
    });
  }

  function byScore(a, b) {
    return b.score - a.score || (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0);
  }

  function hitOf(ref, score, terms) {
    return { ref: ref, score: score, kind: kindOf(ref)[0], terms: terms };
  }

  // The best `limit` hits scored by lunr.js, how many there are in all, and all of them.
  function run(clauses, vectors, limit) {
    var ranked = rank(vectors);
    var docs = ranked.docs, values = ranked.values;
    var candidates = docs;
    if (docs.length > limit) {
      var sorted = values.slice().sort();
      var threshold = sorted[sorted.length - limit] * (1 - 1e-9);
      // Ties at the threshold all go in: lunr orders them by ref.
      candidates = docs.filter(function (doc, i) { return values[i] >= threshold; });
    }
    var top = lunrScores(clauses, vectors, candidates).map(function (result) {
      return hitOf(result.ref, result.score, Object.keys(result.matchData.metadata));
    }).sort(byScore);
    var inTop = Object.create(null);
    candidates.forEach(function (doc) { inTop[doc] = true; });
    return {
      hits: top.slice(0, limit),
      total: docs.length,
      all: function () {
        var rest = [];
        docs.forEach(function (doc, i) {
          if (!inTop[doc]) rest.push(hitOf(refOf(doc), values[i], []));
        });
        rest.sort(byScore);
        return top.concat(rest);
      }
    };
  }

  function copy(options) {
    var clause = {};
    Object.keys(options).forEach(function (key) {
      clause[key] = Array.isArray(options[key]) ? options[key].slice() : options[key];
    });
    return clause;
  }

  // ---- Queries ----------------------------------------------------------------

  function trimmed(word) {
    return lunr.trimmer(new lunr.Token(word)).toString();
  }

  function isStopWord(word) {
    var term = trimmed(word);
    return PRONOUN_CONTRACTIONS.has(term) || !lunr.stopWordFilter(new lunr.Token(term));
  }

  function stemmed(word) {
    return lunr.stemmer(new lunr.Token(trimmed(word))).toString();
  }

  function own(object, key) {
    return Object.prototype.hasOwnProperty.call(object, key) ? object[key] : null;
  }

  function isCommon(term) {
    return !!(flagsOf(term) & FLAG.common);
  }

  function inTitles(term) {
    return !!(flagsOf(term) & FLAG.title);
  }

  // The clauses for the reader's text; `typing` means the last word may be unfinished.
  function clausesFor(text, typing) {
    var all = words(text).slice(0, MAX_WORDS);
    var clauses = [];
    var seen = Object.create(null);

    function add(term, options) {
      var clause = { term: term, boost: options.boost, usePipeline: options.usePipeline !== false };
      if (options.fields) clause.fields = options.fields;
      if (options.editDistance) clause.editDistance = options.editDistance;
      var key = JSON.stringify(clause);
      if (!seen[key]) {
        seen[key] = true;
        clauses.push(clause);
      }
    }

    var stems = all.map(stemmed);
    var content = all.filter(function (word) { return trimmed(word) && !isStopWord(word); });
    for (var n = 3; n >= 1; n--) {
      for (var i = 0; i + n <= all.length; i++) {
        var targets = own(meta.synonyms, stems.slice(i, i + n).join(" "));
        if (targets) targets.forEach(function (target) {
          // A topic word in most texts ("partners") keeps to titles, as the reader's own words do.
          var stem = stemmed(target);
          add(target, { boost: BOOST.synonym, fields: isCommon(stem) && inTitles(stem) ? ["title"] : null });
        });
      }
    }
    all.forEach(function (word, position) {
      var term = trimmed(word);
      if (!term) return;
      if (!isStopWord(word)) {
        // A word in most texts ("partner", "feel") adds little to a text's
        // score (lunr's IDF is low) but most of the work, and at scale most
        // of the bytes: look for it in titles only, unless it is all the
        // reader typed and no title has it.
        var fields = isCommon(stems[position]) && (content.length > 1 || inTitles(stems[position]))
          ? ["title"] : null;
        add(word, { boost: BOOST.exact, fields: fields });
        if (term.length >= FUZZY_MIN && term.length <= FUZZY_MAX) {
          add(word, { boost: BOOST.typo, editDistance: 1, fields: fields });
          // A word the index does not know is often a typo that the stemmer
          // could not take apart ("vulnerabilty", "mindfullness"): also try
          // the longest term the index knows that begins the word.
          if (!termNumber.has(stems[position])) {
            for (var end = term.length - 1; end >= PREFIX_MIN; end--) {
              if (termNumber.has(term.slice(0, end))) {
                add(term.slice(0, end), { boost: BOOST.typo, usePipeline: false });
                break;
              }
            }
          }
        }
      }
      if (typing && position === all.length - 1 && term.length >= 2) {
        // The word being typed: every index term it begins (what a trailing
        // wildcard would match), each a clause of its own, in titles only
        // (titles, headings, questions, topic names: the first part). Two
        // letters begin hundreds of terms, and their postings in the texts
        // would be most of the index; the word itself, once typed, is
        // looked up everywhere by the clauses above.
        tokenSet.intersect(lunr.TokenSet.fromString(term + "*")).toArray().sort()
          .forEach(function (match) {
            add(match, { boost: BOOST.prefix, usePipeline: false, fields: ["title"] });
          });
      }
    });
    return clauses;
  }

  // {hits, total, all()} for `text`, best first, once the parts it needs are in.
  async function search(text, typing, limit) {
    await ready();
    var clauses = clausesFor(text, typing);
    if (!clauses.length) return { hits: [], total: 0, all: function () { return []; } };
    var planned = plan(clauses);
    await fetchWanted(planned.wanted);
    return run(clauses, planned.vectors, limit || 50);
  }

  // Where the words of `text` that match `terms` are, as [start, end] pairs
  // (for <mark>): a word matches when its stem is one of the hit's terms.
  function matches(text, terms) {
    var wanted = Object.create(null);
    terms.forEach(function (term) { wanted[term] = true; });
    var found = [];
    var match;
    var word = new RegExp(WORD.source, WORD.flags);
    while ((match = word.exec(text)) !== null) {
      if (words(match[0]).some(function (each) { return wanted[stemmed(each)]; })) {
        found.push([match.index, match.index + match[0].length]);
      }
    }
    return found;
  }

  // Each hit with its document (url, title, text, page, kind) and where its
  // matched words are, fetching the groups of documents they are in.
  async function withDocuments(hits) {
    await ready();
    var groups = Object.create(null);
    hits.forEach(function (hit) {
      if (!documents[hit.ref]) groups[Math.floor(numberOf(hit.ref) / meta.group)] = true;
    });
    var numbers = Object.keys(groups);
    var found = await Promise.all(numbers.map(function (group) { return fetchPart("d" + group + ".json"); }));
    found.forEach(function (entries, i) {
      var first = Number(numbers[i]) * meta.group;
      entries.forEach(function (entry, offset) {
        var ref = refOf(first + offset);
        documents[ref] = {
          url: entry[0], title: entry[1], text: entry[2], page: entry[3], kind: kindOf(ref)[0],
          label: kindOf(ref)[1]
        };
      });
    });
    return hits.filter(function (hit) { return documents[hit.ref]; }).map(function (hit) {
      var doc = documents[hit.ref];
      return {
        ref: hit.ref, score: hit.score, kind: hit.kind, doc: doc,
        marks: { title: matches(doc.title, hit.terms), text: matches(doc.text || "", hit.terms) }
      };
    });
  }

  // What a list of results needs: the best `shown` hits with their documents, and the count.
  async function find(text, typing, shown) {
    var found = await search(text, typing, shown);
    return { hits: await withDocuments(found.hits.slice(0, shown)), total: found.total };
  }

  // Every hit's ref and score, best first, without fetching any document (tests).
  async function refs(text, typing, limit) {
    var found = await search(text, typing, limit);
    return found.all().map(function (hit) { return { ref: hit.ref, score: hit.score }; });
  }

  // The rest of a small index, one part at a time, so that search works
  // offline after one search (the service worker keeps what was fetched).
  async function prefetch() {
    await ready();
    if (!meta.prefetch) return false;
    var names = [];
    meta.fields.forEach(function (field) {
      starts[field].forEach(function (_, part) { names.push(PART_LETTER[field] + part + ".json"); });
    });
    var count = 0;
    meta.kinds.forEach(function (entry) { count += entry[1]; });
    for (var group = 0; group * meta.group < count; group++) names.push("d" + group + ".json");
    for (var i = 0; i < names.length; i++) await fetchPart(names[i]);
    return true;
  }

  // For tests: the clauses search() runs, once the term list is in.
  async function clauses(text, typing) {
    await ready();
    return clausesFor(text, typing);
  }

  return { ready: ready, find: find, refs: refs, prefetch: prefetch, clauses: clauses };
}

// ---- Messages from the page ---------------------------------------------------

var engine = null;
var METHODS = ["ready", "find", "refs", "prefetch", "clauses"];

// A well-formed reply for any error: a PartError goes to the page as it is (it
// says which file and offers a retry); anything else is a bug, logged here too.
function failure(error) {
  if (!(error instanceof PartError)) console.error("search worker:", error);
  return {
    name: error && error.name === "PartError" ? "PartError" : "Error",
    message: String(error && error.message || error),
    status: error && error.status || 0
  };
}

async function answer(message) {
  if (message.method === "init") {
    var options = message.args[0];
    engine = create(new URL(options.searchURL), new URL(options.lunrURL).href);
    return true;
  }
  if (!engine) throw new Error("search worker: no init message before " + message.method);
  if (METHODS.indexOf(message.method) < 0) throw new Error("search worker: unknown method " + message.method);
  return engine[message.method].apply(null, message.args || []);
}

self.addEventListener("message", async function (event) {
  var message = event.data || {};
  try {
    self.postMessage({ id: message.id, ok: true, value: await answer(message) });
  } catch (error) {
    self.postMessage({ id: message.id, ok: false, error: failure(error) });
  }
});
