"""content_model: the guide's content model, its checks, and guide order."""

from pelican import signals

from . import prefetch
from .facts import PageFactsExtension
from .guide import add_reading_aids, order_guide
from .reader import GuideMarkdownReader
from .sanitize import plain_text


def configure(pelican) -> None:
    """``|text`` in templates (the words of sanitized HTML as plain text, which autoescape
    then escapes), and the Markdown extension that records a page's facts from its tree."""
    settings = pelican.settings
    settings["JINJA_FILTERS"] = {**settings.get("JINJA_FILTERS", {}), "text": plain_text}
    markdown = settings["MARKDOWN"]
    extensions = [e for e in markdown.get("extensions", []) if not isinstance(e, PageFactsExtension)]
    settings["MARKDOWN"] = {**markdown, "extensions": [*extensions, PageFactsExtension()]}
    prefetch.stop()


def stop_reading_ahead(generators) -> None:
    prefetch.stop()


def use_guide_reader(readers) -> None:
    for extension in GuideMarkdownReader.file_extensions:
        readers.reader_classes[extension] = GuideMarkdownReader


def finalize_articles(generator) -> None:
    order_guide(generator)
    add_reading_aids(generator)


def register() -> None:
    signals.initialized.connect(configure)
    signals.readers_init.connect(use_guide_reader)
    signals.all_generators_finalized.connect(stop_reading_ahead)
    signals.article_generator_finalized.connect(finalize_articles)
