"""URLs the build itself writes, which no slug may take.

A page lives at ``/<slug>/``, so a page with ``Slug: assets`` would share a
folder with the fingerprinted assets (cached for a year), and ``Slug: search``
would replace the search page. Slugs are unique across every kind of content,
so the rule applies to all of them: ``[[search]]`` must never be ambiguous.

The list is derived from the settings (every ``*_SAVE_AS`` and ``*_URL``, the
feeds, the static and theme folders) plus what plugins write without a
setting; a setting added later is covered without editing this file.
"""

from __future__ import annotations

from collections.abc import Mapping

# Written by plugins at fixed paths, with no setting to read them from.
PLUGIN_OUTPUTS = (
    "assets",  # plugins/assets: fingerprinted theme files and manifest icons
    "manifest.webmanifest",  # plugins/assets
    "faq",  # plugins/faq: /faq/ and /faq/<slug>/
    "tips",  # plugins/tip_cards: /tips/
    "topics",  # plugins/topic_links: /topics/ (also TOPICS_SAVE_AS)
    "search",  # plugins/search_index: /search/index.json, docs.json, lunr
    "sw.js", "offline", "robots.txt", "sitemap.xml",  # plugins/publishing
    "_headers",  # plugins/ad_guard
    "feeds", "livereload.js", "404.html", "index.html",
)


def first_segment(path: str) -> str:
    """``"guide/{slug}/index.html"`` -> ``"guide"``; ``"404.html"`` -> ``"404.html"``."""
    fixed = path.split("{", 1)[0].strip("/")
    return fixed.split("/", 1)[0] if fixed else ""


def reserved_slugs(settings: Mapping) -> frozenset[str]:
    """Every top-level name the build writes, and each file's name without its suffix (404, index)."""
    names = set(PLUGIN_OUTPUTS)
    for key, value in settings.items():
        if isinstance(value, str) and (key.endswith(("_SAVE_AS", "_URL")) or key.startswith("FEED_")) \
                and not key.startswith(("SITEURL", "FEED_DOMAIN")) and "://" not in value:
            names.add(first_segment(value))
    for key in ("STATIC_PATHS", "THEME_STATIC_PATHS"):
        names.update(first_segment(str(value)) for value in settings.get(key, []) or [])
    names.add(first_segment(str(settings.get("THEME_STATIC_DIR", "theme"))))
    for meta in (settings.get("EXTRA_PATH_METADATA") or {}).values():
        if isinstance(meta, Mapping) and isinstance(meta.get("save_as"), str):
            names.add(first_segment(meta["save_as"]))
    stems = {name.split(".", 1)[0] for name in names if "." in name}
    return frozenset(name.lower() for name in names | stems if name)
