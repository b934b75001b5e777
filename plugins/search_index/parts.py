"""The index in parts: a first search fetches a small fraction of it, whatever the site's size.

lunr scores a document's field as the dot product of the query's vector with
the field's vector, divided by the query vector's length (lunr.js 2.3.9,
``Index.prototype.query``), and the field vectors hold BM25 weights the
builder computed over the whole site. So a browser that holds, for every
term a query expands to, that term's postings with their weights, scores
exactly as if it held the whole index, whatever else it has loaded. The
build therefore builds one lunr index of everything (global idf, field
lengths and average lengths) and ships it cut up:

``search/meta.json`` (fetched on first focus, with lunr.min.js)
    ``terms``: every term, sorted in JavaScript's order and front-coded (each
    entry is one base-36 digit, how many leading characters it shares with
    the term before, then the rest, entries joined by ","); term i is lunr's
    ``_index`` i. ``flags``: one digit per term, the sum of 1 (in a title), 2
    (in a text) and 4 (in more than ``COMMON_SHARE`` of the texts: search.js
    looks such words up in titles only). ``parts``: for each field, the
    number of the first term of each part, as gaps. ``kinds``: how many
    documents of each kind, in ref order, so a document's number gives its
    ref. ``synonyms``, ``group``, ``build``, ``prefetch``.
``search/<build>/h<n>.json``, ``x<n>.json``
    The postings of a range of terms in the title (h) or text (x) field:
    ``[[term, [document gap, weight, ...]], ...]``. Title postings are small
    and answer the first keystrokes; a text part is fetched only when a
    query needs one of its terms.
``search/<build>/d<n>.json``
    ``group`` documents' url, title, snippet text and page title: fetched
    only for the results shown.

``<build>`` is a hash of every part, so a page holding an older meta.json
never mixes parts of two builds. When all parts together are small
(``PREFETCH_BYTES``), ``prefetch`` tells search.js to fetch the rest after the
first search, so the guide searches fully offline after one search.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from guide_core import kinds

COMMON_SHARE = 0.25
PART_BYTES = 24_000  # raw JSON per term-range part: about 8 KB gzipped
GROUP = 8  # documents per snippet file
PREFETCH_BYTES = 1_500_000  # raw bytes of all parts under which search.js fetches them all
FIELD_FILES = {"title": "h", "text": "x"}
FLAG_TITLE, FLAG_TEXT, FLAG_COMMON = 1, 2, 4
# A ref is a kind letter and a number (c12, f3): short, and never integer-like, since
# JavaScript orders integer-like keys numerically and lunr.js would then break ties
# differently from lunr.py. Documents are numbered by kind in this order.
# A document's reference starts with its kind's letter (guide_core.kinds, the one registry).
REF_PREFIX = {kind.name: kind.search_prefix for kind in kinds.KINDS.values()}
KIND_OF = {letter: kind for kind, letter in REF_PREFIX.items()}
BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"


def utf16_order(term: str) -> bytes:
    """JavaScript's string order: lunr.js refuses a token set built out of this order."""
    return term.encode("utf-16-be")


