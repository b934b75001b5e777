"""The guide as a book: chapters in order, grouped into parts, with neighbours."""

from __future__ import annotations

import html
import logging
import math
from collections.abc import Iterator
from dataclasses import dataclass, field

from guide_core.problems import display_path

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
    """Reading time and the contents (its h2 with ids) for each chapter, from what the
    Markdown tree recorded (the toc extension's tokens, the word count)."""
    speed = generator.settings.get("READING_SPEED", 220)
    for chapter in [*generator.articles, *generator.drafts]:
        words = getattr(chapter, "word_count", 0)
        chapter.reading_minutes = max(1, math.ceil(words / speed))
        cards = {f"{card.id}-title" for card in getattr(chapter, "card_records", None) or []}
        chapter.toc = contents(getattr(chapter, "toc_tokens", None) or [], cards)


def contents(tokens: list[dict], leave_out: set[str]) -> list[dict]:
    """The sections (h2) of the toc extension's tokens, in order, but tip-card titles.
    The chapter's contents list these; nothing shows an h3."""
    return [
        {"level": token["level"], "id": token["id"], "title": " ".join(html.unescape(token["name"]).split())}
        for token in walk(tokens)
        if token["level"] == 2 and token["id"] not in leave_out
    ]


def walk(tokens: list[dict]) -> Iterator[dict]:
    for token in tokens:
        yield token
        yield from walk(token.get("children", []))
