"""content_model: the guide's content model, its checks, and guide order."""

from pelican import signals

from .guide import add_reading_aids, order_guide
from .reader import GuideMarkdownReader
from .sanitize import plain_text


def add_text_filter(pelican) -> None:
    """``|text`` in templates: the words of sanitized HTML as plain text, which autoescape then escapes."""
    pelican.settings["JINJA_FILTERS"] = {**pelican.settings.get("JINJA_FILTERS", {}), "text": plain_text}


def use_guide_reader(readers) -> None:
    for extension in GuideMarkdownReader.file_extensions:
        readers.reader_classes[extension] = GuideMarkdownReader


def finalize_articles(generator) -> None:
    order_guide(generator)
    add_reading_aids(generator)


def register() -> None:
    signals.initialized.connect(add_text_filter)
    signals.readers_init.connect(use_guide_reader)
    signals.article_generator_finalized.connect(finalize_articles)
