"""search_index and search.js: the index, its parity with lunr.js 2.3.9, and search in Chromium."""

from __future__ import annotations

import functools
import gzip
import http.server
import json
import random
import re
import shutil
import subprocess
import threading
from pathlib import Path

import lxml.html
import pytest
from bs4 import BeautifulSoup
from page_documents import documents_in_page, documents_in_site, page_kind
from playwright.sync_api import expect
from search_index import index as search_files
from search_index.extract import SearchDocument
from search_index.parts import front_code, front_decode, read_documents, read_index, read_meta
from search_index.pipeline import load_index, stem, trim, words

from conftest import ROOT, SITES, run_axe, run_build

LUNR_JS = ROOT / "node_modules" / "lunr" / "lunr.js"
QUERIES = json.loads((Path(__file__).parent / "search_queries.json").read_text(encoding="utf-8"))["queries"]
# Words ending in a vowel and "y": lunr.py's own stemmer turns the "y" into "i", lunr.js does not.
VOWEL_Y = [
    "money",
    "pay",
    "buy",
    "holiday",
    "holidays",
    "key",
    "today",
    "journey",
    "day",
    "play",
    "stay",
    "away",
    "always",
    "enjoy",
    "employee",
    "attorneys",
    "convey",
    "obey",
    "guy",
    "boy",
    "toy",
]
STATUS = "form.search-form [role=status]"
OPTIONS = "#site-search-listbox [role=option]"


# -- helpers ----------------------------------------------------------------------------------------


def node(script: str, data) -> object:
    """Run ``script`` in Node.js with lunr.js loaded as ``lunr`` and ``data`` as ``input``."""
    if shutil.which("node") is None:
        pytest.fail("Node.js is needed to compare with lunr.js: install nodejs (see README)", pytrace=False)
    if not LUNR_JS.exists():
        pytest.fail("node_modules/lunr is missing: run `make test` (it runs npm ci)", pytrace=False)
    program = (
        f"const lunr = require({json.dumps(str(LUNR_JS))});\n"
        "const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));\n"
        f"const output = (() => {{ {script} }})();\n"
        "process.stdout.write(JSON.stringify(output));\n"
    )
    result = subprocess.run(["node", "-e", program], input=json.dumps(data), capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def guide_vocabulary() -> list[str]:
    found: set[str] = set()
    for path in (ROOT / "content").rglob("*.md"):
        found.update(words(path.read_text(encoding="utf-8")))
    return sorted(found)


def generated_words(count: int, seed: int = 7) -> list[str]:
    """Strings made to reach the stemmer's corners: y after vowels, doubled letters, every suffix."""
    rng = random.Random(seed)
    suffixes = [
        "ational",
        "tional",
        "enci",
        "anci",
        "izer",
        "bli",
        "alli",
        "entli",
        "eli",
        "ousli",
        "ization",
        "ation",
        "ator",
        "alism",
        "iveness",
        "fulness",
        "ousness",
        "aliti",
        "iviti",
        "biliti",
        "logi",
        "icate",
        "ative",
        "alize",
        "iciti",
        "ical",
        "ful",
        "ness",
        "al",
        "ance",
        "ence",
        "er",
        "ic",
        "able",
        "ible",
        "ant",
        "ement",
        "ment",
        "ent",
        "ou",
        "ism",
        "ate",
        "iti",
        "ous",
        "ive",
        "ize",
        "sion",
        "tion",
        "e",
        "ll",
        "y",
        "ies",
        "sses",
        "s",
        "eed",
        "ed",
        "ing",
        "yed",
        "ying",
        "yy",
    ]
    found = set()
    while len(found) < count:
        alphabet = rng.choice(
            ["aeiouybcdlmnrstwxz", "ayyeblst", "yeaio", "abcdefghijklmnopqrstuvwxyz0123456789"]
        )
        stem_ = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 7)))
        found.add(stem_ + (rng.choice(suffixes) if rng.random() < 0.6 else ""))
    return sorted(word for word in found if word)


def canonical(results) -> list[tuple[str, float]]:
    """Results as (ref, score), ties (equal to 6 decimals) ordered by ref, as search.js orders them."""
    pairs = [(r["ref"], r["score"]) for r in results]
    return sorted(pairs, key=lambda pair: (-round(pair[1], 6), pair[0]))


def assert_same_results(python, javascript, what: str) -> None:
    ours, theirs = canonical(python), canonical(javascript)
    assert [ref for ref, _ in ours] == [ref for ref, _ in theirs], what
    for (ref, a), (_, b) in zip(ours, theirs):
        assert a == pytest.approx(b, rel=1e-9, abs=1e-9), f"{what}: {ref}"


def python_query(index, clauses: list[dict]):
    """Replay search.js's clauses with lunr.py."""

    def build(query) -> None:
        for clause in clauses:
            query.term(
                clause["term"],
                boost=clause["boost"],
                use_pipeline=clause["usePipeline"],
                wildcard=clause.get("wildcard", 0),
                edit_distance=clause.get("editDistance", 0),
                fields=clause.get("fields"),
            )

    return index.query(callback=build)


class Serve:
    """A built site on http://127.0.0.1:<free port>."""

    def __init__(self, folder: Path) -> None:
        handler = functools.partial(QuietHandler, directory=str(folder))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def basic(tmp_path_factory) -> Path:
    """tests/sites/search_index-basic, built once for this module."""
    result = run_build(SITES / "search_index-basic", tmp_path_factory.mktemp("search") / "output")
    assert result.ok, result.log
    return result.output


@pytest.fixture(scope="module")
def basic_server(basic):
    served = Serve(basic)
    yield served.url
    served.close()


def store(output: Path) -> dict:
    """What the snippet files and meta.json hold, as one document store."""
    return {"docs": read_documents(output / "search"), "synonyms": read_meta(output / "search")["synonyms"]}


def index_of(output: Path) -> dict:
    """The whole index the parts hold, in lunr's serialised form."""
    return read_index(output / "search")


def by_url(output: Path) -> dict[str, dict]:
    return {doc["url"]: doc for doc in store(output)["docs"].values()}


# -- the pipeline: the same as lunr.js, word for word -----------------------------------------------


def test_lunr_py_alone_stems_vowel_y_words_differently_from_lunr_js():
    """The bug the fix is for: without it the browser would never find "money"."""
    from lunr.stemmer import porter_stemmer

    theirs = node("return input.map(w => lunr.stemmer(new lunr.Token(w)).toString())", VOWEL_Y)
    assert theirs[:3] == ["money", "pay", "buy"]
    assert [porter_stemmer.stem(w) for w in VOWEL_Y[:3]] == ["monei", "pai", "bui"]


def test_our_stemmer_gives_exactly_what_lunr_js_gives():
    vocabulary = sorted(set(guide_vocabulary()) | set(VOWEL_Y) | set(generated_words(60000)))
    theirs = node("return input.map(w => lunr.stemmer(new lunr.Token(w)).toString())", vocabulary)
    different = [(w, stem(w), js) for w, js in zip(vocabulary, theirs) if stem(w) != js]
    assert len(vocabulary) > 60000
    assert different == [], f"{len(different)} words differ, e.g. {different[:10]}"


