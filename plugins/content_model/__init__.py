"""content_model: the guide's content model, its checks, and guide order."""

from pelican import signals

from .guide import add_reading_aids, order_guide
from .reader import GuideMarkdownReader


def use_guide_reader(readers) -> None:
    for extension in GuideMarkdownReader.file_extensions:
        readers.reader_classes[extension] = GuideMarkdownReader


def finalize_articles(generator) -> None:
    order_guide(generator)
    add_reading_aids(generator)


def register() -> None:
    signals.readers_init.connect(use_guide_reader)
    signals.article_generator_finalized.connect(finalize_articles)
