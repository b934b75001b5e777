"""Flesch reading ease of a chapter's prose, for the plain-language rule.

    206.835 - 1.015 * (words / sentences) - 84.6 * (syllables / words)

Syllables come from Pyphen's English hyphenation dictionary (a maintained
library that works offline): one more than the number of places a word can
be hyphenated, the method textstat used before it moved to CMUdict (which
needs a download this build cannot make).
"""

from __future__ import annotations

import re
from functools import lru_cache

import pyphen

WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*")
SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)|\n\s*\n")


@lru_cache(maxsize=1)
def _dictionary() -> pyphen.Pyphen:
    return pyphen.Pyphen(lang="en_US")


@lru_cache(maxsize=20000)
def syllables(word: str) -> int:
    return len(_dictionary().positions(word.lower())) + 1


def flesch_reading_ease(text: str) -> float:
    words = WORD.findall(text)
    if not words:
        return 0.0
    sentences = max(1, len([s for s in SENTENCE_END.split(text) if WORD.search(s)]))
    syllable_total = sum(syllables(w) for w in words)
    return 206.835 - 1.015 * (len(words) / sentences) - 84.6 * (syllable_total / len(words))


def prose_of_markdown(markdown_text: str) -> str:
    """The readable words of a Markdown body: no markup, links reduced to their text."""
    text = re.sub(r"^\s*>\s?", "", markdown_text, flags=re.M)
    text = re.sub(r"\[!\w+\]\s*", "", text)
    text = re.sub(r"^Topics:.*$", "", text, flags=re.M)
    text = re.sub(r"\[\[[^|\]]+\|([^\]]+)\]\]", r"\1", text)
    text = re.sub(r"\[\[([^\]]+)\]\]", lambda m: m.group(1).replace("-", " "), text)
    text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", text)
    text = re.sub(r"^#+\s*(.*)$", r"\1.", text, flags=re.M)
    text = re.sub(r"^\s*(?:[-*+]|\d+\.)\s+(.*?)([.!?:]?)$", r"\1.", text, flags=re.M)
    return re.sub(r"[*_`]", "", text)