def test_our_trimmer_and_stop_words_are_lunr_js_ones():
    from lunr.stop_word_filter import WORDS

    samples = [
        "café",
        "'hello'world!",
        "__x__",
        "naïve",
        "—",
        "don't",
        "“quoted”",
        "a:b",
        "~fuzzy^2",
        "*",
        "-",
        "x\n",
        "élan",
        "12.5%",
        "ünïcödé",
        "emoji😀",
        "😀",
        "",
        "\\",
        "tab\t",
    ]
    assert [trim(s) for s in samples] == node(
        "return input.map(s => lunr.trimmer(new lunr.Token(s)).toString())", samples
    )
    candidates = sorted(set(WORDS) | set(guide_vocabulary()))
    stopped = node("return input.filter(w => !lunr.stopWordFilter(new lunr.Token(w)))", candidates)
    assert stopped == sorted(w for w in candidates if w in WORDS)


def test_the_index_is_what_lunr_js_builds_from_the_same_words(basic):
    """lunr.py with our pipeline and lunr.js with its own give the same terms, postings and scores."""
    documents = documents_in_site(basic)
    refs = search_files.assign_refs(documents)
    python = search_files.build_index(refs, digits=None)
    docs = [{"ref": ref, "title": words(doc.title), "text": words(doc.text)} for ref, doc in refs.items()]
    javascript = node(
        """
        const idx = lunr(function () {
          this.pipeline.reset(); this.searchPipeline.reset();
          this.pipeline.add(lunr.trimmer, lunr.stopWordFilter, lunr.stemmer);
          this.searchPipeline.add(lunr.trimmer, lunr.stemmer);
          this.ref("ref"); this.field("title", {boost: 10}); this.field("text");
          input.forEach(doc => this.add(doc));
        });
        return idx.toJSON();
        """,
        docs,
    )
    assert python["pipeline"] == javascript["pipeline"] == ["trimmer", "stemmer"]

    def postings(serialised) -> dict:
        return {
            term: {field: sorted(p[field]) for field in ("title", "text")}
            for term, p in serialised["invertedIndex"]
        }

    def vectors(serialised) -> dict:
        names = {p["_index"]: term for term, p in serialised["invertedIndex"]}
        return {
            ref: {names[i]: score for i, score in zip(v[0::2], v[1::2])}
            for ref, v in serialised["fieldVectors"]
        }

    assert postings(python) == postings(javascript)
    ours, theirs = vectors(python), vectors(javascript)
    assert ours.keys() == theirs.keys()
    for field_ref, scores in ours.items():
        assert scores.keys() == theirs[field_ref].keys(), field_ref
        for term, score in scores.items():  # both round to 3 decimals, Python half-even, JS half-up
            assert score == pytest.approx(theirs[field_ref][term], abs=0.0011), (field_ref, term)


# -- what the build writes --------------------------------------------------------------------------


def search_files_of(output: Path) -> dict[str, bytes]:
    folder = output / "search"
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*.js*")}


def lunr_py_builder_index(refs: dict, digits: int | None) -> dict:
    """The index lunr.py's own Builder makes of the documents with our pipeline: what build_index replaced."""
    from lunr.builder import Builder
    from lunr.pipeline import Pipeline
    from lunr.stop_word_filter import stop_word_filter
    from search_index.parts import utf16_order
    from search_index.pipeline import search_pipeline, stemmer, trimmer

    builder = Builder()
    builder.pipeline = Pipeline()
    builder.pipeline.add(trimmer, stop_word_filter, stemmer)
    builder.search_pipeline = search_pipeline()
    builder.ref("ref")
    builder.field("title", boost=search_files.TITLE_BOOST, extractor=lambda doc: words(doc["title"]))
    builder.field("text", extractor=lambda doc: words(doc["text"]))
    for ref, document in refs.items():
        text = f"{document.text} {document.keywords}" if document.keywords else document.text
        builder.add({"ref": ref, "title": document.title, "text": text})
    serialised = builder.build().serialize()
    # Numbered and listed in JavaScript's order, weights to `digits` digits: what build_index writes.
    ranked = sorted(serialised["invertedIndex"], key=lambda entry: utf16_order(entry[0]))
    number = {entry[1]["_index"]: rank for rank, entry in enumerate(ranked)}
    for _, posting in ranked:
        posting["_index"] = number[posting["_index"]]
    for _, vector in serialised["fieldVectors"]:
        pairs = sorted(zip((number[i] for i in vector[0::2]), vector[1::2]))
        weights = [weight for _, weight in pairs]
        if digits:
            weights = [search_files.significant(weight, digits) for weight in weights]
        vector[:] = [value for (term, _), weight in zip(pairs, weights) for value in (term, weight)]
    serialised["invertedIndex"] = ranked
    return serialised


@pytest.mark.parametrize("digits", [None, search_files.SCORE_DIGITS])
def test_build_index_is_exactly_what_lunr_py_s_builder_builds(guide, digits):
    """Our direct computation of lunr's postings and BM25 weights equals lunr.py's Builder, float for float.

    The guide's own documents, plus words that trim to nothing, stop words,
    non-ASCII letters and a document with an empty title.
    """
    documents = documents_in_site(guide)
    documents.append(SearchDocument("guide/odd/", "", "chapter", "éé ünï the 'quoted' a.b 中文 x_y 😀 café"))
    documents.append(SearchDocument("guide/odd/#a", "The And", "chapter", "", keywords="spouse husband"))
    refs = search_files.assign_refs(documents)
    assert search_files.build_index(refs, digits) == lunr_py_builder_index(refs, digits)


def test_the_build_writes_a_compact_deterministic_index_in_parts(basic, tmp_path):
    files = search_files_of(basic)
    meta = read_meta(basic / "search")
    assert {"meta.json", "lunr.min.js"} <= set(files)
    assert {name.split("/")[0] for name in files if "/" in name} == {meta["build"]}
    for name, data in files.items():
        if name.endswith(".json"):
            text = data.decode("utf-8")
            assert json.dumps(json.loads(text), separators=(",", ":"), sort_keys=True,
                              ensure_ascii=False) == text, name
    again = run_build(SITES / "search_index-basic", tmp_path / "again")
    assert again.ok, again.log
    assert search_files_of(again.output) == files
    assert files["lunr.min.js"] == (LUNR_JS.parent / "lunr.min.js").read_bytes()
    assert meta["version"] == "2.3.9"
    assert meta["prefetch"] is True  # a small site's index is fetched whole after a first search


def topic_aliases(content: Path) -> dict[str, str]:
    """Topic URL -> its aliases as search keywords, from the topics' metadata."""
    from guide_core.frontmatter import read_front_matter
    from guide_core.problems import split_list

    fronts = [read_front_matter(p.read_text(encoding="utf-8")) for p in (content / "topics").glob("*.md")]
    return {f"topics/{f.value('slug')}/": " ".join(split_list(f.values.get("aliases"))) for f in fronts}


