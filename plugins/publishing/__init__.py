"""publishing: what a live site needs beyond the pages.

After Pelican's ``finalized`` (when pelican-sitemap, search_index and ad_guard
have written their files), pelican-granular-signals sends ``sitemap``,
``optimize``, ``minify`` and ``compress`` in that order; pelican-precompress
compresses at ``compress``, so everything here runs before it:

- sitemap:  lastmod of every URL from the content's Reviewed dates;
- optimize: robots.txt and the cache section of ``_headers``;
- minify:   minified HTML, then the service worker (its build hash covers
            every byte of the finished site).
"""

from __future__ import annotations

import blinker
import pelican.plugins.granular_signals
from pelican import signals

from .minify import minify_html_files
from .offline import write_service_worker
from .site_files import append_cache_headers, write_robots
from .sitemap_dates import date_sitemap, forget_pages, record_page


def optimize(pelican) -> None:
    write_robots(pelican)
    append_cache_headers(pelican)


def minify(pelican) -> None:
    minify_html_files(pelican.output_path)
    write_service_worker(pelican)


def register() -> None:
    pelican.plugins.granular_signals.register()
    signals.initialized.connect(forget_pages)
    signals.content_written.connect(record_page)
    blinker.signal("sitemap").connect(date_sitemap)
    blinker.signal("optimize").connect(optimize)
    blinker.signal("minify").connect(minify)
