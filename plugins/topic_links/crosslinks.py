"""Everything that needs the whole site: run once at all_generators_finalized.

Every file has been read by then (chapters, pages, topics, and FAQ entries
when the faq plugin is installed), and nothing has been written yet. In
order: check the slugs, work out related reading and backlinks (from the wiki
links and Related entries the tree recorded), and file the content under its
topics. Wiki links and first mentions were already made in the Markdown tree.
"""

from __future__ import annotations

import logging
from pathlib import Path

from pelican.generators import ArticlesGenerator, PagesGenerator

from . import validation
from .registry import TopicGenerator, attach_content
from .related import ReadingItem, Shortlist, backlinks, inbound, related_reading
from .validation import SourceFile, display_path

logger = logging.getLogger(__name__)


class Site:
    """The content of this build, gathered from the generators and the context."""

    def __init__(self, generators: list) -> None:
        articles = _find(generators, ArticlesGenerator)
        pages = _find(generators, PagesGenerator)
        topics = _find(generators, TopicGenerator)
        self.settings = articles.settings
        self.context = articles.context
        self.preview = bool(self.settings.get("PREVIEW_DRAFTS"))
        self.siteurl = self.settings.get("SITEURL", "")
        self.chapters = [*articles.articles, *articles.hidden_articles, *articles.drafts]
        self.pages = [*pages.pages, *pages.hidden_pages, *pages.draft_pages]
        self.topics = topics.topics if topics else []
        self.faq_entries = self.context.get("faq_entries")  # None: no faq plugin
        self.tip_cards = self.context.get("tip_cards") or []
        root = Path(self.settings["PATH"])
        self.faq_files = [
            validation.scan(str(path), "question")
            for folder in self.settings.get("FAQ_PATHS", ["faq"])
            for path in sorted((root / folder).glob("*.md"))
        ]

    def published(self, content) -> bool:
        return content.status in ("published", "hidden") or (self.preview and content.status == "draft")

    def sources(self) -> list[SourceFile]:
        def source(content, kind: str) -> SourceFile:
            return SourceFile(
                path=display_path(content.source_path), kind=kind, slug=content.slug,
                title=content.title, status=content.status,
                topics=list(getattr(content, "topics", []) or []),
                related=list(getattr(content, "related", []) or []),
            )

        return [
            *(source(c, "chapter") for c in self.chapters),
            *self.faq_files,
            *(source(t, "topic") for t in self.topics),
            *(source(p, "page") for p in self.pages),
        ]

    def readable(self) -> list:
        """Chapters and FAQ entries, the pages that get related reading."""
        return [*self.chapters, *(self.faq_entries or [])]


def link_site(generators: list) -> None:
    validation.cache_clear()
    site = Site(generators)
    check(site)
    links = wiki_links(site)
    add_related_reading(site, links)
    attach_content(site.topics, site.context)


def check(site: Site) -> None:
    sources = site.sources()
    topic_slugs = {topic.slug for topic in site.topics}
    # The faq plugin reports an FAQ slug that a chapter, a page or another
    # question already uses, and the Related of FAQ entries; tip_cards
    # reports unknown topics on cards. Each mistake is reported once.
    faq_checks_itself = site.faq_entries is not None
    validation.check_unique_slugs(sources, skip=_faq_pair if faq_checks_itself else None)
    validation.check_topic_names([s for s in sources if s.kind in ("chapter", "question", "topic")],
                                 topic_slugs)
    validation.check_related(sources)
    used = {
        slug
        for source in sources if source.kind in ("chapter", "question") and source.status != "draft"
        for slug in source.topics
    }
    used |= {slug for card in site.tip_cards for slug in getattr(card, "topics", [])}
    validation.check_unused([s for s in sources if s.kind == "topic"], used)


def _faq_pair(a: SourceFile, b: SourceFile) -> bool:
    return "question" in (a.kind, b.kind) and "topic" not in (a.kind, b.kind)


def wiki_links(site: Site) -> set[tuple[str, str]]:
    """(source slug, target slug) for each wiki link and Related entry of chapters and questions.

    The links themselves were resolved in the Markdown tree as each file was read
    (wikilinks.py); the reader recorded the slugs each page links to.
    """
    links: set[tuple[str, str]] = set()
    for content in site.readable():
        links |= {(content.slug, slug) for slug in getattr(content, "wiki_links", None) or []}
        links |= {(content.slug, slug) for slug in getattr(content, "related", []) or []}
    return links


def reading_item(content, kind: str, rank: int) -> ReadingItem:
    return ReadingItem(
        slug=content.slug, title=content.title, url=content.url, kind=kind,
        topics=tuple(getattr(content, "topics", []) or []), rank=rank,
    )


def add_related_reading(site: Site, links: set[tuple[str, str]]) -> None:
    chapters = site.context.get("chapters", [])
    entries = site.faq_entries or []
    items = [reading_item(c, "chapter", rank) for rank, c in enumerate(chapters)]
    items += [reading_item(e, "question", len(chapters) + rank) for rank, e in enumerate(entries)]
    by_slug = {item.slug: item for item in items}
    sizes: dict[str, int] = {}
    for item in items:
        for slug in item.topics:
            sizes[slug] = sizes.get(slug, 0) + 1
    related_topics: dict[str, set[str]] = {}
    for topic in site.topics:
        for other in topic.related:
            related_topics.setdefault(topic.slug, set()).add(other)
            related_topics.setdefault(other, set()).add(topic.slug)
    minimum = site.settings.get("RELATED_READING_MIN", 3)
    maximum = site.settings.get("RELATED_READING_MAX", 5)
    shortlist = Shortlist(items, links, related_topics)
    sources = inbound(links)
    questions = {id(entry) for entry in entries}
    for content in site.readable():
        kind = "question" if id(content) in questions else "chapter"
        subject = by_slug.get(content.slug) or reading_item(content, kind, len(items))
        editor = getattr(content, "related", []) or []
        content.related_reading = related_reading(
            subject, editor, shortlist.candidates(subject, editor, minimum), links, sizes, minimum, maximum,
            related_topics,
        )
        content.backlinks = backlinks(content.slug, sources, by_slug)


def _find(generators: list, kind: type):
    return next((g for g in generators if isinstance(g, kind)), None)