def test_the_records_give_what_the_written_pages_show(tmp_path):
    """The search documents come from the records of each page's Markdown tree; read back from
    the written pages (tools/page_documents.py) they are the same, but for one thing: a CAUTION
    card's page shows the help box inside it, which is not the card's own text."""
    from pelican import Pelican
    from pelican.settings import read_settings
    from search_index import _shared
    from search_index.records import documents_in_context

    settings = read_settings(str(ROOT / "pelicanconf.py"), override={
        "PATH": str(ROOT / "content"), "OUTPUT_PATH": str(tmp_path), "READ_PROCESSES": 1,
    })
    Pelican(settings).run()
    records = {d.url: d for d in documents_in_context(_shared["context"])}
    # The help page's directory (a section per need, one per help line) is not the page's
    # Markdown, and the page reader reads only that: each of its documents is a section or
    # line the written page shows, with only words the page shows there.
    help_page = lxml.html.fromstring((tmp_path / "getting-help" / "index.html").read_text(encoding="utf-8"))
    ids = {element.get("id") for element in help_page.iter("li", "section")}
    directory = [url for url in records if url.startswith("getting-help/#") and url.split("#")[1] in ids]
    assert len(directory) >= 25
    for url in directory:
        record = records.pop(url)
        shown = help_page.get_element_by_id(url.split("#")[1])
        need = next(shown.iterancestors("section"), shown)  # a line shows under its need's heading
        seen = set(f"{shown.text_content()} {need.findtext('h2')}".lower().replace(".", " ")
                   .replace(",", " ").split())
        words = set(f"{record.title} {record.text}".lower().replace(".", " ").replace(",", " ").split())
        assert words <= seen, (url, words - seen)
    aliases = topic_aliases(ROOT / "content")
    pages = {d.url: d for d in documents_in_site(tmp_path)}
    for document in pages.values():
        if document.kind == "topic":
            document.keywords = aliases.get(document.url, "")
    assert list(records) == list(pages)  # in the same order, so documents number the same
    cautions = 0
    for url, page in pages.items():
        record = records[url]
        assert (record.title, record.kind, record.page, record.keywords) == (
            page.title, page.kind, page.page, page.keywords), url
        if record.kind == "tip" and page.text.endswith("every other line, by place"):
            cautions += 1
            assert page.text.startswith(record.text + " If you need help now"), url
        else:
            assert record.text == page.text, url
    assert cautions >= 10


def test_the_parts_hold_exactly_the_index_lunr_py_built(basic):
    """Cut up and read back, the index is the one lunr.py built: every term, posting and weight."""
    documents = documents_in_site(basic)  # the pages' documents are the records' (test above)
    aliases = topic_aliases(SITES / "search_index-basic")
    for document in documents:
        if document.kind == "topic":
            document.keywords = aliases.get(document.url, "")
    built = search_files.build_index(search_files.assign_refs(documents))
    read = index_of(basic)
    assert [term for term, _ in read["invertedIndex"]] == [term for term, _ in built["invertedIndex"]]
    assert [p for _, p in read["invertedIndex"]] == [p for _, p in built["invertedIndex"]]
    assert dict(read["fieldVectors"]) == {ref: vector for ref, vector in built["fieldVectors"] if vector}
    meta = read_meta(basic / "search")
    assert len(meta["flags"]) == len(read["invertedIndex"])
    for (term, posting), flag in zip(read["invertedIndex"], meta["flags"]):
        assert bool(int(flag) & 1) == bool(posting["title"]), term
        assert bool(int(flag) & 2) == bool(posting["text"]), term


def test_front_coding_round_trips_and_is_shorter():
    terms = sorted(["trust", "trusti", "trustworthi", "try", "a", "ab", "é", "中文", "x" * 50, "x" * 60])
    terms.sort(key=lambda t: t.encode("utf-16-be"))
    coded = front_code(terms)
    assert front_decode(coded) == terms
    assert len(coded) < len(",".join(terms))
    assert front_decode("") == []


def test_a_large_site_is_cut_into_parts_by_term_range(tmp_path, monkeypatch):
    from search_index import parts

    monkeypatch.setattr(parts, "PART_BYTES", 300)
    documents = [SearchDocument(f"guide/c{i}/", f"Chapter {i} about {w}", "chapter",
                                f"Words {w} and more {w}s, number {i}.")
                 for i, w in enumerate(["trust", "money", "listening", "hugs", "time", "zebra"] * 20)]
    sizes = search_files.write_search_files(tmp_path, documents, [])
    meta = read_meta(tmp_path / "search")
    assert len(meta["parts"]["text"]) > 3 and sizes["files"] > 10
    starts = [sum(meta["parts"]["text"][: n + 1]) for n in range(len(meta["parts"]["text"]))]
    assert starts == sorted(starts) and starts[0] >= 0
    full = search_files.build_index(search_files.assign_refs(documents))
    read = read_index(tmp_path / "search")
    assert dict(read["fieldVectors"]) == {ref: vector for ref, vector in full["fieldVectors"] if vector}


def test_chapters_are_split_into_sections_with_their_anchors(basic):
    docs = by_url(basic)
    opening = docs["guide/money-and-holidays/"]
    assert opening["kind"] == "chapter" and opening["title"] == "Money, pay and holidays"
    assert opening["text"].startswith("A chapter whose words end")  # the summary, then the opening
    assert "Talk about money today" in opening["text"]
    section = docs["guide/money-and-holidays/#when-pay-day-comes"]
    assert section == {
        "kind": "chapter",
        "page": "Money, pay and holidays",
        "title": "When pay day comes",
        "text": "Decide together what to buy and what to save. Play fair and stay calm.",
        "url": "guide/money-and-holidays/#when-pay-day-comes",
    }
    assert docs["guide/money-and-holidays/#a-monthly-money-date"]["title"] == "A monthly money date"


def test_tip_cards_are_documents_of_their_own_and_left_out_of_their_section(basic):
    docs = by_url(basic)
    cards = [doc for doc in docs.values() if doc["kind"] == "tip"]
    assert len(cards) == 1
    card = cards[0]
    assert card["url"].startswith("guide/money-and-holidays/#")
    assert card["title"] == "Keep a shared budget list"
    assert card["text"] == "Write down what you plan to buy this week, so neither of you is surprised."
    assert card["page"] == "Money, pay and holidays"
    anchor = card["url"].split("#")[1]
    assert BeautifulSoup((basic / "guide/money-and-holidays/index.html").read_text(), "html.parser").find(
        id=anchor
    )
    assert "Write down" not in docs["guide/money-and-holidays/#a-monthly-money-date"]["text"]


def test_faq_entries_topics_and_pages_are_documents(basic):
    docs = by_url(basic)
    faq = docs["faq/#fighting-about-money"]
    assert faq["kind"] == "question" and faq["title"] == "We keep fighting about money. What can we do?"
    assert faq["text"].startswith("Money fights are rarely just about money.")
    topic = docs["topics/financial-stress/"]
    assert topic["kind"] == "topic" and topic["title"] == "Money worries"
    assert topic["text"] == "Money worries cover debt, bills and spending, a common source of tension."
    assert docs["about/"]["kind"] == "page"


def test_drafts_duplicates_and_utility_pages_are_not_indexed(basic):
    docs = by_url(basic)
    terms = set(front_decode(read_meta(basic / "search")["terms"]))
    assert "zanzibar" not in terms and "quokka" not in terms  # words only drafts use
    assert not [url for url in docs if "unfinished" in url or "not-yet" in url]
    for url in docs:
        assert not url.startswith(("search/", "tips/", "drafts/", "assets/", "theme/")), url
        assert not re.fullmatch(r"faq/[^#]+/", url), f"{url} duplicates faq/#..."
        assert url not in ("", "topics/", "404.html"), url


def test_synonyms_come_from_topic_aliases(basic):
    synonyms = store(basic)["synonyms"]
    assert synonyms["husband"] == ["partners"]
    assert synonyms["debt"] == ["money", "worries"]
    assert synonyms["money"] == ["worries"]  # never the word itself
    assert synonyms[f"{stem('significant')} other"] == ["partners"]  # keyed by stems, phrases too
    assert synonyms[stem("spending")] == ["money", "worries"]


def test_topic_aliases_are_indexed_with_the_topic():
    documents = [
        SearchDocument(
            "topics/partner/",
            "Partners",
            "topic",
            "The person you share your life with.",
            keywords="husband wife spouse",
        )
    ]
    serialised = search_files.build_index(search_files.assign_refs(documents))
    results = load_index(serialised).search("spouse")
    assert [r["ref"] for r in results] == ["o0"]


