"""Layout invariants on every kind of page, at 320, 375 and 1280 px, light and dark (Chromium).

The bugs these stop coming back unseen: an FAQ entry page squashed into 672 px (header and
footer too) because its body class matched a content rule; content touching the footer;
a phone header taking a quarter of the screen; a topic map with 6 px labels; a chapter
whose first paragraph starts below a phone's first screen.
"""

from __future__ import annotations

import pytest

from conftest import html_pages, page_url

WIDTHS = (320, 375, 1280)
SCHEMES = ("light", "dark")
MIN_TEXT_PX = 12
MIN_GAP_ABOVE_FOOTER_PX = 24
PHONE_HEADER_SHARE = 0.2  # of a 812 px phone screen


def page_types(guide) -> dict[str, str]:
    """One page of each kind the templates make: kind -> URL."""
    urls = {page_url(guide, p) for p in html_pages(guide)}

    def first(prefix: str) -> str:
        return min(u for u in urls if u.startswith(prefix) and u != prefix)

    return {
        "home": "/",
        "chapter": "/guide/building-trust/",
        "chapter with tip cards": "/guide/handling-conflict/",
        "questions": "/faq/",
        "question": first("/faq/"),
        "topics": "/topics/",
        "topic": first("/topics/"),
        "tips": "/tips/",
        "search": "/search/?q=trust",
        "search, nothing found": "/search/?q=xylophone+zeppelin",
        "page": "/about/",
        "getting help": "/getting-help/",
        "not found": "/404.html",
    }


MEASURE = """() => {
  const width = document.documentElement.clientWidth;
  const visible = el => el.checkVisibility({opacityProperty: true, visibilityProperty: true});
  const spans = sel => {
    const el = document.querySelector(sel);
    if (!el) return sel + " is missing";
    const box = el.getBoundingClientRect();
    return Math.abs(box.left) <= 0.5 && Math.abs(box.width - width) <= 1
      ? null : `${sel} spans ${box.left.toFixed(0)}..${box.right.toFixed(0)} of 0..${width}`;
  };
  const small = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.trim();
    const el = node.parentElement;
    if (!text || !el || !visible(el)) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const box = range.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1) continue;  // text for screen readers only
    let size = parseFloat(getComputedStyle(el).fontSize);
    if (el instanceof SVGElement) {
      const m = el.getScreenCTM();
      size *= Math.hypot(m.a, m.b);  // what the SVG's scaling leaves of it on screen
    }
    if (size < MIN - 0.05) small.push(`<${el.localName} class="${el.getAttribute("class") || ""}"> ` +
                                      `${size.toFixed(1)}px: ${text.slice(0, 40)}`);
  }
  const footer = document.querySelector(".site-footer").getBoundingClientRect();
  let contentBottom = 0;
  for (const el of document.querySelectorAll("main *")) {
    if (!visible(el)) continue;
    const box = el.getBoundingClientRect();
    if (box.width > 0 && box.height > 0) contentBottom = Math.max(contentBottom, box.bottom);
  }
  return {
    header: spans(".site-header"),
    footer: spans(".site-footer"),
    headerHeight: document.querySelector(".site-header").getBoundingClientRect().height,
    gapAboveFooter: footer.top - contentBottom,
    overflow: document.documentElement.scrollWidth - window.innerWidth,
    small: small.slice(0, 8),
  };
}""".replace("MIN", str(MIN_TEXT_PX))


