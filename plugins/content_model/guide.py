"""The guide as a book: chapters in order, grouped into parts, with neighbours."""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator
from dataclasses import dataclass, field

import lxml.html

from .reader import display_path

logger = logging.getLogger(__name__)


@dataclass
class Part:
    name: str
    chapters: list = field(default_factory=list)
    number: int = 0

    @property
    def slug(self) -> str:
        return "part-" + "-".join(self.name.lower().split())


def chapter_key(article) -> tuple:
    return (getattr(article, "order", 0), article.slug)


def order_guide(generator) -> None:
    """Sort chapters by Order, group them into parts, link neighbours."""
    chapters = list(generator.articles)
    if generator.settings.get("PREVIEW_DRAFTS"):
        chapters += generator.drafts
    chapters.sort(key=chapter_key)
    generator.articles = [c for c in chapters if c.status != "draft"]
    seen: dict[int, object] = {}
    for chapter in chapters:
        other = seen.setdefault(chapter.order, chapter)
        if other is not chapter:
            logger.error(
                "%s:1: Order %d is also used by %s",
                display_path(chapter.source_path), chapter.order, display_path(other.source_path),
            )
    parts: dict[str, Part] = {}
    for chapter in chapters:
        parts.setdefault(chapter.part, Part(chapter.part)).chapters.append(chapter)
    for number, part in enumerate(parts.values(), 1):
        part.number = number
        for chapter in part.chapters:
            chapter.part_number = number
    for previous, chapter in zip([None, *chapters], chapters):
        chapter.previous_chapter = previous
        if previous is not None:
            previous.next_chapter = chapter
    if chapters:
        chapters[-1].next_chapter = None
    generator.context["guide_parts"] = list(parts.values())
    generator.context["chapters"] = chapters


def add_reading_aids(generator) -> None:
    """Reading time and a table of contents (h2/h3 with ids) for each chapter."""
    speed = generator.settings.get("READING_SPEED", 220)
    for chapter in [*generator.articles, *generator.drafts]:
        # _content, not content: reading .content here would freeze intrasite links before
        # all generators have run (Pelican caches them on first read).
        words, toc = reading_aids(chapter._content)
        chapter.word_count = words
        chapter.reading_minutes = max(1, math.ceil(words / speed))
        chapter.toc = toc


def reading_aids(html: str) -> tuple[int, list[dict]]:
    """The number of words in a chapter's HTML and its contents: h2/h3 with an id,
    outside tip cards (asides) and sections. Only read, so lxml parses it."""
    if not html.strip():
        return 0, []
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    words = len(" ".join(strings(root)).split())
    toc = [
        {"level": int(h.tag[1]), "id": h.get("id"), "title":
         " ".join(filter(None, map(str.strip, strings(h))))}
        for h in root.iter("h2", "h3")
        if h.get("id") and not any(a.tag in ("aside", "section") for a in h.iterancestors())
    ]
    return words, toc


def strings(element) -> Iterator[str]:
    """The text pieces of an element in document order, as BeautifulSoup's
    get_text sees them (comments left out)."""
    if element.text and isinstance(element.tag, str):
        yield element.text
    for child in element:
        if isinstance(child.tag, str):
            yield from strings(child)
        if child.tail:
            yield child.tail
