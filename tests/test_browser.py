"""Real Chromium against the built guide on 127.0.0.1: axe, layout, privacy, errors."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from conftest import html_pages, page_url, run_axe


@pytest.fixture(scope="session")
def urls(guide):
    return [page_url(guide, path) for path in html_pages(guide)]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violations_on_any_page(server, open_page, urls, scheme):
    failures = {}
    for url in urls:
        watched = open_page(server + url, color_scheme=scheme)
        violations = run_axe(watched.page)
        if violations:
            failures[url] = violations
    assert not failures, "\n".join(f"{u}: {v}" for u, v in failures.items())


@pytest.mark.parametrize("width", [320, 375])
def test_no_page_scrolls_sideways_on_a_phone(server, open_page, urls, width):
    wide = []
    for url in urls:
        page = open_page(server + url, width=width, height=740).page
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            wide.append(f"{url} is {overflow}px too wide")
    assert not wide, "\n".join(wide)


def test_no_request_leaves_the_machine_and_no_errors(server, open_page, urls):
    for url in urls:
        watched = open_page(server + url)
        assert watched.outside == [], url
        assert watched.console_errors == [], f"{url}: {watched.console_errors}"
        assert watched.page_errors == [], f"{url}: {watched.page_errors}"


def test_skip_link_moves_focus_to_main(server, open_page):
    page = open_page(server + "/guide/building-trust/").page
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))


def test_chapter_prints_without_navigation(server, open_page):
    page = open_page(server + "/guide/building-trust/").page
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator(".pager").is_visible()
    assert page.locator("h1").is_visible()


# The layout shifts so far, read once two more frames have been drawn (a shift is
# reported with the frame that made it), rather than after a fixed wait.
LAYOUT_SHIFT = """() => new Promise(resolve => {
  let total = 0;
  const add = entries => { for (const e of entries) if (!e.hadRecentInput) total += e.value; };
  const observer = new PerformanceObserver(list => add(list.getEntries()));
  observer.observe({type: "layout-shift", buffered: true});
  requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(() => {
    add(observer.takeRecords());
    observer.disconnect();
    resolve(total);
  })));
})"""


def test_search_results_arrive_without_moving_the_page(server, open_page):
    # search-page.js marks the page before it paints, and the results area keeps
    # a screen free for the results, so the lists below do not jump down.
    page = open_page(server + "/search/?q=trust", width=412, height=823).page
    page.wait_for_selector("#search-results a")
    assert page.evaluate("document.documentElement.classList.contains('search-has-query')")
    assert page.evaluate(LAYOUT_SHIFT) == 0


def test_search_page_without_results_shows_the_note_and_the_lists_at_once(server, open_page):
    page = open_page(server + "/search/?q=xylophone+zeppelin", width=412, height=823).page
    expect(page.locator("#search-status")).not_to_be_empty()
    note = page.locator("#search-none").bounding_box()
    lists = page.locator("#search-browse").bounding_box()
    assert note and note["y"] < 823 and lists["y"] < 823, "the note and the lists are on the first screen"
    page = open_page(server + "/search/", width=412, height=823).page
    assert not page.evaluate("document.documentElement.classList.contains('search-has-query')")
    assert page.locator("#search-browse").bounding_box()["y"] < 823
    assert page.evaluate(LAYOUT_SHIFT) == 0