# -- reading the rendered HTML ----------------------------------------------------------------------

CHAPTER = """<!doctype html><html><head><title>x</title><style>.secret { color: red }</style>
<script>var hidden = "scriptword";</script></head><body>
<header><nav><a href="/">Navword</a></nav><form><input></form></header>
<main><article class="chapter"><header><h1>A   chapter
title</h1><div class="lead"><p>The summary.</p></div></header>
<nav class="toc"><h2 id="toc-title">In this chapter</h2></nav>
<div class="prose"><p>Opening<br>words, un<em>believ</em>ably.</p>
<script>alert("scriptword")</script><style>p{}</style>
<noscript>noscriptword</noscript><template>templateword</template>
<h2 id="use-i"><a class="headerlink" href="#use-i">¶</a>Use <em>“I”</em> statements</h2>
<ul><li>One</li><li>Two</li></ul>
<h3>No id here</h3><p>Still the same section.</p>
<aside class="tip-card tip-card--try" id="tip-breathe" aria-labelledby="tip-breathe-title" data-kind="try">
<h3 id="tip-breathe-title"><span class="tip-card__kind">Try this</span> Breathe first</h3>
<div class="tip-card__body"><p>Three slow breaths.</p></div>
<a class="tip-card__link" href="#tip-breathe" aria-label="Link to this card">#</a></aside>
<p>After the card.</p><p hidden>hiddenword</p><span aria-hidden="true">ariahiddenword</span>
<h3 id="later">Later</h3><p>Last words.</p></div></article></main>
<footer>Footerword</footer></body></html>"""


def test_sections_take_their_whole_heading_and_never_script_or_hidden_text():
    documents = documents_in_page(CHAPTER, "guide/x/", "chapter")
    assert [(d.url, d.title, d.kind) for d in documents] == [
        ("guide/x/", "A chapter title", "chapter"),
        ("guide/x/#use-i", "Use “I” statements", "chapter"),
        ("guide/x/#later", "Later", "chapter"),
        ("guide/x/#tip-breathe", "Breathe first", "tip"),
    ]
    assert documents[0].text == "The summary. Opening words, unbelievably."
    assert documents[1].text == "One Two No id here Still the same section. After the card."
    assert documents[3].text == "Three slow breaths."
    assert documents[3].page == "A chapter title"
    everything = " ".join(d.title + " " + d.text for d in documents)
    for word in (
        "scriptword",
        "secret",
        "noscriptword",
        "templateword",
        "hiddenword",
        "ariahiddenword",
        "Navword",
        "Footerword",
        "In this chapter",
        "¶",
    ):
        assert word not in everything, word


def test_faq_questions_come_from_details_elements_and_drafts_stay_out():
    documents = documents_in_page(
        """<main><h1>Questions and answers</h1><section>
        <details class="faq-item" id="one"><summary><h3 class="faq-question">First?</h3></summary>
        <div class="faq-answer"><div class="faq-answer-text"><p>Yes.</p></div>
        <ul class="faq-links"><li><a href="/x/">Go deeper: X</a></li></ul></div></details>
        <details class="faq-item" id="two"><summary>Second?</summary><p>No.</p>
        <ul><li><a href="/y/">Related</a></li></ul></details>
        <details class="faq-item" id="draft"><summary>Draft?</summary><div class="faq-answer">
        <p class="draft-note">Draft</p><div class="faq-answer-text">Later.</div></div></details>
        </section></main>""",
        "faq/",
        "faq",
    )
    assert [(d.url, d.title, d.text) for d in documents] == [
        ("faq/#one", "First?", "Yes."),
        ("faq/#two", "Second?", "No."),
    ]


@pytest.mark.parametrize(
    "path, kind",
    [
        ("guide/trust/index.html", "chapter"),
        ("faq/index.html", "faq"),
        ("topics/trust/index.html", "topic"),
        ("about/index.html", "page"),
        ("index.html", None),
        ("404.html", None),
        ("search/index.html", None),
        ("tips/index.html", None),
        ("faq/what-is/index.html", None),
        ("topics/index.html", None),
        ("drafts/x/index.html", None),
        ("drafts/pages/x/index.html", None),
        ("guide/index.html", None),
    ],
)
def test_which_pages_are_indexed(path, kind):
    assert page_kind(path, "guide/") == kind


def test_noindex_and_draft_banner_pages_are_skipped(tmp_path):
    (tmp_path / "about").mkdir()
    (tmp_path / "about" / "index.html").write_text(
        '<html><head><meta name="robots" content="noindex"></head><body><main><h1>A</h1></main></body></html>'
    )
    (tmp_path / "help").mkdir()
    (tmp_path / "help" / "index.html").write_text(
        '<html><body><p class="draft-banner">Draft</p><main><h1>B</h1></main></body></html>'
    )
    (tmp_path / "privacy").mkdir()
    (tmp_path / "privacy" / "index.html").write_text(
        "<html><body><main><h1>C</h1><p>Text.</p></main></body></html>"
    )
    assert [d.url for d in documents_in_site(tmp_path)] == ["privacy/"]


def test_missing_or_wrong_lunr_is_a_build_error(tmp_path, caplog):
    assert not search_files.copy_lunr(tmp_path, package=tmp_path / "node_modules" / "lunr")
    assert caplog.messages == [
        f"search_index: lunr is not installed in {tmp_path / 'node_modules'}: run `make deps` (npm ci)"
    ]
    caplog.clear()
    package = tmp_path / "lunr"
    package.mkdir()
    (package / "package.json").write_text('{"version": "2.3.8"}')
    assert not search_files.copy_lunr(tmp_path, package=package)
    assert caplog.messages == [
        "search_index: node_modules has lunr 2.3.8, but the index is built for lunr.js "
        "2.3.9 (pin it in package.json and run npm ci)"
    ]
    assert [r.levelname for r in caplog.records] == ["ERROR"]


def test_snippets_are_cut_at_a_word_and_their_length_is_a_setting(caplog):
    from search_index import snippet_length

    assert search_files.excerpt("one two three", 8) == "one two\u2026"
    assert search_files.excerpt("short", 8) == "short"
    assert snippet_length({}) == 240
    assert snippet_length({"SEARCH_SNIPPET_LENGTH": 100}) == 100
    assert snippet_length({"SEARCH_SNIPPET_LENGTH": "long"}) == 240
    assert caplog.messages == ["SEARCH_SNIPPET_LENGTH must be a number of characters (0 or more), not 'long'"]


def test_an_empty_site_gets_an_empty_index_lunr_can_load(tmp_path):
    sizes = search_files.write_search_files(tmp_path, [], [])
    assert sizes["meta.json"] > 0
    assert load_index(index_of(tmp_path)).search("anything") == []


# -- lunr.js in Chromium finds what lunr.py finds ---------------------------------------------------

SINGLE_FILE = "/search/single-file-index.json"

LOAD_INDEX = """async ([queries, url]) => {
  const idx = lunr.Index.load(await (await fetch(url)).json());
  return queries.map(q => idx.search(q).map(r => ({ref: r.ref, score: r.score})));
}"""


def serve_single_file(page, serialised: dict) -> None:
    """Answer SINGLE_FILE with the whole index as one file, lunr's own serialised form."""
    body = json.dumps(serialised)
    page.route("**" + SINGLE_FILE, lambda route: route.fulfill(body=body, content_type="application/json"))


def lunr_in_the_page(page) -> None:
    """The site's own lunr.min.js in the test page, to compare with: search never puts lunr there."""
    assert page.evaluate("() => typeof window.lunr") == "undefined", "lunr belongs in the search worker"
    search = page.evaluate("() => document.querySelector('.search-form').action")
    page.add_script_tag(url=search + "lunr.min.js")


