"""The text pipeline, identical in Python (lunr.py 0.8) and the browser (lunr.js 2.3.9).

Three things differ between the two libraries out of the box, and each would
make the browser miss words the index holds:

- lunr.py's Porter stemmer follows the original algorithm; lunr.js's regular
  expression version does not turn a final "y" into "i" after a vowel (money,
  pay, buy, holiday, key, today) and differs on a few degenerate strings.
  ``LunrJsPorterStemmer`` overrides exactly those steps; a test stems a
  dictionary and a million generated strings with both and finds no difference.
- lunr.py's trimmer uses Python's Unicode ``\\W`` and gives up on a token with
  punctuation inside; lunr.js strips ASCII non-word characters from both ends.
- lunr.py's default search pipeline has no trimmer; ours runs the trimmer and
  the stemmer, the same two functions the browser loads from the index.

Tokens come from ``words()``, mirrored by ``words()`` in theme/static/js/search.js:
lower case, possessive "'s" dropped, other apostrophes removed (so "won't" and
"won’t" both become "wont"), split on anything that is not a letter or digit.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lunr.index import Index
from lunr.pipeline import Pipeline
from lunr.stemmer import PorterStemmer
from lunr.stop_word_filter import WORDS as STOP_WORDS
from lunr.token import Token

APOSTROPHES = "'\u2018\u2019\u02bc"
POSSESSIVE = re.compile(f"[{APOSTROPHES}]s(?![^\\W_])")
APOSTROPHE = re.compile(f"[{APOSTROPHES}]")
NOT_A_WORD = re.compile(r"[\W_]+")
# JavaScript's \W is ASCII-only and its $ never matches before a final newline.
LEADING = re.compile(r"^\W+", re.ASCII)
TRAILING = re.compile(r"\W+\Z", re.ASCII)


def words(text: str) -> list[str]:
    """Split text into lower-case words the way search.js does."""
    text = APOSTROPHE.sub("", POSSESSIVE.sub("", text.lower()))
    return [word for word in NOT_A_WORD.split(text) if word]


class LunrJsPorterStemmer(PorterStemmer):
    """lunr.py's Porter stemmer, corrected to give what lunr.js 2.3.9 gives."""

    def ends(self, s: str) -> int:
        # lunr.js matches suffixes with /^(.+?)suffix$/: the word must be longer than the suffix.
        if len(s) >= self.k - self.k0 + 1:
            return 0
        return super().ends(s)

    def doublec(self, j: int) -> int:
        # lunr.js: /([^aeiouylsz])\1$/, so a doubled "y" is never shortened.
        if self.b[j] == "y":
            return 0
        return super().doublec(j)

    def step1c(self) -> None:
        # lunr.js: /^(.+?[^aeiou])y$/, so "y" becomes "i" only after a consonant
        # that is not the first letter (cry -> cri, by -> by, money -> money).
        if self.ends("y") and self.j > self.k0 and self.b[self.j] not in "aeiou":
            self.b = self.b[: self.k] + "i" + self.b[self.k + 1 :]


_porter = LunrJsPorterStemmer()


@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    # A site repeats a few thousand words hundreds of thousands of times.
    return _porter.stem(word)


def _stem_string(string: str, metadata=None) -> str:
    return stem(string)


def stemmer(token: Token, i=None, tokens=None) -> Token:
    return token.update(_stem_string)


def trim(string: str, metadata=None) -> str:
    return TRAILING.sub("", LEADING.sub("", string))


def trimmer(token: Token, i=None, tokens=None) -> Token:
    return token.update(trim)


# Serialised under lunr's own labels, so lunr.js loads its own trimmer and
# stemmer for the search pipeline. They are deliberately not registered with
# lunr.py's Pipeline (that would replace its functions for every user in the
# process); load_index() below puts them back when Python loads an index.
stemmer.label = "stemmer"
trimmer.label = "trimmer"


@lru_cache(maxsize=1 << 18)
def index_term(word: str) -> str | None:
    """The term lunr's index pipeline makes of one word of ``words()``, or None when it drops it.

    What lunr.py's Builder does to each token (its Tokenizer lower-cases a list's
    elements, then trimmer, stopWordFilter, stemmer; lunr.js does the same), for
    one word at a time and cached: a site repeats a few thousand words hundreds
    of thousands of times. The stop word filter drops a token whose string is a
    stop word; a lunr Token object is always true, so an empty string is kept,
    as lunr keeps it.
    """
    token = trim(word.lower())
    if token in STOP_WORDS:
        return None
    return stem(token)


def search_pipeline() -> Pipeline:
    pipeline = Pipeline()
    pipeline.add(trimmer, stemmer)
    return pipeline


def load_index(serialised: dict) -> Index:
    """A serialised index loaded by lunr.py with the same pipeline lunr.js uses."""
    index = Index.load(serialised)
    index.pipeline = search_pipeline()
    return index
