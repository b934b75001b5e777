"""Tip cards: GitHub-style alert blockquotes that become cards.

An editor writes a blockquote whose first line is a marker and a title; an
optional second line names topics; the rest is the card's body, in any
Markdown::

    > [!TIP] Put the phones in a drawer
    > Topics: quality-time, communication
    > Agree on one screen-free hour each evening.

which renders as::

    <aside class="tip-card tip-card--tip" id="tip-put-the-phones-in-a-drawer"
     aria-labelledby="tip-put-the-phones-in-a-drawer-title" data-kind="tip"
     data-topics="quality-time communication">
    <h3 id="tip-put-the-phones-in-a-drawer-title"><span class="tip-card__kind">Tip<span
     class="visually-hidden">:</span></span> Put the phones in a drawer</h3>
    <a class="tip-card__link" href="#tip-put-the-phones-in-a-drawer"><span
     aria-hidden="true">#</span><span class="visually-hidden">Link to this tip</span></a>
    <div class="tip-card__body">
    <p>Agree on one screen-free hour each evening.</p>
    </div>
    </aside>

GitHub previews the file as an alert (or, for kinds it does not know, as a
plain quote), so the source still reads sensibly there. Unlike GitHub's own
alerts, ours take the title on the marker line. A card without its own topics
carries its page's ``Topics`` in ``data-topics``.

The id is ``tip-`` plus the slug of the title, whatever the kind, so it stays
the same when a card moves or changes kind; two cards with the same id in one
file are an error rather than silently renumbered, which keeps links stable.

Editors' mistakes are logged as ``path:line: message`` (``md.source_path`` is
the file; lines come from a preprocessor that sees the file before the
metadata block is removed) and never raised.
"""

from __future__ import annotations

import copy
import logging
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field

from guide_core.problems import did_you_mean, split_list
from guide_core.tree import text_of
from markdown import Extension, Markdown, util
from markdown.blockparser import BlockParser
from markdown.blockprocessors import BlockProcessor
from markdown.extensions.toc import slugify
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

logger = logging.getLogger(__name__)

# kind (as written, case-insensitive) -> the label readers see.
KINDS = {"tip": "Tip", "try": "Try this together", "caution": "Take care"}
ID_PREFIX = "tip"
# An empty element inside every CAUTION card, replaced by reader_safety's help box.
HELP_MARKER_CLASS = "tip-card__help"
HELP_MARKER = f'<div class="{HELP_MARKER_CLASS}"></div>'


@dataclass
class CardRecord:
    """One card as the Markdown tree has it, copied onto its page (``content.card_records``).

    ``title_html`` and ``body_html`` are rendered from the card's own elements,
    with in-page links pointing back to the page (``#x`` -> ``<page_url>#x``)
    and ids dropped, so the deck can show them on another page. They are
    rendered before the sanitizer; the reader sanitizes them like the body.
    """

    id: str
    kind: str
    title_html: str
    body_html: str
    topics: list[str]  # the card's own, or its page's
    line: int
    title: str = ""  # plain text, set with the sanitized HTML
    text: str = ""  # the body's words, for search


@dataclass
class CardSource:
    """One card as the editor wrote it."""

    line: int
    written_kind: str
    title: str
    topics: list[str]
    body: str

    @property
    def kind(self) -> str:
        return self.written_kind.lower()

    @property
    def id(self) -> str:
        return card_id_for(self.title)


@dataclass
class PageState:
    """What one conversion has seen: marker lines of the source and card ids used."""

    markers: list[tuple[int, str]] = field(default_factory=list)
    next_marker: int = 0
    ids: dict[str, int] = field(default_factory=dict)
    cards: list[tuple[CardSource, etree.Element]] = field(default_factory=list)

    def line_of(self, marker: str) -> int:
        """The source line of the next card whose marker line reads ``marker``.

        Markers are matched in order and by text, so one the preprocessor saw
        but the parser did not take for a card (in an indented code block, say)
        is skipped.
        """
        for index in range(self.next_marker, len(self.markers)):
            line, text = self.markers[index]
            if text == marker:
                self.next_marker = index + 1
                return line
        return self.markers[self.next_marker - 1][0] if self.next_marker else 1


def normalise_marker(text: str) -> str:
    return " ".join(text.split())