def test_lunr_js_in_chromium_finds_what_lunr_py_finds(basic, basic_server, open_page):
    queries = VOWEL_Y + ["budget", "listening", "attention", "partner", "fighting", "money pay", "calm fair"]
    watched = open_page(basic_server + "/")
    serve_single_file(watched.page, index_of(basic))
    lunr_in_the_page(watched.page)
    javascript = watched.page.evaluate(LOAD_INDEX, [queries, SINGLE_FILE])
    index = load_index(index_of(basic))
    for query, theirs in zip(queries, javascript):
        assert_same_results(index.search(query), theirs, query)
    found = dict(zip(queries, javascript))
    for word in ("money", "pay", "buy", "holiday", "key", "today", "journey", "play", "stay"):
        assert found[word], f"lunr.js finds nothing for {word!r} in the Python-built index"
    assert watched.page_errors == [] and watched.console_errors == []


def test_search_js_queries_give_lunr_py_the_same_results(guide, server, open_page):
    """Every reader query, as search.js builds it (prefix, typo, synonym clauses), in both engines."""
    page = open_page(server + "/").page
    texts = [q["q"] for q in QUERIES] + ["money", "pay", "buy", "holiday", "key", "today", "trust"]
    javascript = page.evaluate(
        """async (texts) => {
          const out = [];
          for (const text of texts) {
            const clauses = await closerSearch.clauses(text, true);
            out.push({clauses, results: await closerSearch.refs(text, true)});
          }
          return out;
        }""",
        texts,
    )
    index = load_index(index_of(guide))
    for text, theirs in zip(texts, javascript):
        assert theirs["clauses"], text
        assert_same_results(python_query(index, theirs["clauses"]), theirs["results"], text)


# What search.js finds with the index in parts (fetching them as it goes) and
# what lunr.js finds with the whole index loaded at once, for the same clauses.
CHUNKED_AND_SINGLE = """async ([texts, url]) => {
  const single = lunr.Index.load(await (await fetch(url)).json());
  const out = [];
  for (const [text, typing] of texts) {
    const clauses = await closerSearch.clauses(text, typing);
    const chunked = await closerSearch.refs(text, typing);
    // No clause (only stop words): search.js finds nothing, lunr would list every document.
    const whole = !clauses.length ? [] : single.query(
      query => clauses.forEach(c => query.term(c.term, Object.assign({}, c)))
    ).map(r => ({ref: r.ref, score: r.score}));
    out.push({chunked, whole});
  }
  return out;
}"""


def test_chunked_and_single_file_indexes_return_the_same_results(server, open_page, guide):
    """The project's queries and every prefix of them, typed and submitted, in two orders.

    In the first page the parts arrive query by query, in the second in the
    reverse order: the results (refs, order and scores) never depend on which
    parts happen to be loaded.
    """
    texts = []
    for query in QUERIES:
        text = query["q"]
        texts += [[text, False], [text, True]] + [[text[:end], True] for end in range(2, len(text), 3)]
    single = index_of(guide)
    runs = []
    for order in (texts, texts[::-1]):
        watched = open_page(server + "/")
        serve_single_file(watched.page, single)
        watched.page.evaluate("() => closerSearch.load()")
        lunr_in_the_page(watched.page)
        found = watched.page.evaluate(CHUNKED_AND_SINGLE, [order, SINGLE_FILE])
        assert watched.page_errors == [] and watched.console_errors == []
        fetched_parts = [p for p in fetched(watched.page) if re.search(r"/[hx]\d+\.json$", p)]
        runs.append({tuple(text): result for text, result in zip(order, found)})
        assert fetched_parts, "no part of the index was fetched"
    assert sum(bool(r["chunked"]) for r in runs[0].values()) > 0.8 * len(texts)
    for text in map(tuple, texts):
        first, second = runs[0][text], runs[1][text]
        assert_same_results(first["whole"], first["chunked"], repr(text))
        assert_same_results(first["chunked"], second["chunked"], repr(text))


# -- relevance: what readers type ---------------------------------------------------------------


def query_part(status: str) -> str:
    """The status without the note a long list adds ("..., the best 50 shown")."""
    return re.sub(r", the best \d+ shown$", "", status)


def shown_results(page, text: str) -> list[str]:
    """Type into the header's box and return the dropdown's result URLs (relative to the site root)."""
    page.fill("#site-search", text)
    page.wait_for_function(
        """([selector, text]) => {
          const status = document.querySelector(selector).textContent;
          const quoted = '\\u201c' + text + '\\u201d';
          const said = status.replace(/, the best \\d+ shown$/, '');
          return said === 'No results for ' + quoted || said.endsWith(' for ' + quoted);
        }""",
        arg=[STATUS, text],
    )
    root = page.evaluate("new URL('../', document.querySelector('.search-form').action).href")
    hrefs = page.eval_on_selector_all(
        OPTIONS + ":not(.search-result--all)", "links => links.map(a => a.href)"
    )
    return [href[len(root) :] for href in hrefs]


def found(url: str, expected: list[str]) -> bool:
    return any(url == e or ("#" not in e and url.split("#")[0] == e) for e in expected)


def test_reader_queries_find_their_page_in_the_top_three(server, open_page):
    assert len(QUERIES) >= 40
    watched = open_page(server + "/guide/building-trust/")
    page = watched.page
    page.focus("#site-search")
    misses = []
    for query in QUERIES:
        top = shown_results(page, query["q"])[:3]
        if not any(found(url, query["expect"]) for url in top):
            misses.append(f"{query['q']!r}: got {top}, wanted one of {query['expect']}")
    recall = 1 - len(misses) / len(QUERIES)
    assert recall >= 0.9, f"recall@3 {recall:.0%}:\n" + "\n".join(misses)
    assert watched.page_errors == [] and watched.console_errors == []


# A reader in danger types what frightens them or the help they want: every one of these must
# land on help in the top three (the help page's directory, each line under its need, is
# searchable; "I'm" is no topic; the FAQ for a frightened reader says "scared").
CRISIS_QUERIES = {
    "domestic abuse helpline": ["getting-help/"],
    "samaritans": ["getting-help/#suicide-samaritans"],
    "suicide hotline": ["getting-help/#need-suicide", "getting-help/#suicide-samaritans",
                        "getting-help/#suicide-lifeline-988-us", "getting-help/#suicide-lifeline-988-ca"],
    "scared of my partner": ["faq/#feeling-unsafe", "topics/safety/", "getting-help/"],
    "I'm scared of my husband": ["faq/#feeling-unsafe", "topics/safety/", "getting-help/"],
    "my partner hits me": ["topics/safety/", "faq/#feeling-unsafe", "getting-help/",
                           "guide/conflict-or-abuse/"],
    "rape crisis": ["getting-help/"],
}


def test_a_reader_in_danger_finds_help_in_the_top_three(server, open_page):
    watched = open_page(server + "/guide/building-trust/")
    page = watched.page
    page.focus("#site-search")
    misses = []
    for text, expected in CRISIS_QUERIES.items():
        top = shown_results(page, text)[:3]
        if not any(found(url, expected) for url in top):
            misses.append(f"{text!r}: got {top}, wanted one of {expected}")
    assert misses == []
    assert watched.page_errors == [] and watched.console_errors == []


# -- robustness ---------------------------------------------------------------------------------


