"""A search document: one place a reader can land on (a page, a section, a question, a tip card)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class SearchDocument:
    url: str  # relative to the site root: "guide/building-trust/#keep-small-promises"
    title: str
    kind: str  # a guide_core.kinds name: chapter, question, tip, topic, page
    text: str
    page: str = ""  # the title of the page a section or tip card belongs to
    keywords: str = ""  # indexed with the text, never shown (a topic's aliases)