def to_json(data) -> bytes:
    return json.dumps(data, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode("utf-8")


def front_code(terms: list[str]) -> str:
    coded, previous = [], ""
    for term in terms:
        shared = 0
        limit = min(len(term), len(previous), len(BASE36) - 1)
        while shared < limit and term[shared] == previous[shared]:
            shared += 1
        coded.append(BASE36[shared] + term[shared:])
        previous = term
    return ",".join(coded)


def front_decode(coded: str) -> list[str]:
    terms, previous = [], ""
    for entry in coded.split(",") if coded else []:
        previous = previous[: BASE36.index(entry[0])] + entry[1:]
        terms.append(previous)
    return terms


def document_numbers(refs: list[str], kinds: list[str]) -> tuple[dict[str, int], list[list]]:
    """Each ref's number (refs grouped by kind letter, in ``kinds`` order) and the kinds table."""
    counts = {kind: 0 for kind in kinds}
    for ref in refs:
        counts[ref[0]] += 1
    offsets, start = {}, 0
    for kind in kinds:
        offsets[kind] = start
        start += counts[kind]
    numbers = {ref: offsets[ref[0]] + int(ref[1:]) for ref in refs}
    return numbers, [[kind, counts[kind]] for kind in kinds if counts[kind]]


def split(serialised: dict, numbers: dict[str, int]) -> tuple[list[str], str, dict[str, list]]:
    """The sorted terms, their flags and, per field, each term's postings ``[number, weight]`` by number."""
    terms = sorted((term for term, _ in serialised["invertedIndex"]), key=utf16_order)
    position = {term: i for i, term in enumerate(terms)}
    by_old = {posting["_index"]: position[term] for term, posting in serialised["invertedIndex"]}
    fields = serialised["fields"]
    postings: dict[str, list[list]] = {field: [[] for _ in terms] for field in fields}
    for field_ref, vector in serialised["fieldVectors"]:
        field, ref = field_ref.split("/", 1)
        number = numbers[ref]
        for old, weight in zip(vector[0::2], vector[1::2]):
            postings[field][by_old[old]].append((number, weight))
    for field in fields:
        for entries in postings[field]:
            entries.sort()
    total = len(numbers)
    flags = []
    for i in range(len(terms)):
        title = postings.get("title", [[]] * len(terms))[i]
        text = postings.get("text", [[]] * len(terms))[i]
        flags.append(
            str(
                (FLAG_TITLE if title else 0)
                + (FLAG_TEXT if text else 0)
                + (FLAG_COMMON if len(text) > COMMON_SHARE * total else 0)
            )
        )
    return terms, "".join(flags), postings


def term_entry(term: int, entries: list) -> list:
    flat, previous = [], 0
    for number, weight in entries:
        flat += [number - previous, weight]
        previous = number
    return [term, flat]


def parts_of(postings: list[list]) -> list[tuple[int, bytes]]:
    """Runs of consecutive terms of about PART_BYTES of JSON each: (first term, the part's JSON).

    Each term's entry is serialised once, and a part is its entries joined:
    the same bytes as ``to_json`` of the list (entries hold no objects), for
    half the work.
    """
    parts: list[tuple[int, bytes]] = []
    current: list[bytes] = []
    size, first = 0, 0
    for term, entries in enumerate(postings):
        if not entries:
            continue
        entry = to_json(term_entry(term, entries))
        if current and size + len(entry) > PART_BYTES:
            parts.append((first, b"[" + b",".join(current) + b"]"))
            current, size = [], 0
        if not current:
            first = term
        current.append(entry)
        size += len(entry) + 1
    if current:
        parts.append((first, b"[" + b",".join(current) + b"]"))
    return parts


def gaps(numbers: list[int]) -> list[int]:
    return [number - previous for previous, number in zip([0, *numbers], numbers)]


@dataclass
class SearchFiles:
    """What the search build writes under search/: meta.json and the parts, in a folder named
    after the build (a digest of the parts)."""

    build: str
    parts: dict[str, bytes]
    meta: bytes

    def write(self, folder: Path) -> dict[str, int]:
        """Write them under ``folder``; return the bytes of meta.json and of the parts."""
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.iterdir():
            if stale.is_dir() and stale.name != self.build:
                shutil.rmtree(stale)  # parts of an earlier build into this folder (make serve)
        target = folder / self.build
        target.mkdir(exist_ok=True)
        for name, data in self.parts.items():
            (target / name).write_bytes(data)
        (folder / "meta.json").write_bytes(self.meta)
        return {"meta.json": len(self.meta), "parts": sum(map(len, self.parts.values())),
                "files": len(self.parts)}


def write_parts(folder: Path, serialised: dict, store: dict[str, dict], synonyms: dict) -> dict[str, int]:
    """Write meta.json and the parts under ``folder``; return the bytes of meta.json and of the parts."""
    return search_parts(serialised, store, synonyms).write(folder)


def search_parts(serialised: dict, store: dict[str, dict], synonyms: dict) -> SearchFiles:
    """meta.json and the parts of an index (lunr's serialised form) and its documents."""
    numbers, kind_table = document_numbers(list(store), list(REF_PREFIX.values()))
    terms, flags, postings = split(serialised, numbers)
    files: dict[str, bytes] = {}
    starts: dict[str, list[int]] = {}
    for field in serialised["fields"]:
        letter = FIELD_FILES[field]
        found = parts_of(postings[field])
        starts[field] = gaps([first for first, _ in found])
        for n, (_, payload) in enumerate(found):
            files[f"{letter}{n}.json"] = payload
    ordered = sorted(store, key=numbers.__getitem__)
    for n in range(0, len(ordered), GROUP):
        group = [store[ref] for ref in ordered[n : n + GROUP]]
        files[f"d{n // GROUP}.json"] = to_json(
            [[doc["url"], doc["title"], doc.get("text", ""), doc.get("page", "")] for doc in group]
        )
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + files[name])
    build = digest.hexdigest()[:12]
    parts_size = sum(len(data) for data in files.values())
    meta = {
        "build": build,
        "fields": serialised["fields"],
        "flags": flags,
        "group": GROUP,
        "kinds": kind_table,
        # Each kind's name and the label a result shows, by letter, from the registry.
        "names": {kind.search_prefix: [kind.name, kind.label] for kind in kinds.KINDS.values()},
        "parts": starts,
        "pipeline": serialised["pipeline"],
        "prefetch": parts_size <= PREFETCH_BYTES,
        "synonyms": synonyms,
        "terms": front_code(terms),
        "version": serialised["version"],
    }
    return SearchFiles(build, files, to_json(meta))


