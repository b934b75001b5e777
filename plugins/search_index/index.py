"""Build the lunr index of the whole site, and write it in parts with lunr.js.

Output, next to the search page:

- ``search/meta.json`` and ``search/<build>/*.json``: the lunr index
  (lunr.py, loadable by lunr.js 2.3.9) cut into parts a browser fetches as
  queries need them, and the documents' titles, URLs and snippets in small
  groups (parts.py); the synonyms (how the browser widens a query with the
  words readers use for a topic) travel in meta.json;
- ``search/lunr.min.js``, copied from node_modules: beside the index, so
  search.js finds everything from the search form's action, wherever the
  theme's own files end up (the assets plugin fingerprints them).

Every file is compact JSON with sorted keys: the same site always gives the
same bytes.
"""

from __future__ import annotations

import json
import logging
import math
import shutil
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from guide_core import kinds
from lunr import __TARGET_JS_VERSION__
from lunr.stop_word_filter import WORDS as STOP_WORDS

from .extract import SearchDocument
from .parts import SearchFiles, search_parts, utf16_order
from .pipeline import index_term, stem, trim, words

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
LUNR_PACKAGE = ROOT / "node_modules" / "lunr"
FIELDS = ["title", "text"]
TITLE_BOOST = 10
FIELD_BOOST = {"title": TITLE_BOOST, "text": 1}
K1, B = 1.2, 0.75  # lunr's BM25 defaults (Builder._k1, Builder._b)
SCORE_DIGITS = 2
SNIPPET_LENGTH = 240


@dataclass
class TopicWords:
    """What synonyms need of a topic: its own words and the words readers use for it."""

    slug: str
    title: str
    aliases: list[str] = field(default_factory=list)
    url: str = ""


def assign_refs(documents: Iterable[SearchDocument]) -> dict[str, SearchDocument]:
    counters: dict[str, int] = {}
    refs = {}
    for document in documents:
        number = counters.get(document.kind, 0)
        counters[document.kind] = number + 1
        refs[f"{kinds.kind(document.kind).search_prefix}{number}"] = document
    return refs


def build_index(refs: dict[str, SearchDocument], digits: int | None = SCORE_DIGITS) -> dict:
    """The serialised lunr index of the documents: what lunr.py's Builder gives, computed directly.

    The same terms, postings and BM25 weights as ``lunr.Builder`` with our
    pipeline (and so as lunr.js 2.3.9, which a test checks), in a fraction of
    the time: lunr.py makes a Token, a metadata dict and three pipeline calls
    for each of a site's million words, where a cached ``index_term`` per
    distinct word and one Counter per field do. The formulas and their order
    of operations are lunr's (``Builder._create_field_vectors``), so the
    floats are the same to the last bit; a test builds the guide both ways.

    Two changes to what lunr writes: scores keep ``digits`` significant digits
    (lunr writes three decimals, precision no ranking needs that costs a fifth
    of the download); and terms are listed and numbered in JavaScript's sort
    order (UTF-16 code units, which differs from Python's beyond U+FFFF),
    since lunr.js builds its token set from that list and refuses terms out of
    order, and the browser numbers the terms of meta.json by their place in it.
    """
    serialised = {"version": __TARGET_JS_VERSION__, "fields": FIELDS, "pipeline": ["trimmer", "stemmer"]}
    count = len(refs)
    counted: list[tuple[str, str, Counter, int]] = []  # field, ref, term frequencies, length: lunr's order
    postings: dict[str, dict] = {}
    with_term: Counter = Counter()  # (document, field) pairs holding each term: lunr's idf counts fields
    total_length = dict.fromkeys(FIELDS, 0)
    for ref, document in refs.items():
        text = f"{document.text} {document.keywords}" if document.keywords else document.text
        for name, value in (("title", document.title), ("text", text)):
            terms = [term for term in map(index_term, words(value)) if term is not None]
            frequencies = Counter(terms)
            counted.append((name, ref, frequencies, len(terms)))
            total_length[name] += len(terms)
            with_term.update(frequencies.keys())
            for term in frequencies:
                posting = postings.get(term)
                if posting is None:
                    posting = postings[term] = {each: {} for each in FIELDS}
                posting[name][ref] = {}
    ordered = sorted(postings, key=utf16_order)
    number = {term: i for i, term in enumerate(ordered)}
    idf = {}
    for term, documents in with_term.items():
        x = (count - documents + 0.5) / (documents + 0.5)
        idf[term] = math.log(1 + abs(x))
    average = {each: total_length[each] / count for each in FIELDS} if count else {}
    kept: dict[float, float | int] = {}  # a site has a few thousand distinct weights
    field_vectors = []
    for name, ref, frequencies, length in counted:
        boost = FIELD_BOOST[name]
        norm = K1 * (1 - B + B * (length / average[name]))
        pairs = []
        for term, tf in frequencies.items():
            score = idf[term] * ((K1 + 1) * tf) / (norm + tf)
            score *= boost
            score = round(score, 3)
            if digits:
                shown = kept.get(score)
                if shown is None:
                    shown = kept[score] = significant(score, digits)
                score = shown
            pairs.append((number[term], score))
        pairs.sort()
        field_vectors.append([f"{name}/{ref}", [value for pair in pairs for value in pair]])
    inverted = []
    for i, term in enumerate(ordered):
        postings[term]["_index"] = i
        inverted.append([term, postings[term]])
    serialised["fieldVectors"] = field_vectors
    serialised["invertedIndex"] = inverted
    return serialised


