"""Sitemap lastmod from the content's own Reviewed dates.

pelican-sitemap lists every page written and takes lastmod from ``modified``
or ``date``, else from the time of the build. That time would make two
builds differ, and pages it cannot date (FAQ entries, topic pages, the home
page) would all look changed on every build. So once it has written
sitemap.xml, each lastmod is set again:

- a chapter or FAQ entry: its Reviewed date;
- a page that lists others (home, /faq/, /topics/..., /tips/): the newest
  Reviewed date among the dated pages its <main> links to;
- anything else: SOURCE_DATE_EPOCH when set, else the newest Reviewed date
  in the site.
"""

from __future__ import annotations

import datetime
import logging
import os
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urldefrag, urljoin

from selectolax.lexbor import LexborHTMLParser

logger = logging.getLogger(__name__)

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NAMESPACES = {
    "": SITEMAP_NS,
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
    "xhtml": "http://www.w3.org/1999/xhtml",
}

# Output folder -> {URL path: (is content, its Reviewed date or None)}, filled as pages are written.
_pages: dict[str, dict[str, tuple[bool, datetime.date | None]]] = {}


def url_path(file_path: str, output: str) -> str:
    """``guide/x/index.html`` -> ``guide/x/``, as the page is linked."""
    relative = os.path.relpath(file_path, output).replace(os.sep, "/")
    if relative == "index.html":
        return ""
    return relative[: -len("index.html")] if relative.endswith("/index.html") else relative


def forget_pages(pelican) -> None:
    _pages.pop(str(pelican.output_path), None)


def record_page(path: str, context: dict) -> None:
    content = context.get("article") or context.get("page") or context.get("entry")
    reviewed = getattr(content, "reviewed", None)
    if isinstance(reviewed, datetime.datetime):
        reviewed = reviewed.date()
    pages = _pages.setdefault(str(context["OUTPUT_PATH"]), {})
    pages[url_path(path, context["OUTPUT_PATH"])] = (content is not None, reviewed)


def fallback_date(dated: dict[str, datetime.date]) -> datetime.date | None:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), tz=datetime.UTC).date()
    return max(dated.values(), default=None)


def newest_linked(output: Path, page: str, siteurl: str, dated: dict[str, datetime.date],
                  links: dict[str, tuple[str, ...]] | None = None) -> datetime.date | None:
    """The newest date among the dated pages linked from the page's <main>.

    ``links`` are the <main> links the guard found in its one parse of each list page
    (ad_guard's ``page_links``); without it (a site without ad_guard) the page is parsed here.
    """
    file_name = page + "index.html" if page == "" or page.endswith("/") else page
    hrefs = (links or {}).get(file_name)
    if hrefs is None:
        file = output / file_name
        if not file.is_file():
            return None
        tree = LexborHTMLParser(file.read_text(encoding="utf-8"))
        hrefs = tuple(link.attributes.get("href") or "" for link in tree.css("main a[href]"))
    base = f"{siteurl}/{page}"
    dates = []
    for href in hrefs:
        target = urldefrag(urljoin(base, href))[0]
        if target.startswith(siteurl + "/"):
            found = dated.get(target[len(siteurl) + 1:])
            if found:
                dates.append(found)
    return max(dates, default=None)


def date_sitemap(pelican) -> None:
    output = Path(pelican.output_path)
    sitemap = output / "sitemap.xml"
    if not sitemap.is_file():
        return
    siteurl = pelican.settings["SITEURL"]
    pages = _pages.get(str(pelican.output_path), {})
    dated = {url: reviewed for url, (_, reviewed) in pages.items() if reviewed}
    fallback = fallback_date(dated)
    for prefix, uri in NAMESPACES.items():
        ET.register_namespace(prefix, uri)
    tree = ET.parse(sitemap)
    for entry in tree.getroot().iterfind(f"{{{SITEMAP_NS}}}url"):
        loc = entry.findtext(f"{{{SITEMAP_NS}}}loc", "").strip()
        page = loc[len(siteurl) + 1:] if loc.startswith(siteurl + "/") else loc
        is_content, reviewed = pages.get(page, (False, None))
        if reviewed is None and not is_content:
            reviewed = newest_linked(output, page, siteurl, dated, getattr(pelican, "page_links", None))
        reviewed = reviewed or fallback
        lastmod = entry.find(f"{{{SITEMAP_NS}}}lastmod")
        if reviewed is None:
            if lastmod is not None:
                entry.remove(lastmod)
            continue
        if lastmod is None:
            lastmod = ET.SubElement(entry, f"{{{SITEMAP_NS}}}lastmod")
        lastmod.text = reviewed.isoformat()
    ET.indent(tree)
    tree.write(sitemap, encoding="utf-8", xml_declaration=True)
    logger.info("sitemap: lastmod set from Reviewed dates for %s", sitemap)
