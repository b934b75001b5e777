"""The deck: every tip card in the guide, from the records the Markdown tree kept, and /tips/.

The extension records each card as it renders it (extension.CardRecorder);
the reader sanitizes the record and copies it onto the page as
``card_records``. Nothing here parses HTML.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from guide_core.frontmatter import topic_titles
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
    body_source: str = ""  # sanitized body HTML, links back to the chapter, no ids

    @property
    def deck_id(self) -> str:
        """An id unique on /tips/, where cards from every chapter meet."""
        return f"{self.chapter.slug}--{self.id}"

    @property
    def body_html(self) -> Markup:
        """The card's body, ready to show on another page, with Pelican's
        ``{filename}`` links resolved as they are in the chapter (at render time,
        once every generator has read its content)."""
        return Markup(self.chapter._update_content(self.body_source, self.chapter.get_siteurl()))


@dataclass
class TipGroup:
    slug: str
    title: str
    cards: list[TipCard] = field(default_factory=list)


def read_topics(content_path: str) -> dict[str, str]:
    """Topic slug -> title: the extension needs the slugs before any generator has run."""
    return topic_titles(Path(content_path, "topics"))


def cards_in(chapter) -> list[TipCard]:
    """The tip cards of one chapter, in reading order, from its records."""
    return [
        TipCard(
            id=record.id, title=record.title, title_html=Markup(record.title_html), kind=record.kind,
            kind_label=KINDS[record.kind], topics=list(record.topics), chapter=chapter,
            url=f"{chapter.url}#{record.id}", body_source=record.body_html,
        )
        for record in getattr(chapter, "card_records", None) or []
    ]


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