def random_inputs(count: int, seed: int = 2026) -> list[str]:
    rng = random.Random(seed)
    syntax = list(":^~*+-\\\"'") + ["title:", "~2", "^10", "+", "-", "*", "\\", "::", "**", "~", "^"]
    emoji = ["😀", "👩‍❤️‍👨", "🏳️‍🌈", "🤗", "❤️", "👍🏽", "🇬🇧"]
    markup = [
        "<img src=x onerror=alert(1)>",
        "<script>alert(1)</script>",
        "</a><b>",
        "&amp;",
        "&lt;",
        "<!--",
        "javascript:alert(1)",
        "${x}",
        "{{x}}",
        "%00",
        "%s",
        "\u202e",
        "\u200b",
        "\ufeff",
    ]
    letters = "abcdefghijklmnopqrstuvwxyzéüßçñ ЖжΣσς中文العربية"
    words_ = [
        "money",
        "trust",
        "husband",
        "fight",
        "fighting",
        "hug",
        "date",
        "nite",
        "the",
        "a",
        "constructor",
        "__proto__",
        "toString",
        "hasOwnProperty",
        "prototype",
    ]
    pieces = [syntax, emoji, markup, list(letters), words_, [" ", "  ", "\t", "\n"], list("0123456789")]
    inputs = []
    for number in range(count):
        if number % 100 == 0:
            inputs.append("".join(rng.choice(rng.choice(pieces)) for _ in range(rng.randint(1000, 5000))))
        else:
            parts = [rng.choice(rng.choice(pieces)) for _ in range(rng.randint(1, 12))]
            inputs.append("".join(p if rng.random() < 0.5 else p + " " for p in parts))
    return inputs


def test_two_thousand_random_inputs_never_raise(server, open_page):
    watched = open_page(server + "/guide/handling-conflict/")
    page = watched.page
    page.focus("#site-search")
    inputs = random_inputs(2000)
    shown = page.evaluate(
        """async (inputs) => {
          let shown = 0;
          for (const text of inputs) {
            await closerSearch.show(text);
            shown += document.querySelectorAll('#site-search-listbox [role=option]').length;
          }
          return shown;
        }""",
        inputs,
    )
    assert shown > 0  # some of them matched something and were drawn
    for text in inputs[1:60]:  # and some typed for real, key by key (no Enter, no Tab)
        page.fill("#site-search", "")
        page.keyboard.type(re.sub(r"\s", " ", text[:60]))
    shown_results(page, "trust")  # every earlier update has run or given way by now
    assert watched.page_errors == [] and watched.console_errors == []


def test_markup_in_a_query_is_shown_as_text(server, open_page):
    attack = "trust <img src=x onerror=alert(1)>"
    dialogs = []
    watched = open_page(server + "/search/?q=" + "trust%20%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E")
    page = watched.page
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.wait_for_selector("#search-results a")
    assert query_part(page.text_content("#search-status")).endswith(f"for \u201c{attack}\u201d")
    page.focus("#site-search")
    assert shown_results(page, attack)
    assert query_part(page.text_content(STATUS)).endswith(f"for \u201c{attack}\u201d")
    assert (
        page.eval_on_selector_all("img[src=x], #search-results img, .search-panel img", "n => n.length") == 0
    )
    assert page.eval_on_selector_all(
        "#search-results mark", "marks => marks.every(m => m.children.length === 0)"
    )
    assert dialogs == [] and watched.page_errors == []


LONE_SURROGATES = """(box) => {
  const high = String.fromCharCode(0xD83D), low = String.fromCharCode(0xDE00);
  return ['trust ' + high, low + 'trust', 'tr' + high + 'ust', high, high + low.repeat(3) + ' money'];
}"""


def test_lone_surrogates_in_the_box_never_throw_and_never_leave_stale_results(server, open_page):
    watched = open_page(server + "/search/?q=trust")
    page = watched.page
    expect(page.locator("#search-results a").first).to_be_visible()
    texts = page.evaluate(LONE_SURROGATES)
    assert len(texts) == 5
    page.focus("#site-search")
    for number in range(len(texts)):
        # Typed into the header's box: the dropdown and its status.
        status = page.evaluate(
            "async (n) => {"
            "  const text = (" + LONE_SURROGATES + ")()[n];"
            "  await closerSearch.show(text);"
            "  return document.querySelector('form.search-form [role=status]').textContent;"
            "}",
            number,
        )
        if number == 3:  # nothing but a lone surrogate: no words, so nothing shown and nothing stale
            assert status == ""
            assert page.locator(OPTIONS).count() == 0
        else:
            assert query_part(status).endswith("\u201d") and "\ufffd" in status, status
        # Submitted on the search page: the address, the results and their status.
        page.evaluate(
            "(n) => {"
            "  const box = document.getElementById('site-search');"
            "  box.value = (" + LONE_SURROGATES + ")()[n];"
            "  box.form.requestSubmit();"
            "}",
            number,
        )
        if number == 3:
            expect(page.locator("#search-status")).to_have_text("")
            assert page.locator("#search-results > *").count() == 0
        else:
            expect(page.locator("#search-status")).to_contain_text("\ufffd")
        assert "q=" in page.url
    assert watched.page_errors == [] and watched.console_errors == []


@pytest.mark.parametrize(
    "query, shown",
    [
        ("trust%ED%A0%80", "trust\ufffd\ufffd\ufffd"),  # a surrogate in UTF-8 is not UTF-8: three U+FFFD
        ("trust%uD800", "trust%uD800"),  # not percent-encoding at all
        ("%", None),  # no word: nothing to search, nothing shown
        ("%F0%9F%98%80", None),  # an emoji alone
        ("trust%", "trust%"),
        ("%3Cscript%3Ealert(1)%3C%2Fscript%3E+trust", "<script>alert(1)</script> trust"),
        ("%3Cb%3Etrust%3C%2Fb%3E", "<b>trust</b>"),
        ("trust&q=money", "trust"),
    ],
)
def test_anything_in_the_address_leaves_the_page_working_and_the_status_true(server, open_page, query, shown):
    dialogs = []
    watched = open_page(server + "/search/?q=" + query)
    page = watched.page
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    status = page.locator("#search-status")
    if shown is None:
        page.evaluate("() => closerSearch.showPage(document.getElementById('site-search').value)")
        expect(status).to_have_text("")
        assert page.locator("#search-results > *").count() == 0
    else:
        expect(status).not_to_have_text("")
        text = query_part(status.text_content())
        assert text.endswith(f"for \u201c{shown}\u201d") or text.endswith(f"for \u201c{shown}\u201d."), text
        assert page.input_value("#site-search") == shown
    assert page.locator("#search-results b, #search-results script").count() == 0
    assert page.locator(".search-form b, .search-form script").count() == 0
    assert dialogs == [] and watched.page_errors == [] and watched.console_errors == []


def only_failed_loads(messages: list[str]) -> bool:
    return all(message.startswith("Failed to load resource") for message in messages)


def test_a_part_that_fails_to_load_gives_a_message_and_a_retry(server, open_page):
    watched = open_page(server + "/guide/building-trust/")
    page = watched.page
    blocked = []

    def refuse(route):
        blocked.append(route.request.url)
        route.abort()

    page.route(re.compile(r"/search/\w+/x\d+\.json$"), refuse)
    page.focus("#site-search")
    page.fill("#site-search", "trust")
    note = page.locator(".search-panel__note")
    expect(note).to_contain_text("Search could not load part of its index.")
    retry = note.get_by_role("button", name="Try again")
    expect(retry).to_be_visible()
    expect(page.locator(STATUS)).to_have_text("Search could not load part of its index. \u201ctrust\u201d")
    assert page.locator(OPTIONS).count() == 0
    assert blocked
    page.unroute(re.compile(r"/search/\w+/x\d+\.json$"))
    retry.click()
    expect(page.locator(OPTIONS).first).to_be_visible()
    expect(page.locator(STATUS)).to_contain_text("for \u201ctrust\u201d")
    assert watched.page_errors == [] and only_failed_loads(watched.console_errors)


