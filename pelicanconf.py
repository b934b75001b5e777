"""Settings for a local build: root-relative URLs, no feeds, drafts previewed.

publishconf.py imports everything here and overrides what production needs.
"""

import os

SITENAME = "Closer"
SITESUBTITLE = "A plain, ad-free guide to emotional intimacy"
SITEDESCRIPTION = (
    "A free, ad-free guide to building emotional intimacy in your relationship: "
    "trust, talking, listening, time together and getting through hard times."
)
AUTHOR = "The Closer editors"
SITEURL = ""
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
DEFAULT_DATE_FORMAT = "%-d %B %Y"

PATH = "content"
# Markdown is the only source format: Pelican's HTML and reStructuredText readers
# are off, and ad_guard reports any other file in a content folder by name.
READERS = {"html": None, "htm": None, "rst": None}
ARTICLE_PATHS = ["articles"]
PAGE_PATHS = ["pages"]
# faq/ and topics/ are read by their own plugins, never as articles or pages.
ARTICLE_EXCLUDES = ["faq", "topics", "pages"]
PAGE_EXCLUDES = ["faq", "topics", "articles"]
STATIC_PATHS = ["images"]
THEME = "theme"
THEME_STATIC_DIR = "theme"
# The theme's files are published only as fingerprinted copies under assets/
# (plugins/assets; templates use asset("css/site.css")), one URL per file.
THEME_STATIC_PATHS = []

# Plugins are listed explicitly: Pelican would otherwise load every installed
# namespace plugin, and some of those abort a build on a machine without their
# external tools.
PLUGIN_PATHS = ["plugins"]
# redirects comes before ad_guard and search_index: at `finalized` it writes the redirect
# pages they then check (ad_guard) and skip as noindex (search_index).
PLUGINS = [
    "content_model", "faq", "assets", "tip_cards", "topic_links", "sources", "review", "redirects",
    "reader_safety",
    "ad_guard", "search_index",
]

# Pretty, stable, lower-case URLs (ARCHITECTURE.md).
ARTICLE_URL = "guide/{slug}/"
ARTICLE_SAVE_AS = "guide/{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
# Drafts are never written by a normal build; the preview (tools/build.py
# --drafts) writes them at their final URLs with a "Draft" banner.
DRAFT_URL = DRAFT_SAVE_AS = ""
DRAFT_PAGE_URL = DRAFT_PAGE_SAVE_AS = ""
ARTICLE_LANG_URL = ARTICLE_LANG_SAVE_AS = ""
PAGE_LANG_URL = PAGE_LANG_SAVE_AS = ""
DIRECT_TEMPLATES = ["index", "search", "notfound"]
INDEX_SAVE_AS = "index.html"
SEARCH_SAVE_AS = "search/index.html"
NOTFOUND_SAVE_AS = "404.html"

# The guide has no blog machinery: no categories, tags, authors or archives.
CATEGORY_SAVE_AS = CATEGORIES_SAVE_AS = ""
TAG_SAVE_AS = TAGS_SAVE_AS = ""
AUTHOR_SAVE_AS = AUTHORS_SAVE_AS = ""
ARCHIVES_SAVE_AS = ""
YEAR_ARCHIVE_SAVE_AS = MONTH_ARCHIVE_SAVE_AS = DAY_ARCHIVE_SAVE_AS = ""
DEFAULT_PAGINATION = False
SUMMARY_MAX_LENGTH = None

FEED_ALL_ATOM = FEED_ALL_RSS = None
CATEGORY_FEED_ATOM = CATEGORY_FEED_RSS = None
TRANSLATION_FEED_ATOM = TRANSLATION_FEED_RSS = None
AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = None
TAG_FEED_ATOM = TAG_FEED_RSS = None

MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.sane_lists": {},
        "markdown.extensions.smarty": {},
        "markdown.extensions.toc": {"toc_depth": "2-3"},
    },
    "output_format": "html5",
}

# Review policy (plugins/review, README "Review dates"): every chapter, FAQ entry and page
# shows "Next review due" = Reviewed + this many months; `make lint` warns REVIEW_WARN_DAYS
# ahead; a build with REVIEW_ENFORCE (publishconf.py) fails once one is overdue, judged on
# SOURCE_DATE_EPOCH's date when set, else today's date (UTC).
REVIEW_INTERVAL_MONTHS = 12
REVIEW_WARN_DAYS = 30
REVIEW_ENFORCE = False

