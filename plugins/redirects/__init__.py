"""redirects: no URL ever breaks. A page's ``Redirects:`` become redirect pages and ``_redirects``.

- At ``all_generators_finalized`` every published chapter, FAQ entry and page
  is read for ``Redirects:`` (model.py). A malformed path, an old path that is
  the address of other content (or of the page itself), and two pages claiming
  one old path are errors on the Redirects line.
- At ``finalized`` (after every page is written, before ad_guard, search_index
  and publishing look at the output) each old path that no written file holds
  gets a small page (``redirect.html``: meta refresh, canonical link, noindex,
  a plain link) and a ``301`` line in ``_redirects`` (Netlify, Cloudflare
  Pages). These pages are not written through Pelican's writer, so
  pelican-sitemap never lists them; their ``noindex`` keeps them out of search.
"""

from __future__ import annotations

import logging
from pathlib import Path

from ada_url import URL
from guide_core.frontmatter import metadata_line
from guide_core.problems import display_path
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pelican import signals

from .model import Redirect, path_problem, split_paths

logger = logging.getLogger(__name__)

REDIRECTS_FILE = "_redirects"
TEMPLATE = "redirect.html"
REDIRECTING_KINDS = ("chapter", "question", "page")  # guide_core.kinds with files of their own URL

# The redirects of the build under way, from all_generators_finalized to finalized.
_redirects: list[Redirect] = []


def site_path(url: str) -> str:
    """``guide/x/`` -> ``/guide/x/``; ``""`` (the home page) -> ``/``."""
    return "/" + url.lstrip("/")


def published_content(context: dict, preview: bool) -> list:
    statuses = ("published", "draft") if preview else ("published",)
    found = {}
    for content in context.get("generated_content", {}).values():
        if content is not None and getattr(content, "kind", None) in REDIRECTING_KINDS \
                and content.status in statuses and getattr(content, "url", None) is not None:
            found[id(content)] = content
    return sorted(found.values(), key=lambda c: c.source_path)


def collect_redirects(generators) -> None:
    _redirects.clear()
    if not generators:
        return
    context = generators[0].context
    contents = published_content(context, bool(context.get("PREVIEW_DRAFTS")))
    addresses = {site_path(content.url): content for content in contents}
    claimed: dict[str, Redirect] = {}
    for content in contents:
        paths = split_paths(content.metadata.get("redirects"))
        if not paths:
            continue
        where, line = display_path(content.source_path), metadata_line(content.source_path, "redirects")
        for path in paths:
            problem = path_problem(path)
            if problem is None and path in addresses:
                owner = addresses[path]
                problem = (f'Redirects "{path}" is the address of this page itself' if owner is content else
                           f'Redirects "{path}" is the address of a page that exists '
                           f"({display_path(owner.source_path)}); only a page that is gone can be redirected")
            if problem is None and path in claimed:
                other = claimed[path]
                problem = (f'Redirects "{path}" is also claimed by {display_path(other.source_path)}:'
                           f"{other.line}; an old address can lead to one page only")
            if problem:
                logger.error("%s:%d: %s", where, line, problem)
                continue
            claimed[path] = Redirect(path, content.url, content.source_path, line)
    _redirects.extend(claimed.values())


def environment(settings: dict) -> Environment:
    """The theme's templates, autoescaped (Pelican's own environment is not)."""
    folders = [str(Path(settings["THEME"]) / "templates")]
    return Environment(loader=FileSystemLoader(folders), autoescape=select_autoescape(default=True),
                       trim_blocks=True, lstrip_blocks=True)


def write_redirects(pelican) -> None:
    """Each redirect page, and ``_redirects``; an old path that a written file holds is an error."""
    output = Path(pelican.output_path)
    settings = pelican.settings
    siteurl = settings.get("SITEURL", "")
    written: list[tuple[Redirect, str]] = []
    template = environment(settings).get_template(TEMPLATE) if _redirects else None
    # The fingerprinted icon from the assets plugin, when it runs.
    catalogue = settings.get("ASSET_CATALOGUE")
    icon = f"{siteurl}/{catalogue.url('icons/icon.svg')}" if catalogue is not None and _redirects else ""
    for redirect in sorted(_redirects, key=lambda r: r.old):
        target = output / redirect.save_as
        if target.exists():
            logger.error('%s:%d: Redirects "%s" is the address of a page the build writes (%s)',
                         display_path(redirect.source_path), redirect.line, redirect.old, redirect.save_as)
            continue
        new_url = f"{siteurl}/{redirect.new_url}"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(template.render(
            new_url=new_url, old_path=redirect.old, icon=icon, SITENAME=settings.get("SITENAME", ""),
            DEFAULT_LANG=settings.get("DEFAULT_LANG", "en"),
            CONTENT_SECURITY_POLICY=settings.get("CONTENT_SECURITY_POLICY", ""),
        ), encoding="utf-8")
        written.append((redirect, new_url))
    if not written:
        return
    # Paths on the host include the folder SITEURL may have (https://example.org/guide).
    prefix = URL(siteurl).pathname.rstrip("/") if siteurl.startswith(("https://", "http://")) else ""
    lines = ["# Old addresses and the pages that replaced them (Redirects: metadata; plugins/redirects)."]
    lines += [f"{prefix}{redirect.old} {prefix}/{redirect.new_url} 301" for redirect, _ in written]
    (output / REDIRECTS_FILE).write_text("\n".join(lines) + "\n", encoding="utf-8")
    logger.info("redirects: %d old address(es) redirected", len(written))


def register() -> None:
    signals.all_generators_finalized.connect(collect_redirects)
    signals.finalized.connect(write_redirects)
