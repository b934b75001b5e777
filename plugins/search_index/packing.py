"""A packed form of the serialised lunr index: the same index in half the bytes.

lunr's serialised index holds every fact twice: ``fieldVectors`` lists, for
each field of each document, the terms it contains with their scores, and
``invertedIndex`` lists, for each term, the documents whose fields contain it.
The second is the first turned inside out, so the packed form ships only the
first and lets the reader's browser rebuild the second before it hands the
result to ``lunr.Index.load`` (``unpack`` in theme/static/js/search.js, the
same steps as ``unpack`` here):

    {"version", "fields", "pipeline",     as lunr serialises them
     "terms": [term, ...],                 term i has lunr's _index i
     "vectors": [[ref, [gap, score, ...] per field], ...]}

Within a field, term numbers rise, so each is stored as the gap from the one
before (small numbers compress better). Postings carry no metadata (the
builder keeps none), so nothing is lost: ``unpack(pack(s)) == s``.
"""

from __future__ import annotations


def utf16_order(term: str) -> bytes:
    """JavaScript's string order: lunr.js refuses terms out of this order."""
    return term.encode("utf-16-be")


def pack(serialised: dict) -> dict:
    fields = serialised["fields"]
    terms = [""] * len(serialised["invertedIndex"])
    for term, posting in serialised["invertedIndex"]:
        terms[posting["_index"]] = term
    by_ref: dict[str, dict[str, list]] = {}  # in the order lunr listed the documents
    for field_ref, vector in serialised["fieldVectors"]:
        field, ref = field_ref.split("/", 1)
        by_ref.setdefault(ref, {})[field] = vector
    vectors = []
    for ref, by_field in by_ref.items():
        entry: list = [ref]
        for field in fields:
            vector, gaps, previous = by_field.get(field, []), [], 0
            for number, score in zip(vector[0::2], vector[1::2]):
                gaps += [number - previous, score]
                previous = number
            entry.append(gaps)
        vectors.append(entry)
    return {
        "version": serialised["version"],
        "fields": fields,
        "pipeline": serialised["pipeline"],
        "terms": terms,
        "vectors": vectors,
    }


def unpack(packed: dict) -> dict:
    """The serialised lunr index a packed one stands for."""
    if "terms" not in packed:
        return packed  # already lunr's own form
    fields = packed["fields"]
    postings = [{"_index": number, **{field: {} for field in fields}}
                for number in range(len(packed["terms"]))]
    field_vectors = []
    for ref, *per_field in packed["vectors"]:
        for field, gaps in zip(fields, per_field):
            vector, number = [], 0
            for gap, score in zip(gaps[0::2], gaps[1::2]):
                number += gap
                vector += [number, score]
                postings[number][field][ref] = {}
            field_vectors.append([f"{field}/{ref}", vector])
    inverted = sorted(zip(packed["terms"], postings), key=lambda entry: utf16_order(entry[0]))
    return {
        "version": packed["version"],
        "fields": fields,
        "fieldVectors": field_vectors,
        "invertedIndex": [list(entry) for entry in inverted],
        "pipeline": packed["pipeline"],
    }
