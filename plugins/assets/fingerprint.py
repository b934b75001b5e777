"""Fingerprinted copies of the theme's static files, so they can be cached forever.

Every file under ``theme/static/`` gets a copy at ``assets/<folder>/<name>.<hash>.<ext>``
whose hash is taken from the bytes written (minified first when ``ASSETS_MINIFY``
is true). Templates ask for the URL with ``{{ asset('css/site.css') }}``; a new
version of a file is a new URL, so a cache never serves a stale one.
The service worker (``sw.js``) is left out: its URL must never change.
pelicanconf.py sets ``THEME_STATIC_PATHS = []``, so these are the only copies.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import rcssmin
import rjsmin

logger = logging.getLogger(__name__)

ASSETS_DIR = "assets"
HASH_LENGTH = 10
NEVER_FINGERPRINTED = {"sw.js"}


def minified(name: str, data: bytes) -> bytes:
    """CSS and JavaScript without comments and spare white space; other files as they are."""
    suffix = PurePosixPath(name).suffix
    if suffix == ".css":
        return rcssmin.cssmin(data.decode("utf-8")).encode("utf-8")
    if suffix == ".js":
        return rjsmin.jsmin(data.decode("utf-8")).encode("utf-8")
    return data


def fingerprinted_name(name: str, data: bytes) -> str:
    path = PurePosixPath(name)
    digest = hashlib.sha256(data).hexdigest()[:HASH_LENGTH]
    return str(path.with_name(f"{path.stem}.{digest}{path.suffix}"))


@dataclass
class AssetCatalogue:
    """The theme's static files: source name -> (fingerprinted name, bytes)."""

    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)

    @classmethod
    def from_folder(cls, static: Path, minify: bool) -> AssetCatalogue:
        catalogue = cls()
        for path in sorted(p for p in static.rglob("*") if p.is_file()):
            if path.name in NEVER_FINGERPRINTED or path.name.startswith("."):
                continue
            name = path.relative_to(static).as_posix()
            data = path.read_bytes()
            if minify:
                data = minified(name, data)
            catalogue.files[name] = (f"{ASSETS_DIR}/{fingerprinted_name(name, data)}", data)
        return catalogue

    def url(self, name: str) -> str:
        """The fingerprinted path of a theme file, relative to the site root."""
        try:
            return self.files[name][0]
        except KeyError:
            logger.error("asset(%r): there is no theme/static/%s", name, name)
            return f"{ASSETS_DIR}/{name}"

    def write(self, output: Path) -> None:
        for target, data in self.files.values():
            path = output / target
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)


def theme_static_folder(settings: dict) -> Path:
    return Path(settings["THEME"]) / "static"


def catalogue_for(settings: dict) -> AssetCatalogue:
    return AssetCatalogue.from_folder(theme_static_folder(settings), bool(settings.get("ASSETS_MINIFY")))
