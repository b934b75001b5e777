"""Everything that needs the whole site: run once at all_generators_finalized.

Every file has been read by then (chapters, pages, topics, and FAQ entries
when the faq plugin is installed), and nothing has been written yet. In
order: check the slugs, resolve wiki links everywhere, work out related
reading and backlinks, add first-mention links to chapters, and file the
content under its topics.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from pelican.generators import ArticlesGenerator, PagesGenerator

from . import validation
from .registry import TopicGenerator, attach_content
from .related import ReadingItem, Shortlist, backlinks, inbound, related_reading
from .validation import SourceFile, did_you_mean, display_path, report
from .wikilinks import Resolution, WikiLink, placeholders, resolve

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Target:
    """What a wiki link can point to."""

    slug: str
    title: str
    url: str | None  # None: known, but not in this build
    state: str  # "ok", "draft" (not published), "unbuilt" (its plugin is not installed)


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

    def targets(self) -> dict[str, Target]:
        found: dict[str, Target] = {}
        for content in [*self.pages, *self.topics, *self.chapters]:
            ok = self.published(content)
            found.setdefault(content.slug, Target(
                content.slug, content.title, content.url if ok else None, "ok" if ok else "draft",
            ))
        entries = {entry.slug: entry for entry in self.faq_entries or []}
        for faq in self.faq_files:
            entry = entries.get(faq.slug)
            if entry is not None:
                found.setdefault(faq.slug, Target(faq.slug, entry.title, entry.url, "ok"))
            else:
                state = "unbuilt" if self.faq_entries is None else "draft"
                found.setdefault(faq.slug, Target(faq.slug, faq.title, None, state))
        return found

    def readable(self) -> list:
        """Chapters and FAQ entries, the pages that get related reading."""
        return [*self.chapters, *(self.faq_entries or [])]


def link_site(generators: list) -> None:
    validation.cache_clear()
    site = Site(generators)
    check(site)
    links = resolve_wiki_links(site)
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


def resolve_wiki_links(site: Site) -> set[tuple[str, str]]:
    """Resolve every placeholder; return (source slug, target slug) for chapters and questions."""
    targets = site.targets()
    links: set[tuple[str, str]] = set()
    readable = {id(content) for content in site.readable()}
    for content in [*site.chapters, *site.pages, *site.topics, *(site.faq_entries or [])]:
        path = display_path(content.source_path)
        resolver = _resolver(targets, path, site.siteurl, report_errors=True)
        original = content._content
        html = resolve(original, resolver)
        if html is not original:
            set_content(content, html)
        summary = getattr(content, "_summary", None)
        if summary and "wiki:" in summary:
            set_summary(content, resolve(summary, resolver))
        if id(content) in readable:
            links |= {(content.slug, link.slug) for link in placeholders(original)}
            links |= {(content.slug, slug) for slug in getattr(content, "related", []) or []}
    quiet = _resolver(targets, "", site.siteurl, report_errors=False)
    for card in site.tip_cards:
        # The deck shows card bodies copied from the Markdown tree: their wiki links
        # are the chapter's, already reported there.
        if "wiki:" in card.body_source:
            card.body_source = resolve(card.body_source, quiet)
    return links


def _resolver(targets: dict[str, Target], path: str, siteurl: str, report_errors: bool):
    def resolver(link: WikiLink) -> Resolution | None:
        target = targets.get(link.slug)
        if target is None:
            if report_errors:
                report(path, link.line, f'unknown wiki link "{link.slug}"{did_you_mean(link.slug, targets)}')
            return None
        if target.url is None:
            if report_errors and target.state == "draft":
                report(path, link.line, f'wiki link "{link.slug}" points to a draft, which is not published')
            return Resolution(None, target.title)
        return Resolution(f"{siteurl}/{target.url}", target.title)

    return resolver


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


def set_content(content, html: str) -> None:
    """Replace a content's HTML. Nothing has read ``content.content`` yet (Pelican memoises
    it on first read, when templates render), so nothing is stale."""
    content._content = html


def set_summary(content, html: str) -> None:
    content._summary = html
    content.metadata["summary"] = html


def _find(generators: list, kind: type):
    return next((g for g in generators if isinstance(g, kind)), None)


def check_output(pelican) -> None:
    """A last guard: no wiki placeholder may reach the written site.

    Content that another plugin copied before all_generators_finalized would
    still hold placeholders; better a failed build than a dead link.
    """
    output = Path(pelican.output_path)
    for path in sorted(output.rglob("*.html")):
        if 'href="wiki:' in path.read_text(encoding="utf-8", errors="replace"):
            logger.error("%s: an unresolved wiki link reached the output (a plugin copied content "
                         "before topic_links resolved it)", display_path(str(path)))
