"""Whole-site checks on the real guide: every page's basics, links, no third parties."""

from __future__ import annotations

from collections import Counter
from urllib.parse import urldefrag, urlparse

import pytest
from bs4 import BeautifulSoup

from conftest import html_pages, page_url


@pytest.fixture(scope="session")
def pages(guide):
    return {
        page_url(guide, path): BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for path in html_pages(guide)
    }


def test_the_guide_has_its_main_pages(guide, pages):
    assert (guide / "index.html").exists()
    assert "/404.html" in pages
    assert "/search/" in pages
    for slug in ("about", "editorial-policy", "getting-help", "privacy"):
        assert f"/{slug}/" in pages
    assert sum(url.startswith("/guide/") for url in pages) >= 18


def test_every_page_has_the_basics(pages):
    titles = Counter()
    for url, soup in pages.items():
        where = f"on {url}"
        assert soup.html.get("lang") == "en", where
        assert len(soup.find_all("h1")) == 1, where
        titles[soup.title.get_text(strip=True)] += 1
        description = soup.find("meta", attrs={"name": "description"})
        assert description and len(description["content"].strip()) > 20, where
        assert soup.find("link", rel="canonical"), where
        assert soup.find("main", id="main"), where
        assert soup.find("a", class_="skip-link", href="#main"), where
        assert soup.find("header") and soup.find("footer") and soup.find("nav"), where
        form = soup.find("form", attrs={"action": "/search/"})
        assert form and form.find("input", attrs={"type": "search", "name": "q"}), where
        for img in soup.find_all("img"):
            assert img.has_attr("alt"), f"image without alt {where}"
    repeated = [title for title, count in titles.items() if count > 1]
    assert not repeated, f"titles used by more than one page: {repeated}"


def test_nothing_is_loaded_from_another_origin(pages):
    for url, soup in pages.items():
        for tag, attr in (("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src"),
                          ("source", "src"), ("form", "action")):
            for element in soup.find_all(tag):
                value = element.get(attr, "")
                if tag == "link" and "canonical" in element.get("rel", []):
                    continue
                assert not urlparse(value).netloc, f"{tag} from another origin on {url}: {value}"
        assert not soup.find("script", src=False, type=lambda t: t != "application/ld+json"), \
            f"inline script on {url}"


def test_every_internal_link_and_anchor_resolves(pages):
    ids = {url: {el["id"] for el in soup.find_all(id=True)} for url, soup in pages.items()}
    broken = []
    for url, soup in pages.items():
        for link in soup.find_all("a", href=True):
            href = link["href"]
            parsed = urlparse(href)
            if parsed.scheme or parsed.netloc or href.startswith("mailto:"):
                continue
            target, fragment = urldefrag(href)
            target = target or url
            assert target.startswith("/"), f"relative link {href} on {url}"
            if target not in ids:
                broken.append(f"{url} -> {href}")
            elif fragment and fragment not in ids[target]:
                broken.append(f"{url} -> {href} (no such anchor)")
    assert not broken, "\n".join(broken)


def test_home_lists_every_chapter_in_guide_order(pages):
    home = pages["/"]
    links = [a["href"] for a in home.select(".chapter-list a")]
    chapters = sorted(url for url in pages if url.startswith("/guide/"))
    assert sorted(links) == chapters
    numbers = [int(li["value"]) for li in home.select(".chapter-list li")]
    assert numbers == sorted(numbers)


def test_chapters_link_to_their_neighbours(pages):
    home_order = [a["href"] for a in pages["/"].select(".chapter-list a")]
    for previous, current in zip(home_order, home_order[1:]):
        soup = pages[current]
        assert soup.select_one("a[rel=prev]")["href"] == previous
        assert pages[previous].select_one("a[rel=next]")["href"] == current
    first = pages[home_order[0]]
    assert first.select_one("a[rel=prev]") is None


def test_chapter_template_shows_reading_aids(pages):
    for url, soup in pages.items():
        if not url.startswith("/guide/"):
            continue
        assert "min read" in soup.select_one(".chapter-meta").get_text(), url
        reviewed = soup.select_one(".chapter-meta time")
        assert reviewed and len(reviewed["datetime"]) == 10, url
        assert soup.select_one(".lead").get_text(strip=True), url
        toc = soup.select(".toc a")
        assert len(toc) >= 3, f"{url} has no table of contents"
        for link in toc:
            assert soup.find(id=link["href"][1:]), url