# Where "Report a problem with this page" goes: an email address (a mailto: link) or the
# https:// address of a contact form. make publish needs a real one (publishconf.py); local
# builds use $CONTACT, else this reserved example address, so the preview shows the link.
CONTACT = os.environ.get("CONTACT", "").strip() or "editors@example.org"

# The source registry (plugins/sources), relative to the content folder, and where an
# ISBN links to (a library catalogue record of that edition).
SOURCES_FILE = "data/sources.toml"
SOURCES_ISBN_URL = "https://openlibrary.org/isbn/{isbn}"

# Templates escape every value (docs/architecture.md, "Guard by construction"): text
# stays text. Only sanitized content HTML (Markup, or printed |safe) is printed as HTML.
JINJA_ENVIRONMENT = {"trim_blocks": True, "lstrip_blocks": True, "extensions": [], "autoescape": True}

# How many processes read Markdown (plugins/content_model/prefetch.py): 0 means one per
# core; 1 reads in the build's own process (READ_PROCESSES=1 make html).
READ_PROCESSES = int(os.environ.get("READ_PROCESSES", "0") or 0)
# How many processes the rest of the build may use: the search index is built in a child
# process while the pages are written (plugins/search_index), and the guard checks the written
# pages on every core (plugins/ad_guard). 0 means one per core; 1 does both in the build's own
# process (BUILD_PROCESSES=1 make html), with the same result.
BUILD_PROCESSES = int(os.environ.get("BUILD_PROCESSES", "0") or 0)

# Reading speed for "N min read", in words per minute.
READING_SPEED = 220

# The Content-Security-Policy of every page (base.html's <meta>) and of the
# _headers file ad_guard writes: our own files only, no inline scripts or styles.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; manifest-src 'self'; "
    "worker-src 'self'"
)
# Findings ad_guard lets through, each with its reason:
# [{"url": "https://..." or "pattern": "regex", "reason": "why this is fine"}]
AD_GUARD_ALLOW: list[dict] = []

# The web app manifest's colours (plugins/assets): the page background and the accent.
MANIFEST_COLOURS = {"background": "#fdfcfa", "theme": "#8a3b12"}

# First-mention links (plugins/topic_links): topic aliases that are everyday words,
# or have another everyday meaning ("far apart", "spark"), never link (docs/architecture.md).
TOPIC_AUTOLINK_SKIP = [
    "apart", "bills", "blame", "bond", "busy", "closeness", "comfort", "connection", "conversation",
    "dates", "distant", "dreams", "far apart", "fears", "feeling close", "fight", "fighting",
    "fights", "fun", "heard", "hearing", "honest", "hug", "hugging", "hugs", "illness", "jokes",
    "kindness", "kiss", "kissing", "laugh", "listen", "listens", "marriage", "married", "moving",
    "partner", "partners", "patient", "phones", "play", "praise", "pressure", "promises", "rebuild",
    "repair", "routine", "row", "rows", "saving", "silly", "space", "spark", "spending", "stressed",
    "support", "supportive", "talk", "talking", "thank you", "thanks", "touch", "understanding",
    # safety: words that also have everyday meanings in the guide's prose.
    "violence", "violent", "abused",
    # Everyday words a reader does not expect to be links (issue 19's design review).
    "money", "argument", "arguments", "arguing", "disagreement", "disagreements", "healing", "goals",
]

# Reader safety (plugins/reader_safety, docs/editing.md "The help directory").
# Pages that carry the quick exit whatever they say, and topics whose pages and
# whose chapters and questions are sensitive (quick exit, help box, never kept
# offline). Sensitive: yes in a file's metadata, or a CAUTION card, does the same.
QUICK_EXIT_PAGES = ["getting-help", "privacy"]
SENSITIVE_TOPICS = ["safety", "trauma"]
# Where the quick exit goes: a neutral page that loads fast (GOV.UK uses the same).
QUICK_EXIT_URL = os.environ.get("QUICK_EXIT_URL", "").strip() or "https://www.bbc.co.uk/weather"
# Help numbers change: each line of content/data/helplines.toml is re-checked against
# the organisation's own page at least this often. An older "checked" date is an error
# in make publish and make lint (publishconf.py), a notice in a local build.
HELP_DIRECTORY_MAX_AGE_DAYS = 183
HELP_DIRECTORY_ENFORCE_DATES = False