def significant(value: float, digits: int) -> float | int:
    if value == 0:
        return 0
    rounded = round(value, max(digits - 1 - math.floor(math.log10(abs(value))), 0))
    return int(rounded) if rounded == int(rounded) else rounded


def synonyms(topics: Iterable[TopicWords]) -> dict[str, list[str]]:
    """Alias -> the topic's own words it stands for.

    "husband" -> ["partners"], "fight" -> ["conflict"], "debt" -> ["money",
    "worries"]: the words of the topic's title, without stop words and without
    words the alias already says; the slug's words when the title has none left
    ("money" -> ["worries"] from "Money worries" is enough, the slug
    "financial-stress" would pull in every page about stress). An alias is
    keyed by the stems of its words, joined by a space ("fighting", "fights"
    and "fight" are all "fight"), and search.js looks up the stems of the
    reader's words, one, two and three at a time.
    """
    mapping: dict[str, list[str]] = {}
    for topic in sorted(topics, key=lambda t: t.slug):
        title_words = topic_words(topic.title)
        slug_words = topic_words(topic.slug.replace("-", " "))
        for alias in topic.aliases:
            alias_words = words(alias)
            said = {stem(word) for word in alias_words}
            wanted = [word for key, word in title_words.items() if key not in said]
            wanted = wanted or [word for key, word in slug_words.items() if key not in said]
            if alias_words and wanted:
                entry = mapping.setdefault(" ".join(stem(trim(word)) for word in alias_words), [])
                entry.extend(word for word in wanted if word not in entry)
    return dict(sorted(mapping.items()))


def topic_words(text: str) -> dict[str, str]:
    """Stem -> first word with that stem, stop words left out."""
    found: dict[str, str] = {}
    for word in words(text):
        if word not in STOP_WORDS:
            found.setdefault(stem(word), word)
    return found


def excerpt(text: str, length: int) -> str:
    """``text`` cut at a word boundary to at most ``length`` characters, with "…" when cut."""
    if len(text) <= length:
        return text
    cut = text.rfind(" ", 0, length)
    return text[: cut if cut > 0 else length].rstrip(" ,;:.") + "\u2026"


def store_entry(document: SearchDocument, snippet_length: int) -> dict:
    """What a result shows: title, URL, kind, snippet text, and the page a section belongs to."""
    entry = {
        "title": document.title,
        "url": document.url,
        "kind": document.kind,
        "text": excerpt(document.text, snippet_length),
    }
    if document.page:
        entry["page"] = document.page
    return entry


def search_files(
    documents: list[SearchDocument],
    topics: list[TopicWords],
    snippet_length: int = SNIPPET_LENGTH,
) -> SearchFiles:
    """meta.json and the parts of the index of these documents.

    The index holds every word; the snippet files keep the first
    ``snippet_length`` characters of each text, enough for a snippet and a
    fraction of the bytes.
    """
    refs = assign_refs(documents)
    store = {ref: store_entry(document, snippet_length) for ref, document in refs.items()}
    return search_parts(build_index(refs), store, synonyms(topics))


def write_search_files(
    output: Path,
    documents: list[SearchDocument],
    topics: list[TopicWords],
    snippet_length: int = SNIPPET_LENGTH,
) -> dict:
    """Write meta.json and the parts under output/search/; return their sizes in bytes."""
    return search_files(documents, topics, snippet_length).write(output / "search")


def copy_lunr(output: Path, package: Path = LUNR_PACKAGE) -> bool:
    """Copy lunr.min.js from node_modules; log an error when it is missing or not 2.3.9."""
    manifest = package / "package.json"
    if not manifest.exists():
        logger.error("search_index: lunr is not installed in %s: run `make deps` (npm ci)", package.parent)
        return False
    version = json.loads(manifest.read_text(encoding="utf-8")).get("version")
    if version != __TARGET_JS_VERSION__:
        logger.error(
            "search_index: node_modules has lunr %s, but the index is built for lunr.js %s "
            "(pin it in package.json and run npm ci)",
            version,
            __TARGET_JS_VERSION__,
        )
        return False
    target = output / "search" / "lunr.min.js"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(package / "lunr.min.js", target)
    return True
