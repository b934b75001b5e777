"""Which pages are sensitive, and the help box every CAUTION card carries.

The directory is read once, when Pelican starts (``initialized``). The box is
rendered from the same Jinja partial the theme includes
(partials/help-now.html), in an environment of its own with autoescape on, and
takes the place of the marker the tip-card extension leaves in each CAUTION
card, so editors never add it by hand and nothing parses the page for it.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field
from pathlib import Path

from guide_core.problems import display_path
from jinja2 import Environment, FileSystemLoader, select_autoescape
from tip_cards.extension import HELP_MARKER

from .directory import DEFAULT_MAX_AGE_DAYS, DIRECTORY_FILE, Directory, load

logger = logging.getLogger(__name__)

HELP_BOX_TEMPLATE = "partials/help-now.html"
DEFAULTS = {
    "HELP_PAGE_SLUG": "getting-help",
    "QUICK_EXIT_PAGES": ["getting-help", "privacy"],
    "SENSITIVE_TOPICS": ["safety", "trauma"],
    "QUICK_EXIT_URL": "https://www.bbc.co.uk/weather",
    "HELP_DIRECTORY_MAX_AGE_DAYS": DEFAULT_MAX_AGE_DAYS,
    "HELP_DIRECTORY_ENFORCE_DATES": False,
}


@dataclass
class State:
    directory: Directory = field(default_factory=Directory)
    settings: dict = field(default_factory=lambda: dict(DEFAULTS))
    help_box: str = ""


STATE = State()


def setting(settings: dict, key: str):
    return settings.get(key, DEFAULTS[key])


def read_directory(pelican) -> None:
    """Load and check the directory; log each problem as path:line."""
    settings = pelican.settings
    STATE.settings = {key: setting(settings, key) for key in DEFAULTS}
    STATE.directory = Directory()
    STATE.help_box = ""
    path = Path(settings["PATH"]) / DIRECTORY_FILE
    if not path.is_file():
        return  # a site without a directory (the small test sites) has no help box
    directory, problems = load(path, display_path(path), datetime.date.today(),
                               STATE.settings["HELP_DIRECTORY_MAX_AGE_DAYS"])
    for problem in problems:
        if problem.level == "stale" and not STATE.settings["HELP_DIRECTORY_ENFORCE_DATES"]:
            # A preview still builds; make publish and make lint refuse it.
            logger.info("%s (an error in make publish and make lint)", problem)
        else:
            logger.error("%s", problem)
    STATE.directory = directory
    STATE.help_box = render_help_box(settings, directory)


def render_help_box(settings: dict, directory: Directory) -> str:
    environment = Environment(
        loader=FileSystemLoader(str(Path(settings["THEME"]) / "templates")),
        autoescape=select_autoescape(default=True), trim_blocks=True, lstrip_blocks=True,
    )
    template = environment.get_template(HELP_BOX_TEMPLATE)
    return template.render(help_directory=directory, SITEURL=settings.get("SITEURL", ""),
                           HELP_PAGE_SLUG=STATE.settings["HELP_PAGE_SLUG"]).strip()


def add_to_context(generator) -> None:
    generator.context["help_directory"] = STATE.directory
    for key in ("HELP_PAGE_SLUG", "SENSITIVE_TOPICS", "QUICK_EXIT_URL"):
        generator.context.setdefault(key, STATE.settings[key])


def is_yes(value) -> bool:
    return str(value or "").strip().lower() in ("yes", "true", "on")


def mark_sensitive(content) -> None:
    """Set ``content.sensitive`` (quick exit, never kept offline) and ``content.help_box``."""
    metadata = getattr(content, "metadata", {})
    slug = str(metadata.get("slug", getattr(content, "slug", "")))
    topics = metadata.get("topics") or []
    if isinstance(topics, str):
        topics = [t.strip() for t in topics.split(",")]
    kind = metadata.get("kind")
    content.has_caution_card = any(card.kind == "caution" for card in metadata.get("card_records") or [])
    about_harm = (
        is_yes(metadata.get("sensitive"))
        or bool(set(topics) & set(STATE.settings["SENSITIVE_TOPICS"]))
        or (kind == "page" and slug in STATE.settings["QUICK_EXIT_PAGES"])
        or (kind == "topic" and slug in STATE.settings["SENSITIVE_TOPICS"])
    )
    content.sensitive = about_harm or content.has_caution_card
    # A page about fear, abuse, self-harm or trauma leads with the box (the help page
    # lists every line itself). Elsewhere a CAUTION card carries the box inside it, so
    # a chapter with one careful note still opens with its own words on a phone.
    content.help_box = about_harm and slug != STATE.settings["HELP_PAGE_SLUG"] and bool(STATE.help_box)


def add_help_boxes(generators) -> None:
    """Put the help box inside every CAUTION card of every chapter and page.

    The tip-card extension leaves one empty marker element in each CAUTION card
    (tip_cards.extension.HELP_MARKER, kept by the sanitizer as it is); the box,
    our own markup rendered from the help directory, takes its place. Done once
    every generator has finished, after wiki links are resolved.
    """
    for generator in generators:
        for name in ("articles", "translations", "drafts", "drafts_translations",
                     "pages", "hidden_pages", "draft_pages", "entries"):
            for content in getattr(generator, name, None) or []:
                if getattr(content, "has_caution_card", False):
                    content._content = content._content.replace(HELP_MARKER, STATE.help_box)