class TipCardLinePreprocessor(Preprocessor):
    """Records the line of every ``> [!KIND]`` marker in the original source.

    Registered above ``meta`` (27), so line numbers count the metadata block.
    Markers inside fenced code are examples, not cards, and are left out.
    """

    MARKER_LINE = re.compile(r"^[ \t]*(?:>[ \t]*)+(?P<marker>\[![A-Za-z]+\].*)$")
    FENCE = re.compile(r"^[ \t]*(?P<fence>`{3,}|~{3,})")

    def __init__(self, md: Markdown, state: PageState):
        super().__init__(md)
        self.state = state

    def run(self, lines: list[str]) -> list[str]:
        markers = []
        fence = ""
        for number, line in enumerate(lines, 1):
            if opening := self.FENCE.match(line):
                mark = opening["fence"]
                if not fence:
                    fence = mark
                elif mark[0] == fence[0] and len(mark) >= len(fence):
                    fence = ""
            elif not fence and (match := self.MARKER_LINE.match(line)):
                markers.append((number, normalise_marker(match["marker"])))
        self.state.markers = markers
        self.state.next_marker = 0
        self.state.ids = {}
        self.state.cards = []
        self.md.tip_cards = []
        return lines


class TipCardProcessor(BlockProcessor):
    """Turns a blockquote that opens with ``[!KIND] Title`` into a tip card."""

    CLASSNAME = "tip-card"
    QUOTE = re.compile(r"(^|\n)[ ]{0,3}>[ ]?(.*)")
    MARKER = re.compile(r"^[ \t]*\[!(?P<kind>[A-Za-z]+)\][ \t]*(?P<title>.*?)[ \t]*$")
    TOPICS = re.compile(r"^[ \t]*topics[ \t]*:(?P<topics>.*)$", re.I)
    LINK_NAME = "Link to this tip"

    def __init__(self, parser: BlockParser, state: PageState, known_topics: set[str] | None):
        super().__init__(parser)
        self.state = state
        self.known_topics = known_topics

    def test(self, parent: etree.Element, block: str) -> bool:
        quote = self.QUOTE.search(block)
        return bool(quote and self.MARKER.match(quote.group(2))) and not util.nearing_recursion_limit()

    def run(self, parent: etree.Element, blocks: list[str]) -> None:
        block = blocks.pop(0)
        quote = self.QUOTE.search(block)
        if quote.start() > 0:
            self.parser.parseBlocks(parent, [block[: quote.start()]])
        lines = [self.clean(line) for line in block[quote.end(1):].split("\n")]
        card = self.read(lines)
        if card.kind not in KINDS:
            self.error(card.line, f'unknown tip card kind "{card.written_kind}"'
                                  f"{did_you_mean(card.written_kind.upper(), [k.upper() for k in KINDS])}; "
                                  "the kinds are TIP, TRY and CAUTION")
            self.add_blockquote(parent, "\n".join(lines))
            return
        self.check(card)
        self.add_card(parent, card)

    def read(self, lines: list[str]) -> CardSource:
        """The parts of a card: marker line, optional ``Topics:`` line, body."""
        marker = self.MARKER.match(lines[0])
        body = lines[1:]
        topics: list[str] = []
        if body and (topics_line := self.TOPICS.match(body[0])):
            topics = split_list(topics_line["topics"])
            body = body[1:]
        return CardSource(
            line=self.state.line_of(normalise_marker(lines[0])),
            written_kind=marker["kind"],
            title=marker["title"],
            topics=topics,
            body="\n".join(body),
        )

    def check(self, card: CardSource) -> None:
        """Log each of an editor's mistakes in one card (the card still renders)."""
        if not card.title:
            self.error(card.line, f"the {card.written_kind} card has no title: write it on the marker line, "
                                  f'as in "> [!{card.written_kind}] Put the phones in a drawer"')
        for topic in card.topics:
            if self.known_topics is not None and topic not in self.known_topics:
                self.error(card.line + 1, f'unknown topic "{topic}" in the tip card "{card.title}"'
                                          f"{did_you_mean(topic, self.known_topics)}")
        if not card.body.strip():
            self.error(card.line, f'the tip card "{card.title}" has no body: '
                                  "write it on the lines after the title")
        first = self.state.ids.setdefault(card.id, card.line)
        if card.title and first != card.line:
            self.error(card.line, f'two tip cards have the id "{card.id}" (the other is on line {first}); '
                                  "give one of them a different title")

    def add_card(self, parent: etree.Element, card: CardSource) -> None:
        aside = etree.SubElement(parent, "aside", {
            "class": f"{self.CLASSNAME} {self.CLASSNAME}--{card.kind}",
            "id": card.id,
            "aria-labelledby": f"{card.id}-title",
            "data-kind": card.kind,
            "data-topics": " ".join(card.topics or self.page_topics()),
        })
        heading = etree.SubElement(aside, "h3", {"id": f"{card.id}-title"})
        label = etree.SubElement(heading, "span", {"class": f"{self.CLASSNAME}__kind"})
        label.text = KINDS[card.kind]
        # The colon is for screen readers ("Tip: Put the phones away"); eyes get the layout.
        etree.SubElement(label, "span", {"class": "visually-hidden"}).text = ":"
        label.tail = f" {card.title}"  # inline Markdown in the title is rendered later, as usual
        link = etree.SubElement(aside, "a", {"class": f"{self.CLASSNAME}__link", "href": f"#{card.id}"})
        etree.SubElement(link, "span", {"aria-hidden": "true"}).text = "#"
        etree.SubElement(link, "span", {"class": "visually-hidden"}).text = self.LINK_NAME
        link.tail = "\n"
        body = etree.SubElement(aside, "div", {"class": f"{self.CLASSNAME}__body"})
        # Like a blockquote: paragraphs stay paragraphs even when the card sits in a list.
        self.parser.state.set("tip-card")
        self.parser.parseChunk(body, card.body)
        self.parser.state.reset()
        if card.kind == "caution":
            # Where reader_safety puts the "If you need help now" box, after the sanitizer.
            etree.SubElement(aside, "div", {"class": HELP_MARKER_CLASS}).text = ""
        self.state.cards.append((card, aside))

    def add_blockquote(self, parent: etree.Element, text: str) -> None:
        quote = etree.SubElement(parent, "blockquote")
        self.parser.state.set("blockquote")
        self.parser.parseChunk(quote, text)
        self.parser.state.reset()

    def page_topics(self) -> list[str]:
        meta = getattr(self.parser.md, "Meta", {}) or {}
        return split_list(meta.get("topics", []))

    def error(self, line: int, message: str) -> None:
        path = getattr(self.parser.md, "source_path", "<markdown>")
        logger.error("%s:%d: %s", path, line, message)

    def clean(self, line: str) -> str:
        """Remove ``>`` from the beginning of a line (lazy lines stay as they are)."""
        if line.strip() == ">":
            return ""
        match = self.QUOTE.match(line)
        return match.group(2) if match else line


