"""Wiki links: ``[[slug]]`` and ``[[slug|link text]]`` in any Markdown.

A slug names a chapter, an FAQ entry, a topic or a page. Every file's slug,
title and status are known from the front matter before any file is read
(``targets``, at ``initialized``), so the inline pattern resolves a link in
the Markdown tree as the file is read:

    [[building-trust|Trust]]  -> <a href="/guide/building-trust/">Trust</a>
    [[building-trust]]        -> <a href="/guide/building-trust/">Building trust</a>

A link to a draft (outside a preview) or to an FAQ entry when the faq plugin
is not installed shows its text only; an unknown slug is an error with a
"did you mean", and a link to a draft is an error too, both as ``path:line``.
The slugs a page links to are recorded (``md.wiki_links``) for related
reading and backlinks.

Line numbers: the ``meta`` preprocessor (priority 27) removes the metadata
block, so a preprocessor that runs before it sees the file's own lines. It
tags each ``[[`` with its line; the inline pattern reads the tag and a
postprocessor drops the tags left in code spans and blocks, where a wiki link
stays literal text. Write ``\\[[`` for a literal ``[[`` in prose.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as etree

from guide_core.frontmatter import front_matters
from guide_core.problems import did_you_mean
from markdown import Extension, Markdown
from markdown.inlinepatterns import InlineProcessor
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor
from markdown.util import AtomicString

logger = logging.getLogger(__name__)

# A line tag, in Unicode's private use area so no editor ever types it.
TAG_OPEN, TAG_CLOSE = "\ue000", "\ue001"
LINE_TAG = re.compile(f"{TAG_OPEN}(\\d+){TAG_CLOSE}")
META_LINE = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):")


@dataclass(frozen=True)
class Target:
    """What a wiki link can point to."""

    slug: str
    title: str
    url: str | None  # None: known, but not in this build
    state: str  # "ok", "draft" (not published), "unbuilt" (its plugin is not installed)


def targets(settings: dict) -> dict[str, Target]:
    """Every slug a wiki link may name, from the front matter of every content file."""
    root = Path(settings["PATH"])
    preview = bool(settings.get("PREVIEW_DRAFTS"))
    siteurl = settings.get("SITEURL", "")
    faq_built = "faq" in [str(p) for p in settings.get("PLUGINS", [])]
    folders = [
        *((folder, "page", settings.get("PAGE_URL", "{slug}/"))
          for folder in settings.get("PAGE_PATHS", ["pages"])),
        *((folder, "topic", settings.get("TOPIC_URL", "topics/{slug}/"))
          for folder in settings.get("TOPIC_PATHS", ["topics"])),
        *((folder, "chapter", settings.get("ARTICLE_URL", "{slug}/"))
          for folder in settings.get("ARTICLE_PATHS", ["articles"])),
        *((folder, "question", "faq/{slug}/") for folder in settings.get("FAQ_PATHS", ["faq"])),
    ]
    found: dict[str, Target] = {}
    for folder, kind, pattern in folders:
        for path, front in front_matters(root / folder):
            slug = front.value("slug") or path.stem
            draft = front.value("status").lower() == "draft" and not preview
            if kind == "question" and not faq_built:
                state = "unbuilt"
            else:
                state = "draft" if draft else "ok"
            url = f"{siteurl}/{pattern.format(slug=slug)}" if state == "ok" else None
            found.setdefault(slug, Target(slug, " ".join(front.value("title").split()) or slug, url, state))
    return found


class LineTagger(Preprocessor):
    """Tag every ``[[`` with the number of the line it is on."""

    # Metadata values are not Markdown, except the formatted Summary.
    FORMATTED_KEYS = ("summary",)

    def run(self, lines: list[str]) -> list[str]:
        in_metadata = bool(lines) and bool(META_LINE.match(lines[0]))
        tagged = []
        for number, line in enumerate(lines, 1):
            if in_metadata and not line.strip():
                in_metadata = False
            key = META_LINE.match(line) if in_metadata else None
            if "[[" in line and (not in_metadata or (key and key["key"].lower() in self.FORMATTED_KEYS)):
                line = re.sub(rf"\[\[(?!{TAG_OPEN})", f"[[{TAG_OPEN}{number}{TAG_CLOSE}", line)
            tagged.append(line)
        return tagged


class WikiLinkProcessor(InlineProcessor):
    """``[[slug]]`` or ``[[slug|text]]`` -> a link to the target, or its text only."""

    # Every match holds this (content_model/inline.py skips the pattern for text without it).
    needs = ("[[",)
    PATTERN = rf"\[\[(?:{TAG_OPEN}(\d+){TAG_CLOSE})?([^\[\]|]+?)(?:\|([^\[\]]+?))?\]\]"
    ANCESTOR_EXCLUDES = ("a",)

    def __init__(self, pattern: str, md: Markdown, known: dict[str, Target]):
        super().__init__(pattern, md)
        self.known = known

    def handleMatch(self, m: re.Match, data: str):
        line, slug, text = int(m.group(1) or 1), m.group(2).strip(), (m.group(3) or "").strip()
        target = self.known.get(slug)
        if target is None:
            self.error(line, f'unknown wiki link "{slug}"{did_you_mean(slug, self.known)}')
        elif target.state == "draft":
            self.error(line, f'wiki link "{slug}" points to a draft, which is not published')
        if target is not None and target.state == "ok":
            self.md.wiki_links.append(slug)
        if target is None or target.url is None:
            return (text or AtomicString(target.title if target else slug)), m.start(0), m.end(0)
        link = etree.Element("a", {"href": target.url})
        link.text = text or AtomicString(target.title)
        return link, m.start(0), m.end(0)

    def error(self, line: int, message: str) -> None:
        logger.error("%s:%d: %s", getattr(self.md, "source_path", "<markdown>"), line, message)


class LinkRecorder(Preprocessor):
    """Start each conversion with no links recorded (Pelican reuses one instance for the Summary)."""

    def run(self, lines: list[str]) -> list[str]:
        self.md.wiki_links = []
        return lines


class TagRemover(Postprocessor):
    """Drop the line tags that code spans and code blocks kept."""

    def run(self, text: str) -> str:
        return LINE_TAG.sub("", text) if TAG_OPEN in text else text


class WikiLinkExtension(Extension):
    def __init__(self, known: dict[str, Target] | None = None):
        super().__init__()
        self.known = known or {}

    def extendMarkdown(self, md: Markdown) -> None:
        md.preprocessors.register(LineTagger(md), "wiki_line_tagger", 29)
        md.preprocessors.register(LinkRecorder(md), "wiki_links", 30)
        links = WikiLinkProcessor(WikiLinkProcessor.PATTERN, md, self.known)
        md.inlinePatterns.register(links, "wiki_link", 155)
        md.postprocessors.register(TagRemover(md), "wiki_line_tags", 5)
        md.wiki_links = []
