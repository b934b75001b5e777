"""robots.txt, and the cache section of the ``_headers`` file.

``_headers`` is read by Netlify and Cloudflare Pages (other hosts: see the
README). ad_guard writes its security headers there at ``finalized``; the
cache section is appended after them, one rule per top-level entry of the
site, so no two rules set Cache-Control for the same URL (those hosts would
join both values).
"""

from __future__ import annotations

from pathlib import Path

HEADERS_FILE = "_headers"
CACHE_SECTION = "# == cache (publishing plugin) =="
FOREVER = "public, max-age=31536000, immutable"
REVALIDATE = "public, max-age=0, must-revalidate"
FINGERPRINTED = "assets"
# Written after this step runs (by the service worker step), so not yet in the folder.
WRITTEN_LATER = ("sw.js",)


def write_robots(pelican) -> None:
    siteurl = pelican.settings["SITEURL"]
    text = (
        "# Every page may be crawled; the list of pages is in the sitemap.\n"
        "User-agent: *\n"
        "Disallow:\n"
        "\n"
        f"Sitemap: {siteurl}/sitemap.xml\n"
    )
    (Path(pelican.output_path) / "robots.txt").write_text(text, encoding="utf-8")


def cache_rules(output: Path) -> list[tuple[str, str]]:
    """(URL pattern, Cache-Control) for the whole site, fingerprinted files first."""
    rules = [(f"/{FINGERPRINTED}/*", FOREVER), ("/", REVALIDATE)]
    names = {p.name for p in output.iterdir() if p.name != HEADERS_FILE} | set(WRITTEN_LATER)
    for name in sorted(names - {FINGERPRINTED}):
        rules.append((f"/{name}/*" if (output / name).is_dir() else f"/{name}", REVALIDATE))
    return rules


def cache_section(output: Path) -> str:
    lines = [
        CACHE_SECTION,
        "# Fingerprinted files (a new version gets a new name): cache for a year.",
        "# Everything else: revalidate on every visit (a cheap 304 when unchanged).",
    ]
    for pattern, value in cache_rules(output):
        lines += [pattern, f"  Cache-Control: {value}"]
    return "\n".join(lines) + "\n"


def append_cache_headers(pelican) -> None:
    output = Path(pelican.output_path)
    headers = output / HEADERS_FILE
    existing = headers.read_text(encoding="utf-8") if headers.exists() else ""
    if CACHE_SECTION in existing:
        existing = existing[: existing.index(CACHE_SECTION)]
    existing = existing.rstrip()
    separator = "\n\n" if existing else ""
    headers.write_text(existing + separator + cache_section(output), encoding="utf-8")
