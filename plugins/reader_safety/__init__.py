"""reader_safety: the help directory, the help box, the quick exit and which pages are sensitive.

- ``directory``: content/data/helplines.toml, checked with path:line errors and
  given to every template as ``help_directory``;
- ``sensitive``: marks each chapter, FAQ entry, page and topic that is about
  fear, control, abuse, self-harm or trauma (``Sensitive: yes``, a CAUTION tip
  card, a topic in ``SENSITIVE_TOPICS``, or a page in ``QUICK_EXIT_PAGES``),
  and puts the "If you need help now" box inside every CAUTION card.

Templates do the rest (theme/templates/partials/quick-exit.html, help-now.html,
help-directory.html, search-help.html); the service worker learns which pages
are sensitive from the quick exit they carry (plugins/publishing/offline.py).
"""

from pelican import signals

from .sensitive import add_help_boxes, add_to_context, mark_sensitive, read_directory


def register() -> None:
    signals.initialized.connect(read_directory)
    signals.generator_init.connect(add_to_context)
    signals.content_object_init.connect(mark_sensitive)
    signals.all_generators_finalized.connect(add_help_boxes)
