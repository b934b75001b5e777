"""The plugin's settings: defaults, checked once when Pelican starts."""

from __future__ import annotations

import logging

from .wikilinks import WikiLinkExtension

logger = logging.getLogger(__name__)

DEFAULTS = {
    "TOPIC_PATHS": ["topics"],
    "TOPIC_URL": "topics/{slug}/",
    "TOPIC_SAVE_AS": "topics/{slug}/index.html",
    "TOPICS_URL": "topics/",
    "TOPICS_SAVE_AS": "topics/index.html",
    # First-mention links from chapters to topic pages (autolink.py).
    "TOPIC_AUTOLINK": True,
    # Topic names and aliases that never auto-link: words on nearly every page.
    "TOPIC_AUTOLINK_SKIP": [],
    "RELATED_READING_MIN": 3,
    "RELATED_READING_MAX": 5,
}


def configure(pelican) -> None:
    """Fill in defaults, check the values, and add the wiki-link Markdown extension."""
    settings = pelican.settings
    for key, value in DEFAULTS.items():
        settings.setdefault(key, value)
    for key in ("TOPIC_PATHS", "TOPIC_AUTOLINK_SKIP"):
        value = settings[key]
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            logger.error("setting %s must be a list of strings, not %r", key, value)
            settings[key] = DEFAULTS[key]
    low, high = settings["RELATED_READING_MIN"], settings["RELATED_READING_MAX"]
    if not (isinstance(low, int) and isinstance(high, int) and 0 <= low <= high):
        logger.error("settings RELATED_READING_MIN (%r) and RELATED_READING_MAX (%r) must be "
                     "whole numbers with MIN <= MAX", low, high)
        settings["RELATED_READING_MIN"] = DEFAULTS["RELATED_READING_MIN"]
        settings["RELATED_READING_MAX"] = DEFAULTS["RELATED_READING_MAX"]
    markdown = settings["MARKDOWN"]
    extensions = list(markdown.get("extensions", []))
    if not any(isinstance(extension, WikiLinkExtension) for extension in extensions):
        settings["MARKDOWN"] = {**markdown, "extensions": [*extensions, WikiLinkExtension()]}
