"""FAQ entries, the topic groups they are listed in, and their related questions.

Pure functions over entries that the generator has already read and checked,
so the order of /faq/ and of each entry's related questions can be tested
without building a site.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from guide_core.frontmatter import read_front_matter, topic_titles
from pelican.contents import Content

ENTRY_URLS = {"url": "faq/{slug}/", "save_as": "faq/{slug}/index.html"}
OTHER_GROUP = ("", "More questions")


class FaqEntry(Content):
    """One question and its answer, read from content/faq/<file>.md."""

    # A missing title is reported by content_model's reader as path:line;
    # Pelican's own check would log it a second time, without the line.
    mandatory_properties = ()
    allowed_statuses = ("published", "draft")
    default_status = "published"
    default_template = "faq_entry"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Optional list fields are absent from the metadata when not written.
        self.topics = list(getattr(self, "topics", []))
        self.related = list(getattr(self, "related", []))
        self.chapter = None  # the chapter that goes deeper (first Related), set by the generator
        self.related_questions: list[FaqEntry] = []

    def _expand_settings(self, key: str) -> str:
        # Fixed by ARCHITECTURE.md rather than a setting. Drafts are only
        # written in preview, where they live at their final URL. Kept once made:
        # templates ask for an entry's URL on every page that lists it.
        expanded = self.__dict__.setdefault("_expanded_urls", {})
        if key not in expanded:
            expanded[key] = ENTRY_URLS[key].format(**self.url_format)
        return expanded[key]


@dataclass
class FaqGroup:
    """The questions whose first topic is ``slug``, as one section of /faq/."""

    slug: str
    title: str
    entries: list = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"topic-{self.slug}" if self.slug else "more-questions"


def entry_key(entry: FaqEntry) -> tuple[str, str]:
    return (entry.title.casefold(), entry.slug)


def group_entries(
    entries: Iterable[FaqEntry], topic_titles: dict[str, str], topic_rank: dict[str, int]
) -> list[FaqGroup]:
    """Entries grouped by their first topic.

    Groups follow the guide: a topic comes where the first chapter naming it
    comes (``topic_rank``), so "what is it" questions lead; topics no chapter
    names follow by title. Entries within a group are sorted by question.
    """
    groups: dict[str, FaqGroup] = {}
    for entry in sorted(entries, key=entry_key):
        slug = entry.topics[0] if entry.topics else OTHER_GROUP[0]
        title = topic_titles.get(slug) or (slug.replace("-", " ").capitalize() if slug else OTHER_GROUP[1])
        groups.setdefault(slug, FaqGroup(slug, title)).entries.append(entry)
    unranked = len(topic_rank) + 1
    return sorted(
        groups.values(),
        key=lambda g: (not g.slug, topic_rank.get(g.slug, unranked), g.title.casefold()),
    )


def related_questions(entry: FaqEntry, entries: Iterable[FaqEntry], limit: int = 5) -> list[FaqEntry]:
    """Other entries sharing a topic with ``entry``.

    Most topics shared first; then those sharing the topic ``entry`` names
    earliest (its main subject); then by question, so the list is stable.
    """
    scored = []
    for other in entries:
        shared = [position for position, slug in enumerate(entry.topics) if slug in other.topics]
        if other is not entry and shared:
            scored.append(((-len(shared), shared[0], *entry_key(other)), other))
    return [other for _, other in heapq.nsmallest(limit, scored, key=lambda pair: pair[0])]


def topic_ranks(chapters: Iterable) -> dict[str, int]:
    """Topic slug -> position of the first chapter (in guide order) that names it."""
    ranks: dict[str, int] = {}
    for position, chapter in enumerate(chapters):
        for slug in getattr(chapter, "topics", []):
            ranks.setdefault(slug, position)
    return ranks


def read_topic_titles(folder: Path) -> dict[str, str]:
    """Topic slug -> Title, from the metadata block of each topics/*.md (guide_core's one
    front-matter parser; topic_links reads and checks these files through Pelican)."""
    return topic_titles(folder)


def metadata_line(text: str, key: str) -> int:
    """Line number of ``key`` in the metadata block (1 when it is not there)."""
    return read_front_matter(text).lines.get(key.lower(), 1)
