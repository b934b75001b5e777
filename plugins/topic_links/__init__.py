"""topic_links: topic pages, related reading, wiki links, first-mention links, backlinks."""

from pelican import signals

from .crosslinks import link_site
from .registry import TopicGenerator
from .settings import configure


def topic_generator(pelican) -> type:
    return TopicGenerator


def register() -> None:
    signals.initialized.connect(configure)
    signals.get_generators.connect(topic_generator)
    signals.all_generators_finalized.connect(link_site)
