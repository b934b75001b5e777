// The guide's search engine, without any page: lunr.js 2.3.9 over an index
// the build wrote in parts (plugins/search_index/parts.py; docs/search.md).
//
// First focus fetches lunr.min.js and search/meta.json: every term (sorted,
// front-coded), one flag digit per term, where each part of the index starts,
// the synonyms. That is enough to build a query and to expand its typos and
// prefixes into the terms they stand for (lunr's own TokenSet over the whole
// term list); only then are the parts holding those terms' postings fetched,
// and only for the fields the query looks in. lunr.js then runs the query on
// an index that holds what was fetched. Its score for a field is the dot
// product of the query's vector with the field's BM25 weights (computed at
// build time over the whole site), divided by the length of the query's
// vector, so it is the same whatever else happens to be loaded. Titles,
// URLs and snippets come in small groups, fetched for the results shown.
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
(function () {
  "use strict";

  var MAX_WORDS = 12;
  var FUZZY_MIN = 5;
  var FUZZY_MAX = 20;
  var PREFIX_MIN = 4;
  var BOOST = { exact: 10, synonym: 3, prefix: 2, typo: 1 };
  var FLAG = { title: 1, text: 2, common: 4 };
  var PART_LETTER = { title: "h", text: "x" };
  var KINDS = { c: "chapter", f: "faq", t: "tip", o: "topic", p: "page" };
  var BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz";
  var POSSESSIVE = /['\u2018\u2019\u02bc]s(?![\p{L}\p{N}])/gu;
  var APOSTROPHES = /['\u2018\u2019\u02bc]/g;
  var NOT_A_WORD = /[^\p{L}\p{N}]+/u;
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

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) throw new PartError(url, response.status);
      return response.json();
    }, function () {
      throw new PartError(url, 0);
    });
  }

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      if (window.lunr) return resolve();
      var script = document.createElement("script");
      script.src = src;
      script.addEventListener("load", function () { resolve(); });
      script.addEventListener("error", function () {
        script.remove();
        reject(new PartError(src, 0));
      });
      document.head.appendChild(script);
    });
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

  function nextTurn() {
    return new Promise(function (resolve) { setTimeout(resolve, 0); });
  }

  // One engine per search URL. Nothing is fetched until ready() is called.
  function create(searchURL) {
    var base = null;  // search/<build>/
    var meta = null;
    var lunr = null;
    var index = null;
    var terms = null;
    var termNumber = null;
    var flags = "";
    var starts = {};
    var kindStarts = [];
    var loadedParts = Object.create(null);  // url -> Promise of the part
    var documents = Object.create(null);  // ref -> {url, title, kind, text, page}
    var commonCache = Object.create(null);
    var starting = null;

    function ready() {
      if (!starting) {
        starting = Promise.all([
          loadScript(new URL("lunr.min.js", searchURL).href),
          getJSON(new URL("meta.json", searchURL).href)
        ]).then(function (parts) {
          return nextTurn().then(function () { start(parts[1]); });
        });
        starting.catch(function () { starting = null; });  // the next call tries again
      }
      return starting;
    }

    function start(loaded) {
      lunr = window.lunr;
      meta = loaded;
      base = new URL(meta.build + "/", searchURL);
      terms = frontDecode(meta.terms);
      flags = meta.flags;
      termNumber = new Map();
      terms.forEach(function (term, number) { termNumber.set(term, number); });
      meta.fields.forEach(function (field) { starts[field] = cumulative(meta.parts[field] || []); });
      var at = 0;
      kindStarts = meta.kinds.map(function (entry) {
        var kind = { letter: entry[0], start: at, count: entry[1] };
        at += entry[1];
        return kind;
      });
      index = new lunr.Index({
        invertedIndex: Object.create(null),
        fieldVectors: Object.create(null),
        tokenSet: lunr.TokenSet.fromArray(terms),
        fields: meta.fields,
        pipeline: lunr.Pipeline.load(meta.pipeline)
      });
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
        var number = entry[0], flat = entry[1], term = terms[number];
        var posting = index.invertedIndex[term] || (index.invertedIndex[term] = { _index: number });
        if (posting[field] && posting[field].loaded) return;  // fetched twice by two searches at once
        var refs = Object.create(null);
        var doc = 0;
        for (var i = 0; i + 1 < flat.length; i += 2) {
          doc += flat[i];
          var ref = refOf(doc);
          refs[ref] = {};
          var key = field + "/" + ref;
          var vector = index.fieldVectors[key] || (index.fieldVectors[key] = new lunr.Vector());
          vector.upsert(number, flat[i + 1], function (a) { return a; });
        }
        Object.defineProperty(refs, "loaded", { value: true });  // not enumerable: lunr lists the refs
        posting[field] = refs;
      });
    }

    // Fetch what lunr needs to run `clauses`: for each term a clause expands
    // to, its postings in each field the clause looks in.
    function ensure(clauses) {
      var wanted = Object.create(null);
      var probe = new lunr.Query(index.fields);
      clauses.forEach(function (options) { probe.term(options.term, copy(options)); });
      probe.clauses.forEach(function (clause) {
        var found = clause.usePipeline ? index.pipeline.runString(clause.term, { fields: clause.fields }) : [clause.term];
        found.forEach(function (term) {
          var single = { term: term };
          if ("editDistance" in clause) single.editDistance = clause.editDistance;
          index.tokenSet.intersect(lunr.TokenSet.fromClause(single)).toArray().forEach(function (expanded) {
            var number = termNumber.get(expanded);
            var posting = index.invertedIndex[expanded] || (index.invertedIndex[expanded] = { _index: number });
            clause.fields.forEach(function (field) {
              if (posting[field]) return;
              if (!(flagsOf(expanded) & FLAG[field])) {
                posting[field] = {};  // no postings in this field: nothing to fetch
                return;
              }
              var part = lastAtMost(starts[field], number);
              wanted[PART_LETTER[field] + part + ".json"] = field;
            });
          });
        });
      });
      var names = Object.keys(wanted);
      return Promise.all(names.map(fetchPart)).then(function (parts) {
        parts.forEach(function (part, i) { addPart(wanted[names[i]], part); });
      });
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
      return !lunr.stopWordFilter(new lunr.Token(trimmed(word)));
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
      for (var n = 3; n >= 1; n--) {
        for (var i = 0; i + n <= all.length; i++) {
          var targets = own(meta.synonyms, stems.slice(i, i + n).join(" "));
          if (targets) targets.forEach(function (target) { add(target, { boost: BOOST.synonym }); });
        }
      }
      var content = all.filter(function (word) { return trimmed(word) && !isStopWord(word); });
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
          index.tokenSet.intersect(lunr.TokenSet.fromString(term + "*")).toArray().sort()
            .forEach(function (match) {
              add(match, { boost: BOOST.prefix, usePipeline: false, fields: ["title"] });
            });
        }
      });
      return clauses;
    }

    function run(clauses) {
      var results = index.query(function (query) {
        clauses.forEach(function (clause) { query.term(clause.term, copy(clause)); });
      });
      results.sort(function (a, b) { return b.score - a.score || (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0); });
      return results.map(function (result) {
        var letter = result.ref.charAt(0);
        return {
          ref: result.ref,
          score: result.score,
          kind: KINDS[letter] || "page",
          terms: Object.keys(result.matchData.metadata)
        };
      });
    }

    // Resolves to the hits for `text`, best first, fetching the parts it needs.
    function search(text, typing) {
      return ready().then(function () {
        var clauses = clausesFor(text, typing);
        if (!clauses.length) return [];
        return ensure(clauses).then(function () { return run(clauses); });
      });
    }

    // Gives each hit its document (url, title, text, page), fetching the groups they are in.
    function withDocuments(hits) {
      return ready().then(function () {
        var groups = Object.create(null);
        hits.forEach(function (hit) {
          if (!documents[hit.ref]) groups[Math.floor(numberOf(hit.ref) / meta.group)] = true;
        });
        var numbers = Object.keys(groups);
        return Promise.all(numbers.map(function (group) { return fetchPart("d" + group + ".json"); }))
          .then(function (found) {
            found.forEach(function (entries, i) {
              var first = Number(numbers[i]) * meta.group;
              entries.forEach(function (entry, offset) {
                var ref = refOf(first + offset);
                documents[ref] = {
                  url: entry[0], title: entry[1], text: entry[2], page: entry[3], kind: KINDS[ref.charAt(0)] || "page"
                };
              });
            });
            return hits.filter(function (hit) { return documents[hit.ref]; }).map(function (hit) {
              return { ref: hit.ref, score: hit.score, kind: hit.kind, terms: hit.terms, doc: documents[hit.ref] };
            });
          });
      });
    }

    // The rest of a small index, one part at a time, so that search works
    // offline after one search (the service worker keeps what was fetched).
    function prefetch() {
      return ready().then(function () {
        if (!meta.prefetch) return false;
        var names = [];
        meta.fields.forEach(function (field) {
          starts[field].forEach(function (_, part) { names.push(PART_LETTER[field] + part + ".json"); });
        });
        var count = 0;
        meta.kinds.forEach(function (entry) { count += entry[1]; });
        for (var group = 0; group * meta.group < count; group++) names.push("d" + group + ".json");
        return names.reduce(function (previous, name) {
          return previous.then(function () { return fetchPart(name); });
        }, Promise.resolve()).then(function () { return true; });
      });
    }

    // For tests: the clauses search() runs, once the term list is in.
    function clauses(text, typing) {
      return ready().then(function () { return clausesFor(text, typing); });
    }

    return {
      ready: ready,
      search: search,
      withDocuments: withDocuments,
      prefetch: prefetch,
      clauses: clauses,
      stemmed: function (word) { return stemmed(word); }
    };
  }

  window.closerSearchEngine = Object.freeze({
    create: create,
    words: words,
    wellFormed: wellFormed,
    PartError: PartError
  });
})();
