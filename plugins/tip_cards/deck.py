"""The deck: every tip card in the guide, collected from rendered chapters, and /tips/.

Cards are read back from each chapter's rendered HTML (the extension already
wrote them), so what the deck shows is exactly what the chapter shows.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bs4 import BeautifulSoup
from markdown import Markdown
from markdown.extensions.meta import MetaPreprocessor
from markupsafe import Markup
from pelican.generators import Generator

from .extension import KINDS

TIPS_URL = "tips/"
TIPS_SAVE_AS = "tips/index.html"
OTHER_TOPIC = ("other", "Other tips")


@dataclass
class TipCard:
    id: str
    title: str  # plain text
    title_html: Markup  # the title's inline HTML (emphasis, smart quotes)
    kind: str  # "tip", "try" or "caution"
    kind_label: str  # "Tip", "Try this together", "Take care"
    topics: list[str]  # the card's own topics, or its chapter's when it names none
    chapter: object  # the Pelican Article the card is in
    url: str  # "guide/<slug>/#<id>"

    @property
    def deck_id(self) -> str:
        """An id unique on /tips/, where cards from every chapter meet."""
        return f"{self.chapter.slug}--{self.id}"

    @property
    def body_html(self) -> Markup:
        """The card's body, ready to show on another page.

        Read lazily from ``chapter.content``: Pelican resolves ``{filename}``
        links there and caches the result on first access, which must wait
        until every generator has read its content (templates are rendered
        after that; the cards are collected before).
        """
        return card_bodies(self.chapter).get(self.id, Markup(""))


def card_bodies(chapter) -> dict[str, Markup]:
    """Card id -> portable body HTML for every card of a chapter, parsed once per chapter."""
    bodies = getattr(chapter, "_tip_card_bodies", None)
    if bodies is None:
        soup = BeautifulSoup(card_html(chapter.content), "html.parser")
        siteurl = chapter.settings.get("SITEURL", "")
        bodies = {
            card["id"]: portable(card.find(class_="tip-card__body"), f"{siteurl}/{chapter.url}")
            for card in soup.select("aside.tip-card[id]")
        }
        chapter._tip_card_bodies = bodies
    return bodies


@dataclass
class TipGroup:
    slug: str
    title: str
    cards: list[TipCard] = field(default_factory=list)


def read_topics(content_path: str) -> dict[str, str]:
    """Topic slug -> title, from the metadata blocks of ``<content>/topics/*.md``.

    Read directly rather than through the topic plugin, because plugins do
    not import each other and the Markdown extension needs the slugs before
    any generator has run. The content model checks these files' metadata.
    """
    topics: dict[str, str] = {}
    for path in sorted(Path(content_path, "topics").glob("*.md")):
        # Python-Markdown's meta preprocessor, as Pelican's reader uses it: one
        # front-matter parser, so a U+2028 in a title cannot end the block here only.
        md = Markdown()
        text = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
        MetaPreprocessor(md).run(text.split("\n"))
        metadata = {key: " ".join(values).strip() for key, values in getattr(md, "Meta", {}).items()}
        if metadata.get("slug"):
            topics[metadata["slug"]] = metadata.get("title") or metadata["slug"]
    return topics


CARD = re.compile(r"<aside\b[^>]*\btip-card\b.*?</aside>", re.DOTALL)


def card_html(html: str) -> str:
    """Just the tip cards of a chapter's HTML (cards hold no asides of their own).

    Parsing only these, rather than the whole chapter, is what keeps the deck
    cheap on a large guide.
    """
    return "".join(CARD.findall(html))


def cards_in(chapter) -> list[TipCard]:
    """The tip cards of one rendered chapter, in reading order.

    Parses ``_content`` (the HTML before Pelican resolves links) rather than
    ``content``, whose first access caches link resolution for good.
    """
    soup = BeautifulSoup(card_html(chapter._content), "html.parser")
    cards = []
    for aside in soup.select("aside.tip-card[id]"):
        heading = aside.find("h3")
        label = heading.find(class_="tip-card__kind")
        label.find(class_="visually-hidden").decompose()
        kind_label = label.get_text(strip=True)
        label.decompose()
        cards.append(TipCard(
            id=aside["id"],
            title=" ".join(heading.get_text().split()),
            title_html=Markup(heading.decode_contents().strip()),
            kind=aside.get("data-kind", ""),
            kind_label=kind_label,
            topics=aside.get("data-topics", "").split() or list(getattr(chapter, "topics", [])),
            chapter=chapter,
            url=f"{chapter.url}#{aside['id']}",
        ))
    return cards


def portable(body, chapter_url: str) -> Markup:
    """A card body that can be shown on another page: in-page links point back
    to the chapter, and ids are dropped so they cannot clash there."""
    if body is None:
        return Markup("")
    for link in body.find_all("a", href=True):
        if link["href"].startswith("#"):
            link["href"] = chapter_url + link["href"]
    for element in body.find_all(id=True):
        del element["id"]
    return Markup(body.decode_contents().strip())


def collect_cards(generator) -> None:
    """article_generator_finalized: cards for each chapter and for the whole guide.

    Drafts count only in a preview build (PREVIEW_DRAFTS), like everywhere else.
    """
    chapters = list(generator.articles)
    if generator.settings.get("PREVIEW_DRAFTS"):
        chapters += [draft for draft in generator.drafts if draft not in chapters]
    chapters.sort(key=lambda chapter: (getattr(chapter, "order", 0), chapter.slug))
    for draft in generator.drafts:
        draft.tip_cards = cards_in(draft)
    cards: list[TipCard] = []
    for chapter in chapters:
        chapter.tip_cards = cards_in(chapter)
        cards.extend(chapter.tip_cards)
    generator.context["tip_cards"] = cards
    generator.context["tip_count"] = len(cards)


def group_by_topic(cards: list[TipCard], topic_titles: dict[str, str]) -> list[TipGroup]:
    """One group per topic, by topic title; each card once, under its first topic."""
    groups: dict[str, TipGroup] = {}
    for card in cards:
        slug = card.topics[0] if card.topics else OTHER_TOPIC[0]
        title = topic_titles.get(slug) or (OTHER_TOPIC[1] if slug == OTHER_TOPIC[0] else slug)
        groups.setdefault(slug, TipGroup(slug, title)).cards.append(card)
    return sorted(groups.values(), key=lambda g: (g.slug == OTHER_TOPIC[0], g.title.lower()))


class TipsDeckGenerator(Generator):
    """Writes /tips/ with the theme's tips.html, through Pelican's writer."""

    def generate_output(self, writer) -> None:
        cards = self.context.get("tip_cards", [])
        groups = group_by_topic(cards, read_topics(self.settings["PATH"]))
        writer.write_file(
            TIPS_SAVE_AS, self.get_template("tips"), self.context,
            relative_urls=self.settings["RELATIVE_URLS"], url=TIPS_URL, page_name="tips",
            tip_groups=groups, tip_kinds=count_kinds(cards),
        )


def count_kinds(cards: list[TipCard]) -> list[tuple[str, int]]:
    """(kind label, number of cards) for each kind in use, in the order of KINDS."""
    counts = Counter(card.kind for card in cards)
    return [(label, counts[kind]) for kind, label in KINDS.items() if counts[kind]]
