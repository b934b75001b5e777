"""The FAQ generator: content/faq/*.md -> /faq/ and /faq/<slug>/.

Modelled on Pelican's PagesGenerator: files are read through Pelican's
readers (so content_model's reader checks their metadata and reports
``path:line: message``), a file that cannot be read is recorded as failed and
the build carries on, and output goes through the writer. What this generator
checks itself needs more than one file: duplicate slugs, and Related slugs
that name no chapter.
"""

from __future__ import annotations

import logging
from pathlib import Path

from guide_core.problems import did_you_mean, display_path
from pelican.contents import SkipStub
from pelican.generators import CachingGenerator

from .model import (
    FaqEntry,
    entry_key,
    group_entries,
    metadata_line,
    read_topic_titles,
    related_questions,
    topic_ranks,
)
from .structured_data import faq_page_json

logger = logging.getLogger(__name__)

FAQ_FOLDER = "faq"
TOPICS_FOLDER = "topics"
FAQ_URL, FAQ_SAVE_AS = "faq/", "faq/index.html"


def report(entry: FaqEntry, key: str, message: str, *args) -> None:
    text = Path(entry.source_path).read_text(encoding="utf-8")
    logger.error("%s:%d: " + message, display_path(entry.source_path), metadata_line(text, key), *args)


class FaqGenerator(CachingGenerator):
    """Reads FAQ entries, groups them by topic and writes the FAQ pages."""

    def __init__(self, *args, **kwargs) -> None:
        self.all_entries: list[FaqEntry] = []  # every readable entry, drafts included
        self.entries: list[FaqEntry] = []  # what is published (plus drafts in preview), sorted
        self.groups = []
        self.topic_titles: dict[str, str] = {}
        super().__init__(*args, **kwargs)

    def generate_context(self) -> None:
        self.all_entries = self.read_entries()
        preview = self.settings.get("PREVIEW_DRAFTS", False)
        self.entries = sorted(
            (e for e in self.all_entries if e.status == "published" or (preview and e.status == "draft")),
            key=entry_key,
        )
        # Chapters were read by the articles generator, which runs first.
        chapters = self.context.get("chapters", self.context.get("articles", []))
        self.link_chapters(chapters)
        # Only entries sharing a topic can be related: look at those, not at every entry.
        by_topic: dict[str, list[FaqEntry]] = {}
        for entry in self.entries:
            for slug in entry.topics:
                by_topic.setdefault(slug, []).append(entry)
        for entry in self.entries:
            sharing = {id(other): other for slug in entry.topics for other in by_topic[slug]}
            entry.related_questions = related_questions(entry, sharing.values())
        self.topic_titles = read_topic_titles(Path(self.path) / TOPICS_FOLDER)
        self.groups = group_entries(self.entries, self.topic_titles, topic_ranks(chapters))
        self.context["faq_entries"] = self.entries
        self.context["faq_groups"] = self.groups
        self.save_cache()
        self.readers.save_cache()

    def read_entries(self) -> list[FaqEntry]:
        """Every readable entry with a unique slug, drafts included, in file order."""
        # Slugs are unique across all content types; chapters and pages are read by now.
        elsewhere = {
            content.slug: content.source_path
            for content in self.context["generated_content"].values()
            if content is not None and getattr(content, "slug", None)
        }
        by_slug: dict[str, FaqEntry] = {}
        for path in sorted(self.get_files([FAQ_FOLDER], extensions=["md"])):
            entry = self.get_cached_data(path, None)
            if entry is None:
                try:
                    entry = self.readers.read_file(
                        base_path=self.path, path=path, content_class=FaqEntry, context=self.context
                    )
                except Exception:
                    logger.exception("Could not process %s", path, exc_info=self.settings.get("DEBUG", False))
                    self._add_failed_source_path(path)
                    continue
                if isinstance(entry, SkipStub):
                    continue
                if entry.status not in FaqEntry.allowed_statuses:
                    # Pelican would say so too, but without the line.
                    report(entry, "status", 'Status "%s" of an FAQ entry must be "draft" or left out',
                           entry.status)
                    self._add_failed_source_path(path)
                    continue
                # Without a title there is no question; the reader has said so with the line.
                if not getattr(entry, "title", "") or not entry.is_valid():
                    self._add_failed_source_path(path)
                    continue
                self.cache_data(path, entry)
            twin = by_slug.get(entry.slug)
            other = twin.source_path if twin else elsewhere.get(entry.slug)
            if other:
                kind = "FAQ slug" if twin else "slug"
                report(entry, "slug", 'duplicate %s "%s" (also used by %s)',
                       kind, entry.slug, display_path(other))
                self._add_failed_source_path(path)
                continue
            by_slug[entry.slug] = entry
            self.add_source_path(entry)
            self.add_static_links(entry)
        return list(by_slug.values())

    def link_chapters(self, chapters: list) -> None:
        """Point each entry at the chapter that goes deeper (its first Related)."""
        by_slug = {chapter.slug: chapter for chapter in chapters}
        for entry in self.entries:
            for slug in entry.related:
                if slug not in by_slug:
                    report(entry, "related", 'Related "%s" is not a published chapter%s',
                           slug, did_you_mean(slug, by_slug))
            entry.chapter = by_slug.get(entry.related[0]) if entry.related else None

    def generate_output(self, writer) -> None:
        relative_urls = self.settings["RELATIVE_URLS"]
        writer.write_file(
            FAQ_SAVE_AS,
            self.get_template("faq"),
            self.context,
            relative_urls=relative_urls,
            url=FAQ_URL,
            page_name="faq",
            topic_titles=self.topic_titles,
            # In the order the questions appear on the page.
            faq_jsonld=faq_page_json(entry for group in self.groups for entry in group.entries),
        )
        for entry in self.entries:
            writer.write_file(
                entry.save_as,
                self.get_template(entry.template),
                self.context,
                relative_urls=relative_urls,
                url=entry.url,
                entry=entry,
                topic_titles=self.topic_titles,
                faq_jsonld=faq_page_json([entry]),
            )

    def refresh_metadata_intersite_links(self) -> None:
        for entry in self.all_entries:
            entry.refresh_metadata_intersite_links()