def test_a_part_that_fails_on_the_search_page_gives_a_message_and_a_retry(server, browser):
    context = browser.new_context(service_workers="block")
    try:
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.route(re.compile(r"/search/\w+/d\d+\.json$"), lambda route: route.abort())
        page.goto(server + "/search/?q=money", wait_until="load")
        expect(page.locator("#search-status")).to_have_text("Search could not load part of its index.")
        assert page.locator("#search-results > *").count() == 0
        page.unroute(re.compile(r"/search/\w+/d\d+\.json$"))
        page.get_by_role("button", name="Try again").click()
        expect(page.locator("#search-results a").first).to_be_visible()
        expect(page.locator("#search-status")).to_contain_text("for \u201cmoney\u201d")
        expect(page.get_by_role("button", name="Try again")).to_have_count(0)
        assert errors == []
    finally:
        context.close()


def test_when_lunr_or_the_term_list_cannot_load_search_says_so_and_recovers(server, open_page):
    watched = open_page(server + "/")
    page = watched.page
    page.route("**/search/meta.json", lambda route: route.fulfill(status=503, body="busy"))
    page.focus("#site-search")
    page.fill("#site-search", "money")
    expect(page.locator(".search-panel__note")).to_contain_text("Search is not available right now.")
    page.unroute("**/search/meta.json")
    page.locator(".search-panel__note").get_by_role("button", name="Try again").click()
    expect(page.locator(OPTIONS).first).to_be_visible()
    assert watched.page_errors == []


def test_the_engine_runs_in_a_worker_and_the_page_never_holds_lunr(server, open_page):
    """lunr.js, the term list and the parts live in the search worker; the page only draws."""
    watched = open_page(server + "/")
    page = watched.page
    page.focus("#site-search")
    assert shown_results(page, "trust")
    worker = search_worker(page)
    assert worker.evaluate("() => typeof self.lunr.Index") == "function"
    assert worker.evaluate("() => typeof document") == "undefined"
    assert page.evaluate("() => typeof window.lunr") == "undefined"
    page_files, worker_files = page.evaluate(RESOURCES), worker.evaluate(RESOURCES)
    assert not [path for path in page_files if path.startswith("/search/")], "the page fetched search files"
    assert set(SEARCH_FILES) <= set(worker_files)
    assert [path for path in worker_files if re.search(r"/search/\w+/[hxd]\d+\.json$", path)]
    # The page loads the worker from its fingerprinted asset address.
    script = page.locator("script[data-worker]")
    assert re.search(r"/assets/js/search-worker\.[0-9a-f]+\.js$", script.get_attribute("data-worker"))
    assert watched.page_errors == [] and watched.console_errors == []


def test_a_worker_that_cannot_start_gives_a_message_and_a_retry(server, open_page):
    watched = open_page(server + "/")
    page = watched.page
    worker_script = re.compile(r"/search-worker\.[0-9a-f]+\.js$")
    page.route(worker_script, lambda route: route.fulfill(status=404, body="gone"))
    page.focus("#site-search")
    page.fill("#site-search", "money")
    note = page.locator(".search-panel__note")
    expect(note).to_contain_text("Search is not available right now.")
    expect(page.locator(STATUS)).to_have_text("Search is not available right now. \u201cmoney\u201d")
    page.unroute(worker_script)
    note.get_by_role("button", name="Try again").click()
    expect(page.locator(OPTIONS).first).to_be_visible()
    expect(page.locator(STATUS)).to_contain_text("for \u201cmoney\u201d")
    assert watched.page_errors == []


# -- loading, keyboard, the search page -------------------------------------------------------------

SEARCH_FILES = ("/search/meta.json", "/search/lunr.min.js")
RESOURCES = "() => performance.getEntriesByType('resource').map(e => new URL(e.name).pathname)"
# Resolves once every file named has been fetched by this global scope (the page's or a worker's).
FETCHES = """async (files) => {
  const all = () => files.every(f => performance.getEntriesByType('resource').some(e => e.name.endsWith(f)));
  while (!all()) await new Promise(resolve => setTimeout(resolve, 20));
  return true;
}"""


def search_worker(page):
    """The page's search worker, waiting for it to start if need be."""
    for worker in page.workers:
        if "/search-worker." in worker.url:
            return worker
    return page.wait_for_event("worker", predicate=lambda worker: "/search-worker." in worker.url)


def fetched(page) -> list[str]:
    """Paths fetched by the page and by its workers (the search engine fetches in its worker)."""
    paths = page.evaluate(RESOURCES)
    for worker in page.workers:
        paths += worker.evaluate(RESOURCES)
    return paths


def parts_fetched(page, letters: str = "hxd") -> list[str]:
    return [path for path in fetched(page) if re.search(rf"/search/\w+/[{letters}]\d+\.json$", path)]


def test_nothing_is_downloaded_until_the_search_box_gets_focus(guide, server, open_page):
    page = open_page(server + "/guide/active-listening/").page
    page.wait_for_load_state("networkidle")
    assert not set(SEARCH_FILES) & set(fetched(page))
    page.mouse.wheel(0, 800)
    page.keyboard.press("Tab")
    page.wait_for_load_state("networkidle")
    assert not set(SEARCH_FILES) & set(fetched(page))
    assert page.workers == [], "the search worker starts on focus, not before"
    page.focus("#site-search")
    search_worker(page).evaluate(FETCHES, list(SEARCH_FILES))
    page.wait_for_load_state("networkidle")
    assert parts_fetched(page) == [], "focus alone fetches the term list and lunr.js, no part of the index"


def test_a_search_fetches_only_the_parts_its_terms_are_in(guide, server, open_page):
    meta = read_meta(guide / "search")
    text_parts = len(meta["parts"]["text"])
    assert text_parts >= 3, "the guide's index should come in several parts"
    page = open_page(server + "/guide/active-listening/").page
    page.focus("#site-search")
    assert shown_results(page, "trust")
    text = parts_fetched(page, "x")
    documents = parts_fetched(page, "d")
    assert 1 <= len(text) < text_parts
    assert 1 <= len(documents) <= 6, "snippets are fetched for the results shown only"
    assert all(f"/search/{meta['build']}/" in path for path in text + documents)


def test_the_search_page_loads_the_index_without_focus(server, open_page):
    page = open_page(server + "/search/").page
    assert search_worker(page).evaluate(FETCHES, list(SEARCH_FILES))
    assert set(SEARCH_FILES) <= set(fetched(page))


