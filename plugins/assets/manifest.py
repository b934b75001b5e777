"""The web app manifest (manifest.webmanifest): name, colours, start URL and icons.

Icons are the files in ``theme/static/icons/``: the SVG for any size, each PNG
at the size read from its header, and a PNG whose name says ``maskable`` for
launchers that crop icons to a shape. URLs are relative to the manifest, so
the same file works at a domain's root and under a sub-path.
"""

from __future__ import annotations

import json
import struct
from pathlib import PurePosixPath

from .fingerprint import AssetCatalogue

MANIFEST_NAME = "manifest.webmanifest"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    if not data.startswith(PNG_SIGNATURE):
        raise ValueError("not a PNG file")
    return struct.unpack(">II", data[16:24])


def manifest_icons(catalogue: AssetCatalogue) -> list[dict]:
    icons = []
    for name, (url, data) in sorted(catalogue.files.items()):
        path = PurePosixPath(name)
        if path.parent.name != "icons":
            continue
        if path.suffix == ".svg":
            icons.append({"src": url, "sizes": "any", "type": "image/svg+xml"})
        elif path.suffix == ".png" and "apple-touch" not in path.stem:
            width, height = png_size(data)
            icon = {"src": url, "sizes": f"{width}x{height}", "type": "image/png"}
            if "maskable" in path.stem:
                icon["purpose"] = "maskable"
            icons.append(icon)
    return icons


def web_app_manifest(settings: dict, catalogue: AssetCatalogue) -> dict:
    colours = settings.get("MANIFEST_COLOURS", {})
    return {
        "name": f"{settings['SITENAME']}: {settings.get('SITESUBTITLE', '')}".rstrip(": "),
        "short_name": settings["SITENAME"],
        "description": settings.get("SITEDESCRIPTION", ""),
        "lang": settings.get("DEFAULT_LANG", "en"),
        "dir": "ltr",
        "start_url": "./",
        "scope": "./",
        "display": "standalone",
        "background_color": colours.get("background", "#ffffff"),
        "theme_color": colours.get("theme", "#ffffff"),
        "icons": manifest_icons(catalogue),
    }


def manifest_json(settings: dict, catalogue: AssetCatalogue) -> str:
    manifest = web_app_manifest(settings, catalogue)
    return json.dumps(manifest, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n"
