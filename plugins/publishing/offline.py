"""The service worker, served from the site root (/sw.js) so it controls the whole site.

Its source is ``theme/static/js/sw.js``. The build writes into it a hash of
every byte of the finished site (the name of its cache, so each new build
gets a fresh cache and the old ones are deleted), the URLs to keep for
offline use from the first visit (the CSS and JavaScript, the home page,
/faq/, /search/ and the offline page) and the search files. Those are left
out of the first visit, as pages leave them until the search box is used (the
worker caches them then); a worker that finds them in an older build's cache
fetches this build's copies, so search keeps working offline after an update.
The search files are lunr.min.js and search/meta.json, and the parts of the
index (search/<build>/) only when search_index marked it small enough to be
fetched whole (``"prefetch"`` in meta.json); a large index is fetched part
by part as readers search, and the worker keeps the parts they fetched.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from urllib.parse import urlparse

import rjsmin
from selectolax.lexbor import LexborHTMLParser

logger = logging.getLogger(__name__)

SERVICE_WORKER = "sw.js"
BUILD_HASH_TOKEN = '"BUILD_HASH"'
PRECACHE_TOKEN = "[/* PRECACHE_URLS */]"
SEARCH_TOKEN = "[/* SEARCH_URLS */]"
SENSITIVE_TOKEN = "[/* SENSITIVE_URLS */]"
# Pages with this element (the quick exit, plugins/reader_safety) are never kept offline.
SENSITIVE_MARK = "quick-exit"
SEARCH_FOLDER = "search/"
PRECACHED_PAGES = ("", "faq/", "search/", "offline/")
PRECACHED_SUFFIXES = (".css", ".js", ".json")


def site_files(output: Path) -> list[Path]:
    return sorted(p for p in output.rglob("*") if p.is_file() and p.name != SERVICE_WORKER)


def build_hash(output: Path) -> str:
    digest = hashlib.sha256()
    for path in site_files(output):
        digest.update(path.relative_to(output).as_posix().encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


def cached_urls(output: Path, base: str) -> tuple[list[str], list[str]]:
    """The URLs to precache on the first visit, and the search files (kept on first search)."""
    pages = [page for page in PRECACHED_PAGES if (output / page / "index.html").is_file()]
    files = [p.relative_to(output).as_posix() for p in site_files(output) if p.suffix in PRECACHED_SUFFIXES]
    search = [path for path in files if path.startswith(SEARCH_FOLDER)]
    if not search_fetched_whole(output):
        search = [path for path in search if "/" not in path[len(SEARCH_FOLDER):]]
    first_visit = [*pages, *(path for path in files if not path.startswith(SEARCH_FOLDER))]
    return [f"{base}/{path}" for path in first_visit], [f"{base}/{path}" for path in search]


def sensitive_urls(output: Path, base: str, marks: dict[str, frozenset[str]] | None = None) -> list[str]:
    """Every page that carries the quick exit: the worker never keeps them.

    ``marks`` is what ad_guard's one parse of each written page found (output file ->
    the ids it holds); without ad_guard the pages are parsed here.
    """
    urls = []
    for path in sorted(output.rglob("*.html")):
        relative = path.relative_to(output).as_posix()
        if marks is not None and relative in marks:
            if SENSITIVE_MARK not in marks[relative]:
                continue
        elif LexborHTMLParser(path.read_text(encoding="utf-8")).css_first(f"#{SENSITIVE_MARK}") is None:
            continue
        urls.append(f"{base}/{relative.removesuffix('index.html')}")
    return urls
def search_fetched_whole(output: Path) -> bool:
    meta = output / SEARCH_FOLDER / "meta.json"
    try:
        return bool(json.loads(meta.read_text(encoding="utf-8")).get("prefetch"))
    except (OSError, ValueError, AttributeError):
        return False


def write_service_worker(pelican) -> None:
    output = Path(pelican.output_path)
    source = Path(pelican.settings["THEME"]) / "static" / "js" / SERVICE_WORKER
    text = source.read_text(encoding="utf-8")
    for token in (BUILD_HASH_TOKEN, PRECACHE_TOKEN, SEARCH_TOKEN, SENSITIVE_TOKEN):
        if token not in text:
            logger.error("%s: the service worker lost its placeholder %s", source, token)
            return
    base = urlparse(pelican.settings["SITEURL"]).path.rstrip("/")
    text = text.replace(BUILD_HASH_TOKEN, json.dumps(build_hash(output)))
    precache, search = cached_urls(output, base)
    sensitive = sensitive_urls(output, base, getattr(pelican, "page_marks", None))
    precache = [url for url in precache if url not in sensitive]
    text = text.replace(PRECACHE_TOKEN, json.dumps(precache))
    text = text.replace(SENSITIVE_TOKEN, json.dumps(sensitive))
    text = text.replace(SEARCH_TOKEN, json.dumps(search))
    if pelican.settings.get("ASSETS_MINIFY"):
        text = rjsmin.jsmin(text)
    for stray in output.rglob(SERVICE_WORKER):
        stray.unlink()  # an unfilled copy from the theme: registering it would break offline reading
    (output / SERVICE_WORKER).write_text(text, encoding="utf-8")