@pytest.fixture(scope="module")
def kinds(guide) -> dict[str, str]:
    return page_types(guide)


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
def test_every_kind_of_page_keeps_its_layout(server, browser, kinds, width, scheme):
    context = browser.new_context(viewport={"width": width, "height": 812 if width < 1000 else 900},
                                  color_scheme=scheme, service_workers="block")
    page = context.new_page()
    problems = []
    try:
        for kind, url in kinds.items():
            page.goto(server + url, wait_until="load")
            if url.startswith("/search/?"):
                page.locator("#search-status").filter(has_text="for").wait_for()
            found = page.evaluate(MEASURE)
            where = f"{kind} ({url}) at {width} px, {scheme}"
            for part in ("header", "footer"):
                if found[part]:
                    problems.append(f"{where}: {found[part]}")
            if found["gapAboveFooter"] < MIN_GAP_ABOVE_FOOTER_PX:
                gap = found["gapAboveFooter"]
                problems.append(f"{where}: the content ends {gap:.0f} px above the footer")
            if found["overflow"] > 0:
                problems.append(f"{where}: {found['overflow']} px wider than the screen")
            for text in found["small"]:
                problems.append(f"{where}: text under {MIN_TEXT_PX} px: {text}")
            if width < 1000 and found["headerHeight"] > PHONE_HEADER_SHARE * 812:
                problems.append(f"{where}: the header is {found['headerHeight']:.0f} px tall")
    finally:
        context.close()
    assert not problems, "\n".join(problems)


def test_every_chapter_starts_its_text_on_a_phones_first_screen(server, browser, guide):
    context = browser.new_context(viewport={"width": 375, "height": 812}, service_workers="block")
    page = context.new_page()
    late = []
    try:
        urls = [page_url(guide, path) for path in html_pages(guide)]
        chapters = sorted(url for url in urls if url.startswith("/guide/"))
        assert len(chapters) >= 20
        for url in chapters:
            page.goto(server + url, wait_until="load")
            if page.locator("main > .help-now").count():
                # A chapter about abuse, self-harm or trauma leads with the help box
                # (plugins/reader_safety): there, help comes first on purpose.
                continue
            top = page.locator(".prose > p").first.bounding_box()["y"]
            if top + 24 > 812:  # at least its first line is on the screen
                late.append(f"{url}: the first paragraph starts at {top:.0f} px")
    finally:
        context.close()
    assert not late, "\n".join(late)


def test_the_contents_stay_in_view_beside_a_chapter_and_mark_the_section(server, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block",
                                  reduced_motion="reduce")
    page = context.new_page()
    try:
        page.goto(server + "/guide/building-trust/", wait_until="load")
        toc = page.locator("nav.toc")
        prose = page.locator(".prose").bounding_box()
        box = toc.bounding_box()
        assert box["x"] >= prose["x"] + prose["width"], "beside the text, not above it"
        assert page.locator("nav.toc details").evaluate("d => d.open")
        last = page.locator("nav.toc a").last
        target = last.get_attribute("href")
        last.click()
        page.wait_for_function("(id) => location.hash === id", arg=target)
        # Still in view after the jump, and the section jumped to is the one marked.
        box = toc.bounding_box()
        assert 0 <= box["y"] < 900
        page.locator(f"nav.toc a[href='{target}'][aria-current='true']").wait_for()
        assert page.locator("nav.toc a[aria-current='true']").count() == 1
    finally:
        context.close()


def test_on_a_phone_the_contents_fold_into_one_line(server, browser):
    context = browser.new_context(viewport={"width": 375, "height": 812}, service_workers="block")
    page = context.new_page()
    try:
        page.goto(server + "/guide/building-trust/", wait_until="load")
        assert not page.locator("nav.toc details").evaluate("d => d.open")
        assert page.locator("nav.toc summary").bounding_box()["height"] < 60
        page.locator("nav.toc summary").click()
        assert page.locator("nav.toc a").first.is_visible()
    finally:
        context.close()


def test_a_printed_page_says_which_site_it_came_from(server, browser):
    context = browser.new_context(viewport={"width": 800, "height": 900}, service_workers="block")
    page = context.new_page()
    try:
        page.goto(server + "/guide/building-trust/", wait_until="load")
        source = page.locator(".print-source")
        assert not source.is_visible(), "only on paper"
        page.emulate_media(media="print")
        assert source.is_visible()
        assert source.inner_text().startswith("From Closer, a plain, ad-free guide to emotional intimacy: ")
        assert source.inner_text().endswith("/guide/building-trust/")
    finally:
        context.close()