def test_after_a_first_search_a_small_index_is_fetched_whole(guide, server, open_page):
    """So that search works offline after one search (the service worker keeps what was fetched)."""
    meta = read_meta(guide / "search")
    page = open_page(server + "/").page
    page.focus("#site-search")
    assert shown_results(page, "trust")
    assert page.evaluate("() => closerSearch.prefetched()") is True
    names = {path.rsplit("/", 1)[1] for path in parts_fetched(page)}
    expected = {f"{letter}{n}.json" for field, letter in (("title", "h"), ("text", "x"))
                for n in range(len(meta["parts"][field]))}
    expected |= {f"d{n}.json" for n in range((sum(c for _, c in meta["kinds"]) + meta["group"] - 1)
                                             // meta["group"])}
    assert names == expected


def test_keyboard_slash_arrows_enter_and_escape(server, open_page):
    page = open_page(server + "/guide/time-together/").page
    box = page.locator("#site-search")
    assert box.get_attribute("role") == "combobox"
    assert box.get_attribute("aria-expanded") == "false"
    assert box.get_attribute("aria-controls") == "site-search-listbox"
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "site-search"
    page.keyboard.type("trust")
    page.wait_for_selector(OPTIONS)
    assert box.get_attribute("aria-expanded") == "true"
    assert page.locator(".search-panel").is_visible()
    assert re.fullmatch(r"\d+ results? for \u201ctrust\u201d", page.text_content(STATUS))
    assert page.get_attribute(STATUS, "aria-live") == "polite"
    ids = page.eval_on_selector_all(OPTIONS, "options => options.map(o => o.id)")
    assert box.get_attribute("aria-activedescendant") is None
    page.keyboard.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == ids[0]
    assert page.get_attribute(f"#{ids[0]}", "aria-selected") == "true"
    page.keyboard.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == ids[1]
    assert page.get_attribute(f"#{ids[0]}", "aria-selected") == "false"
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    assert box.get_attribute("aria-activedescendant") == ids[-1]  # wraps to "See all results"
    assert page.evaluate("document.activeElement.id") == "site-search"  # focus stays in the box
    page.keyboard.press("Escape")
    assert box.get_attribute("aria-expanded") == "false"
    assert not page.locator(".search-panel").is_visible()
    assert box.get_attribute("aria-activedescendant") is None
    assert box.input_value() == "trust"
    page.keyboard.press("ArrowDown")
    assert box.get_attribute("aria-expanded") == "true"
    target = page.get_attribute(f"#{ids[0]}", "href")
    page.keyboard.press("Enter")
    page.wait_for_url(target)
    assert page.url == target


def test_slash_types_a_slash_inside_the_box(server, open_page):
    page = open_page(server + "/").page
    page.focus("#site-search")
    page.keyboard.type("24/7")
    assert page.input_value("#site-search") == "24/7"


def test_enter_without_a_chosen_result_opens_the_full_list(server, open_page):
    page = open_page(server + "/guide/building-trust/").page
    page.focus("#site-search")
    page.keyboard.type("keep promises")
    page.wait_for_selector(OPTIONS)
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=keep+promises")
    page.wait_for_selector("#search-results a")


def test_the_search_page_lists_results_best_first_each_one_link(server, open_page):
    page = open_page(server + "/search/?q=trust").page
    page.wait_for_selector("#search-results a")
    children = page.eval_on_selector_all("#search-results > *", "nodes => nodes.map(n => n.tagName)")
    assert children and set(children) == {"A"}
    expected = page.evaluate("() => closerSearch.search('trust', false, 20)")
    root = page.evaluate("new URL('../', document.querySelector('.search-form').action).href")
    hrefs = page.eval_on_selector_all("#search-results > a", "links => links.map(a => a.href)")
    assert hrefs == [root + hit["url"] for hit in expected[:20]]  # the best 20 (search.js PAGE_SIZE)
    first = page.locator("#search-results > a").first
    kinds = {"Chapter", "Question", "Tip", "Topic", "Page"}  # guide_core.kinds' labels
    assert first.locator(".search-result__kind").text_content() in kinds
    assert expected[0]["title"] in first.text_content()
    assert page.eval_on_selector_all("#search-results mark", "m => m.map(x => x.textContent.toLowerCase())")
    assert page.input_value("#site-search") == "trust"
    status = page.text_content("#search-status")
    assert re.fullmatch(r"\d+ results for \u201ctrust\u201d(, the best \d+ shown)?", status), status
    assert not page.locator("#search-none").is_visible()


def test_searching_again_on_the_search_page_updates_the_address(server, open_page):
    page = open_page(server + "/search/?q=trust").page
    page.wait_for_selector("#search-results a")
    page.focus("#site-search")
    page.fill("#site-search", "money")
    page.wait_for_selector(OPTIONS)
    page.keyboard.press("Enter")  # no result chosen: the full list, on this page
    page.wait_for_url("**/search/?q=money")
    assert not page.locator(".search-panel").is_visible()
    expect(page.locator("#search-status")).to_contain_text("money")
    page.go_back()
    expect(page.locator("#search-status")).to_contain_text("trust")
    assert page.input_value("#site-search") == "trust"


def test_no_results_offers_the_questions_and_topics(server, open_page):
    page = open_page(server + "/search/?q=xylophone+zeppelin").page
    expect(page.locator("#search-status")).to_have_text("No results for \u201cxylophone zeppelin\u201d.")
    assert page.eval_on_selector_all("#search-results > *", "n => n.length") == 0
    assert page.locator("#search-none").is_visible()
    links = page.eval_on_selector_all("#search-none a", "links => links.map(a => a.getAttribute('href'))")
    assert links == ["#browse-questions", "#browse-topics"]
    page.focus("#site-search")
    page.fill("#site-search", "xylophone zeppelin")
    page.wait_for_selector(".search-panel__note a")
    assert page.locator(".search-panel__note").is_visible()


def test_without_javascript_the_search_page_lists_every_question_and_topic(guide, server, browser):
    faq = BeautifulSoup((guide / "faq" / "index.html").read_text(encoding="utf-8"), "html.parser")
    questions = sorted(
        (d.find("summary").get_text(" ", strip=True) for d in faq.select("details[id]")), key=str.lower
    )
    topics = sorted(p.parent.name for p in (guide / "topics").glob("*/index.html"))
    assert len(questions) >= 20 and len(topics) >= 20
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        outside = []
        page.route(
            "**/*",
            lambda route: (
                route.continue_()
                if route.request.url.startswith(server)
                else (outside.append(route.request.url), route.abort())
            ),
        )
        page.goto(server + "/search/?q=money")
        listed = page.eval_on_selector_all(
            "#browse-questions + ul a", "links => links.map(a => a.textContent)"
        )
        assert sorted(listed, key=str.lower) == listed and sorted(listed) == sorted(questions)
        hrefs = page.eval_on_selector_all(
            "#browse-topics + ul a", "links => links.map(a => a.getAttribute('href'))"
        )
        assert sorted(h.strip("/").split("/")[-1] for h in hrefs) == topics
        names = page.eval_on_selector_all("#browse-topics + ul a", "links => links.map(a => a.textContent)")
        assert names == sorted(names, key=str.lower)
        assert page.locator("noscript").count() == 1
        assert page.get_attribute("form.search-form", "action") == "/search/"
        assert outside == []
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violations_with_results_and_the_dropdown_open(server, open_page, scheme):
    page = open_page(server + "/search/?q=trust", color_scheme=scheme).page
    page.wait_for_selector("#search-results a")
    page.focus("#site-search")
    page.fill("#site-search", "fighting about money")
    page.wait_for_selector(OPTIONS)
    page.keyboard.press("ArrowDown")
    assert page.locator(".search-panel").is_visible()
    assert run_axe(page) == []
    page = open_page(server + "/guide/building-trust/", color_scheme=scheme, width=320).page
    page.focus("#site-search")
    page.keyboard.type("husband")
    page.wait_for_selector(OPTIONS)
    assert run_axe(page) == []
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def test_the_guide_index_is_small_enough_to_report(guide):
    """Not a target (benchmarks are not tests): a sanity bound that catches an index gone wrong."""
    meta = (guide / "search" / "meta.json").read_bytes()
    assert len(gzip.compress(meta)) < 30_000
    largest = max(p.stat().st_size for p in (guide / "search").rglob("*.json") if p.name != "meta.json")
    assert largest < 200_000
