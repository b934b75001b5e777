"""faq: one question per file in content/faq/, read into /faq/ and /faq/<slug>/.

The plugin adds its own generator (see generator.py); everything else (the
pages, the FAQPage JSON-LD, the grouping) hangs off that generator.
"""

from pelican import signals

from .generator import FaqGenerator


def add_faq_generator(pelican) -> type:
    return FaqGenerator


def register() -> None:
    signals.get_generators.connect(add_faq_generator)
