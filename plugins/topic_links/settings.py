"""The plugin's settings: defaults, checked once when Pelican starts."""

from __future__ import annotations

import logging
from pathlib import Path

from guide_core.frontmatter import front_matters
from guide_core.problems import split_list

from .autolink import FirstMentionsExtension, TermMatcher
from .wikilinks import WikiLinkExtension, targets

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
    extensions = [e for e in extensions if not isinstance(e, (WikiLinkExtension, FirstMentionsExtension))]
    extensions.append(WikiLinkExtension(targets(settings)))
    if settings["TOPIC_AUTOLINK"]:
        # First mentions are linked in the Markdown tree, as each chapter is read, so the
        # topics' names and aliases are read here, from their metadata blocks.
        terms = topic_terms(settings)
        siteurl, pattern = settings.get("SITEURL", ""), settings["TOPIC_URL"]
        extensions.append(FirstMentionsExtension(
            TermMatcher(terms, settings["TOPIC_AUTOLINK_SKIP"]),
            lambda slug: f"{siteurl}/{pattern.format(slug=slug)}",
        ))
    settings["MARKDOWN"] = {**markdown, "extensions": extensions}


def topic_terms(settings: dict) -> dict[str, list[str]]:
    """Topic slug -> the words readers use for it (its title and aliases), from content/topics/."""
    terms: dict[str, list[str]] = {}
    for folder in settings["TOPIC_PATHS"]:
        for _path, front in front_matters(Path(settings["PATH"], folder)):
            if front.value("slug") and front.value("status").lower() != "draft":
                terms[front.value("slug")] = [front.value("title"), *split_list(front.values.get("aliases"))]
    return terms
