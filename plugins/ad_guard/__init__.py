"""ad_guard: no ads, affiliate links, trackers or unsafe HTML; privacy headers.

Outbound links are cleaned as content is read (tracking parameters removed,
rel="noopener noreferrer" added); at the end of the build the Markdown
sources and every written page and stylesheet are checked against rules.toml,
and ``_headers`` is written with the site's Content-Security-Policy.
"""

from pelican import signals

from .guard import check_site, clean_content, start


def register() -> None:
    signals.initialized.connect(start)
    signals.content_object_init.connect(clean_content)
    signals.finalized.connect(check_site)
