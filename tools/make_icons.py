"""Render the PNG icons from theme/static/icons/icon.svg with Chromium (run by hand, commit the PNGs).

    python tools/make_icons.py

Writes icon-192.png and icon-512.png (the SVG as drawn, transparent corners),
icon-maskable-512.png (full-bleed background, the rings inside the maskable
safe zone) and apple-touch-icon.png (180 px, full-bleed: iOS rounds the corners
itself and fills transparency with black).
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "theme" / "static" / "icons"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def full_bleed(svg: str, scale: float) -> str:
    """The icon on a square background, its drawing scaled about the centre."""
    background = re.search(r'<rect [^>]*fill="([^"]+)"', svg)[1]
    drawing = re.search(r"(<g .*</g>)", svg)[1]
    offset = 32 * (1 - scale)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">'
            f'<rect width="64" height="64" fill="{background}"/>'
            f'<g transform="translate({offset} {offset}) scale({scale})">{drawing}</g></svg>')


def render(page, svg: str, size: int, target: Path) -> None:
    sized = svg.replace("<svg ", f'<svg width="{size}" height="{size}" ', 1)
    page.set_viewport_size({"width": size, "height": size})
    page.set_content(f"<!doctype html><html><body style='margin:0'>{sized}</body></html>")
    clip = {"x": 0, "y": 0, "width": size, "height": size}
    page.screenshot(path=str(target), omit_background=True, clip=clip)
    print(f"wrote {target.relative_to(ROOT)} ({target.stat().st_size} bytes)")


def main() -> int:
    from playwright.sync_api import sync_playwright

    svg = (ICONS / "icon.svg").read_text(encoding="utf-8").strip()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page()
        render(page, svg, 192, ICONS / "icon-192.png")
        render(page, svg, 512, ICONS / "icon-512.png")
        render(page, full_bleed(svg, 0.8), 512, ICONS / "icon-maskable-512.png")
        render(page, full_bleed(svg, 1.0), 180, ICONS / "apple-touch-icon.png")
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
