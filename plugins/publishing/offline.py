"""The service worker, served from the site root (/sw.js) so it controls the whole site.

Its source is ``theme/static/js/sw.js``. The build writes into it a hash of
every byte of the finished site (the name of its cache, so each new build
gets a fresh cache and the old ones are deleted), the URLs to keep for
offline use from the first visit (the CSS and JavaScript, the home page,
/faq/, /search/ and the offline page) and the search files. Those are left
out of the first visit, as pages leave them until the search box is used (the
worker caches them then); a worker that finds them in an older build's cache
fetches this build's copies, so search keeps working offline after an update.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from urllib.parse import urlparse

import rjsmin

logger = logging.getLogger(__name__)

SERVICE_WORKER = "sw.js"
BUILD_HASH_TOKEN = '"BUILD_HASH"'
PRECACHE_TOKEN = "[/* PRECACHE_URLS */]"
SEARCH_TOKEN = "[/* SEARCH_URLS */]"
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


def precache_urls(output: Path, base: str) -> list[str]:
    pages = [page for page in PRECACHED_PAGES if (output / page / "index.html").is_file()]
    files = [path for path in asset_paths(output) if not path.startswith(SEARCH_FOLDER)]
    return [f"{base}/{path}" for path in [*pages, *files]]


def search_urls(output: Path, base: str) -> list[str]:
    return [f"{base}/{path}" for path in asset_paths(output) if path.startswith(SEARCH_FOLDER)]


def asset_paths(output: Path) -> list[str]:
    return [p.relative_to(output).as_posix() for p in site_files(output) if p.suffix in PRECACHED_SUFFIXES]


def write_service_worker(pelican) -> None:
    output = Path(pelican.output_path)
    source = Path(pelican.settings["THEME"]) / "static" / "js" / SERVICE_WORKER
    text = source.read_text(encoding="utf-8")
    for token in (BUILD_HASH_TOKEN, PRECACHE_TOKEN, SEARCH_TOKEN):
        if token not in text:
            logger.error("%s: the service worker lost its placeholder %s", source, token)
            return
    base = urlparse(pelican.settings["SITEURL"]).path.rstrip("/")
    text = text.replace(BUILD_HASH_TOKEN, json.dumps(build_hash(output)))
    text = text.replace(PRECACHE_TOKEN, json.dumps(precache_urls(output, base)))
    text = text.replace(SEARCH_TOKEN, json.dumps(search_urls(output, base)))
    if pelican.settings.get("ASSETS_MINIFY"):
        text = rjsmin.jsmin(text)
    for stray in output.rglob(SERVICE_WORKER):
        stray.unlink()  # an unfilled copy from the theme: registering it would break offline reading
    (output / SERVICE_WORKER).write_text(text, encoding="utf-8")
