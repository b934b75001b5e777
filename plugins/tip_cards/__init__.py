"""tip_cards: tip-card syntax for Markdown, each chapter's cards, and the /tips/ deck."""

from pelican import signals

from .deck import TipsDeckGenerator, collect_cards, read_topics
from .extension import TipCardsExtension


def add_markdown_extension(pelican) -> None:
    """initialized: render cards in every Markdown file, checking topics against content/topics."""
    settings = pelican.settings
    page_url = f'{settings.get("SITEURL", "")}/{settings.get("ARTICLE_URL", "{slug}/")}'
    cards = TipCardsExtension(known_topics=sorted(read_topics(settings["PATH"])), check_topics=True,
                              page_url=page_url)
    markdown = pelican.settings["MARKDOWN"]
    pelican.settings["MARKDOWN"] = {**markdown, "extensions": [*markdown.get("extensions", []), cards]}


def add_deck_generator(pelican) -> type[TipsDeckGenerator]:
    return TipsDeckGenerator


def register() -> None:
    signals.initialized.connect(add_markdown_extension)
    signals.article_generator_finalized.connect(collect_cards)
    signals.get_generators.connect(add_deck_generator)
