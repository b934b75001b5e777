"""Wiki links: ``[[slug]]`` and ``[[slug|link text]]`` in any Markdown.

A slug names a chapter, an FAQ entry, a topic or a page. It can only be
resolved once every file has been read, so the Markdown extension writes a
placeholder link that ``resolve()`` turns into the real one at
all_generators_finalized:

    [[building-trust|Trust]]
      -> <a data-wiki-line="12" href="wiki:building-trust">Trust</a>
    [[building-trust]]
      -> <a data-wiki-line="12" data-wiki-title="" href="wiki:building-trust">building-trust</a>

``[[slug]]`` without text takes the target's title. The placeholder is not
Pelican's ``{...}`` link syntax on purpose: Pelican warns about an indicator
it does not know each time content is read, and other plugins read chapters
before the links can be resolved.

Line numbers: the ``meta`` preprocessor (priority 27) removes the metadata
block, so a preprocessor that runs before it sees the file's own lines. It
tags each ``[[`` with its line; the inline pattern moves the tag into
``data-wiki-line`` and a postprocessor drops the tags left in code spans and
blocks, where a wiki link stays literal text. Write ``\\[[`` for a literal
``[[`` in prose.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from xml.etree import ElementTree as etree

from markdown import Extension, Markdown
from markdown.inlinepatterns import InlineProcessor
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor
from markdown.util import AtomicString

# A line tag, in Unicode's private use area so no editor ever types it.
TAG_OPEN, TAG_CLOSE = "\ue000", "\ue001"
LINE_TAG = re.compile(f"{TAG_OPEN}(\\d+){TAG_CLOSE}")
META_LINE = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):")
PLACEHOLDER = re.compile(r'<a (?P<attrs>[^>]*\bhref="wiki:[^"]*"[^>]*)>(?P<text>.*?)</a>', re.S)
ATTRIBUTE = re.compile(r'(?P<name>[\w-]+)="(?P<value>[^"]*)"')


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
    """``[[slug]]`` or ``[[slug|text]]`` -> a placeholder link."""

    PATTERN = rf"\[\[(?:{TAG_OPEN}(\d+){TAG_CLOSE})?([^\[\]|]+?)(?:\|([^\[\]]+?))?\]\]"
    ANCESTOR_EXCLUDES = ("a",)

    def handleMatch(self, m: re.Match, data: str) -> tuple[etree.Element, int, int]:
        line, slug, text = m.group(1) or "1", m.group(2).strip(), (m.group(3) or "").strip()
        link = etree.Element("a")
        link.set("href", "wiki:" + slug)
        link.set("data-wiki-line", line)
        if text:
            link.text = text
        else:
            link.set("data-wiki-title", "")
            link.text = AtomicString(slug)
        return link, m.start(0), m.end(0)


class TagRemover(Postprocessor):
    """Drop the line tags that code spans and code blocks kept."""

    def run(self, text: str) -> str:
        return LINE_TAG.sub("", text) if TAG_OPEN in text else text


class WikiLinkExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        md.preprocessors.register(LineTagger(md), "wiki_line_tagger", 29)
        md.inlinePatterns.register(WikiLinkProcessor(WikiLinkProcessor.PATTERN, md), "wiki_link", 155)
        md.postprocessors.register(TagRemover(md), "wiki_line_tags", 5)


@dataclass(frozen=True)
class WikiLink:
    """One placeholder found in rendered HTML."""

    slug: str
    line: int
    text: str  # inner HTML as written, or "" when the target's title is wanted


@dataclass(frozen=True)
class Resolution:
    """What a placeholder becomes: a link, or text only (target not built)."""

    url: str | None
    title: str


def placeholders(content: str) -> Iterator[WikiLink]:
    for match in PLACEHOLDER.finditer(content or ""):
        yield _wiki_link(match)


def resolve(content: str, resolver: Callable[[WikiLink], Resolution | None]) -> str:
    """Replace every placeholder by what ``resolver`` says; None leaves the text only."""
    if not content or "wiki:" not in content:
        return content

    def replace(match: re.Match) -> str:
        link = _wiki_link(match)
        target = resolver(link)
        text = link.text or html.escape(target.title if target else link.slug, quote=False)
        if target is None or target.url is None:
            return text
        return f'<a href="{html.escape(target.url)}">{text}</a>'

    return PLACEHOLDER.sub(replace, content)


def _wiki_link(match: re.Match) -> WikiLink:
    attrs = {a["name"]: html.unescape(a["value"]) for a in ATTRIBUTE.finditer(match["attrs"])}
    text = "" if "data-wiki-title" in attrs else match["text"]
    return WikiLink(attrs["href"][len("wiki:"):], int(attrs.get("data-wiki-line", "1")), text)
