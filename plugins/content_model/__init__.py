"""content_model: the guide's content model, its checks, and guide order."""

import gc

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
    gc.unfreeze()  # what an earlier build in this process froze (stop_reading_ahead)


def stop_reading_ahead(generators) -> None:
    """Every file is read: stop the readers, and keep the collector off the content model.

    What was read lives until the build ends, so the cyclic garbage collector's full
    passes need not walk it again while the pages are written and checked (at 1,000
    chapters they walked millions of objects, about a second of CPU in all). ``gc.freeze``
    moves every object alive now out of its reach; children forked from here on (the
    search index, the guard's pool) inherit that. The next build in this process gives
    them back (``configure``: tests run many builds in one process)."""
    prefetch.stop()
    gc.freeze()


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