def plain_title(title: str) -> str:
    """The words of a title without its inline Markdown (links, wiki links, emphasis)."""
    title = re.sub(r"\[\[(?:[^\]|]*\|)?([^\]]*)\]\]", r"\1", title)
    title = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", title)
    return re.sub(r"[*_`~]", "", title)


def card_id_for(title: str) -> str:
    slug = slugify(plain_title(title), "-")
    return f"{ID_PREFIX}-{slug}" if slug else ID_PREFIX


class CardRecorder(Treeprocessor):
    """After every other treeprocessor: copy each card's title and body out of the tree."""

    def __init__(self, md: Markdown, state: PageState, page_url: str):
        super().__init__(md)
        self.state = state
        self.page_url = page_url

    def run(self, root: etree.Element) -> None:
        meta = getattr(self.md, "Meta", {}) or {}
        page = self.page_url.format(slug=" ".join(meta.get("slug", [])).strip())
        records = []
        for card, aside in self.state.cards:
            heading, body = aside.find("h3"), aside.find("div")
            title = etree.Element("span")
            label = heading[0] if len(heading) else None
            title.text = (label.tail or "").lstrip() if label is not None else heading.text
            title.extend(copy.deepcopy(child) for child in list(heading)[1:])
            portable = copy.deepcopy(body)
            for element in portable.iter():
                element.attrib.pop("id", None)
                href = element.get("href", "") if element.tag == "a" else ""
                if href.startswith("#"):
                    element.set("href", page + href)
            records.append(CardRecord(
                id=card.id, kind=card.kind, title_html=self.inner_html(title),
                body_html=self.inner_html(portable), topics=card.topics or split_list(meta.get("topics", [])),
                line=card.line, text=text_of(self.md, body),
            ))
        self.md.tip_cards = records

    def inner_html(self, element: etree.Element) -> str:
        """An element's content as Markdown itself would write it (postprocessors included)."""
        html = self.md.serializer(element)
        for processor in self.md.postprocessors:
            html = processor.run(html)
        return html[html.index(">") + 1 : html.rindex("<")].strip()


class TipCardsExtension(Extension):
    """Tip cards for Python-Markdown."""

    def __init__(self, **kwargs):
        self.config = {
            "known_topics": [[], "Topic slugs a card may name"],
            "check_topics": [False, "Report topics not in known_topics as errors"],
            "page_url": ["{slug}/", "URL of a page from its slug, for links back from the deck"],
        }
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:
        known = set(self.getConfig("known_topics")) if self.getConfig("check_topics") else None
        state = PageState()
        # Above `meta` (27): the lines still include the metadata block.
        md.preprocessors.register(TipCardLinePreprocessor(md, state), "tip_card_lines", 28)
        # Above `quote` (20): a blockquote that opens with a marker is a card.
        md.parser.blockprocessors.register(TipCardProcessor(md.parser, state, known), "tip_card", 21)
        # Last of all (unescape is 0): the card's HTML is final but for the postprocessors.
        recorder = CardRecorder(md, state, self.getConfig("page_url"))
        md.treeprocessors.register(recorder, "tip_card_records", -10)
        md.tip_cards = []


def makeExtension(**kwargs) -> TipCardsExtension:  # pragma: no cover
    return TipCardsExtension(**kwargs)
