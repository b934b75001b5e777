"""Production settings: everything in pelicanconf.py, plus what a live site needs.

SITEURL comes from the environment (make publish SITEURL=https://example.org).
"""

import os
import sys

sys.path.append(os.path.dirname(os.path.abspath(__file__)))

from pelicanconf import *  # noqa: E402,F403
from tools.publish_values import siteurl_problem  # noqa: E402

# Checked here too (make publish checks first), so a build run without make gets the
# same clear message: an absolute http(s) URL, no quotes, spaces or shell characters.
SITEURL = os.environ.get("SITEURL", "").strip().rstrip("/")
if siteurl_problem(SITEURL):
    raise SystemExit(f"publishconf.py: {siteurl_problem(SITEURL)}")
RELATIVE_URLS = False

# Where readers report a problem (plugins/review checks its form): required, like SITEURL.
CONTACT = os.environ.get("CONTACT", "").strip()
if not CONTACT:
    raise SystemExit(
        "publishconf.py: CONTACT is not set: the email address or https:// contact form where\n"
        "readers report a problem with a page. Run, for example:\n"
        "    make publish SITEURL=https://guide.example.org CONTACT=editors@guide.example.org"
    )
# A published page that is overdue for review fails the build (plugins/review).
REVIEW_ENFORCE = True

# Publishing (plugins/publishing, README "Publishing"): sitemap, feed, robots.txt,
# minified and precompressed files, cache headers, offline reading.
PLUGINS = [*PLUGINS, "pelican.plugins.sitemap", "publishing", "pelican.plugins.precompress"]  # noqa: F405
ASSETS_MINIFY = True

# An Atom feed of the chapters; each entry's <updated> is its Reviewed date.
FEED_ALL_ATOM = "feeds/all.atom.xml"

SITEMAP = {
    "format": "xml",
    # Not pages to land on from a search engine.
    "exclude": [r"^404\.html$", r"^search/", r"^offline/"],
}

# The page a reader sees offline when the page they open is not saved yet.
DIRECT_TEMPLATES = [*DIRECT_TEMPLATES, "offline"]  # noqa: F405
OFFLINE_SAVE_AS = "offline/index.html"

# .gz and .br beside each text file (files that would not shrink are left alone).
PRECOMPRESS_GZIP = True
PRECOMPRESS_BROTLI = True
PRECOMPRESS_ZOPFLI = False
PRECOMPRESS_ZSTANDARD = False
PRECOMPRESS_TEXT_EXTENSIONS = {
    ".atom", ".css", ".html", ".js", ".json", ".svg", ".txt", ".webmanifest", ".xml",
}

# A help line not re-checked within HELP_DIRECTORY_MAX_AGE_DAYS is not published.
HELP_DIRECTORY_ENFORCE_DATES = True