# -- reading the parts back (tests, and anyone checking what the browser gets) ---------------------


def read_meta(folder: Path) -> dict:
    return json.loads((folder / "meta.json").read_text(encoding="utf-8"))


def refs_by_number(meta: dict) -> list[str]:
    return [f"{kind}{i}" for kind, count in meta["kinds"] for i in range(count)]


def read_index(folder: Path) -> dict:
    """The whole index the parts hold, in lunr's serialised form (loadable by lunr.py and lunr.js)."""
    meta = read_meta(folder)
    terms = front_decode(meta["terms"])
    refs = refs_by_number(meta)
    fields = meta["fields"]
    postings = [{"_index": i, **{field: {} for field in fields}} for i in range(len(terms))]
    vectors: dict[str, list] = {}
    for field in fields:
        count = len(meta["parts"][field])
        for n in range(count):
            part = json.loads((folder / meta["build"] / f"{FIELD_FILES[field]}{n}.json").read_text("utf-8"))
            for term, flat in part:
                number = 0
                for gap, weight in zip(flat[0::2], flat[1::2]):
                    number += gap
                    ref = refs[number]
                    postings[term][field][ref] = {}
                    vectors.setdefault(f"{field}/{ref}", []).extend([term, weight])
    field_vectors = []
    for ref in refs:
        for field in fields:
            key = f"{field}/{ref}"
            if key in vectors:
                pairs = sorted(zip(vectors[key][0::2], vectors[key][1::2]))
                field_vectors.append([key, [value for pair in pairs for value in pair]])
    return {
        "version": meta["version"],
        "fields": fields,
        "fieldVectors": field_vectors,
        "invertedIndex": [[term, postings[i]] for i, term in enumerate(terms)],
        "pipeline": meta["pipeline"],
    }


def read_documents(folder: Path) -> dict[str, dict]:
    """ref -> {url, title, kind, text, page?}, from the snippet files."""
    meta = read_meta(folder)
    refs = refs_by_number(meta)
    found = {}
    for n in range(0, len(refs), meta["group"]):
        group = json.loads((folder / meta["build"] / f"d{n // meta['group']}.json").read_text("utf-8"))
        for ref, (url, title, text, page) in zip(refs[n:], group):
            entry = {"url": url, "title": title, "kind": KIND_OF[ref[0]], "text": text}
            if page:
                entry["page"] = page
            found[ref] = entry
    return found
