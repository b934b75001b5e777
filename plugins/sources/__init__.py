"""sources: the registry of verified sources and the Sources of chapters and FAQ entries.

At ``initialized`` the registry (``content/data/sources.toml``, registry.py)
is read once and checked; each problem is ``content/data/sources.toml:LINE:
error: ...``. At ``content_object_init`` each chapter's or FAQ entry's
``Sources: key1, key2`` (a list by then: content_model splits it) becomes the
registry's entries, in the order written, for ``partials/sources.html`` and the
chapter's JSON-LD ``citation``; an unknown key is an error on the Sources line.
"""

from __future__ import annotations

import logging
from pathlib import Path

from guide_core import kinds
from guide_core.frontmatter import metadata_line
from guide_core.problems import display_path
from pelican import signals

from .registry import ISBN_URL, KEY, Source, cited_keys, did_you_mean, parse_registry

logger = logging.getLogger(__name__)

SOURCES_FILE = "data/sources.toml"
CITING_KINDS = tuple(k.name for k in kinds.KINDS.values() if k.readable)

# The registry of the build under way (one build per process, as Pelican runs).
_registry: dict[str, Source] = {}


def registry_path(settings: dict) -> Path:
    return Path(settings["PATH"]) / settings.get("SOURCES_FILE", SOURCES_FILE)


def load_registry(pelican) -> None:
    _registry.clear()
    path = registry_path(pelican.settings)
    if not path.is_file():
        return
    sources, problems = parse_registry(path.read_text(encoding="utf-8"),
                                       pelican.settings.get("SOURCES_ISBN_URL", ISBN_URL))
    for problem in problems:
        logger.error("%s:%d: %s", display_path(path), problem.line, problem.message)
    _registry.update(sources)


def attach_sources(instance) -> None:
    """Replace the cited keys by the registry's entries (errors for unknown keys)."""
    if getattr(instance, "kind", None) not in CITING_KINDS or not getattr(instance, "source_path", None):
        return
    keys = cited_keys(instance.metadata.get("sources"))
    found: list[Source] = []
    for key in keys:
        if key in _registry:
            if _registry[key] not in found:
                found.append(_registry[key])
        elif KEY.match(key):  # a key that is not a slug: content_model has said so already
            logger.error('%s:%d: unknown source "%s"%s', display_path(instance.source_path),
                         metadata_line(instance.source_path, "sources"), key, did_you_mean(key, _registry))
    instance.sources = found
    instance.citations = [source.json_ld() for source in found]


def register() -> None:
    signals.initialized.connect(load_registry)
    signals.content_object_init.connect(attach_sources)
