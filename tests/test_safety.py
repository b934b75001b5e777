"""Reader safety (issue 16): the help directory, /getting-help/, the help box, the quick
exit, nothing sensitive on the device, and crisis-aware search.

Build tests break a copy of tests/sites/safety-basic; the page tests read the real
guide; the browser tests drive Chromium against the real guide published with
publishconf.py and served on 127.0.0.1 (its service worker included).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from reader_safety.directory import NEEDS, dial, load

from conftest import PUBLISH_CONTACT, ROOT, SITES, published_guide, run_axe, run_build

DIRECTORY = ROOT / "content" / "data" / "helplines.toml"
NEUTRAL = "https://www.bbc.co.uk/weather"
# A phone number as a page shows it: three or more digits, with spaces or hyphens,
# not part of a word or a web address (247sexualabusesupport.org.uk).
PHONE_LIKE = re.compile(r"(?<![\w.])\+?\d(?:[\d -]*\d){2,}(?!\w|\.\w)")
CRISIS_QUERIES = {
    "he hit me": {"danger", "afraid"},
    "scared of my partner": {"afraid"},
    "controls my money": {"afraid"},
    "want to die": {"suicide"},
    "self harm": {"suicide"},
}

PUBLISH = PUBLISH_CONTACT  # make publish needs CONTACT (plugins/review), like SITEURL


def directory():
    found, problems = load(DIRECTORY, "content/data/helplines.toml", datetime.date.today())
    return found, problems


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def snapshot(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


# -- the directory ---------------------------------------------------------------------------

def test_the_directory_is_valid_and_checked_within_the_review_policy():
    found, problems = directory()
    assert [str(p) for p in problems] == []
    assert len(found.lines) >= 20
    for line in found.lines:
        assert line.checked_against and line.url.startswith("https://"), line.slug
        assert dial(line.phone), line.slug


def test_the_directory_covers_what_the_issue_lists():
    found, _ = directory()
    by_need = {need: {dial(line.phone) for line in found.lines_for(need)} for need in NEEDS}
    assert {"999", "911", "000", "111"} <= by_need["danger"]
    assert {"988", "116123", "85258", "131114", "1737"} <= by_need["suicide"]
    silent = [line for line in found.lines if "55" in line.name]
    assert silent and "danger" in silent[0].needs, "the UK Silent Solution (999, then 55)"
    uk_nations = {"uk-england", "uk-scotland", "uk-wales", "uk-ni"}
    afraid_regions = {region for line in found.lines_for("afraid") for region in line.regions}
    assert uk_nations <= afraid_regions, "a domestic abuse line for each UK nation"
    audiences = " ".join(line.audience.lower() for line in found.lines_for("afraid"))
    assert "women" in audiences and "lgbt" in audiences and "any gender" in audiences
    assert found.lines_for("sexual-violence") and found.lines_for("own-behaviour")
    # What could not be checked is listed, with no number, for the page to say so.
    assert {item.name for item in found.pending} >= {"Respect Phoneline"}


def broken_site(site_copy, old: str, new: str) -> Path:
    content = site_copy("safety-basic")
    data = content / "data" / "helplines.toml"
    text = data.read_text(encoding="utf-8")
    assert old in text
    data.write_text(text.replace(old, new, 1), encoding="utf-8")
    return content


@pytest.mark.parametrize("old, new, needle, message", [
    ('phone = "0800 000 000"\n', "", "[talk-line]", "Test Talk Line has no number"),
    ('regions = ["uk"]\nphone = "0800', 'regions = ["ukk"]\nphone = "0800', 'regions = ["ukk"]',
     'unknown region "ukk" (did you mean "uk"?)'),
    ('needs = ["suicide", "afraid"]', 'needs = ["suicide", "afriad"]', '"afriad"', 'unknown need "afriad"'),
    ('url = "https://www.example.org/talk"', 'url = "www.example.org/talk"', "www.example.org/talk",
     "must be an https:// address"),
    ('hours = "24 hours, every day"\nurl = "https://www.example.org/talk"',
     'url = "https://www.example.org/talk"', "[talk-line]", 'missing "hours"'),
])
def test_bad_help_lines_fail_with_the_line_and_leave_the_output(site_copy, tmp_path, old, new, needle,
                                                                message):
    output = tmp_path / "output"
    good = run_build(SITES / "safety-basic", output)
    assert good.ok, good.log
    before = snapshot(output)
    content = broken_site(site_copy, old, new)
    result = run_build(content, output)
    assert not result.ok
    text = (content / "data" / "helplines.toml").read_text(encoding="utf-8")
    expected = f"data/helplines.toml:{line_of(text, needle)}: error: "
    located = [line for line in result.log.splitlines() if expected in line]
    assert located and message in located[0], result.log
    assert snapshot(output) == before, "a failed build changed the previous output"


def test_an_old_checked_date_fails_publish_and_lint_but_not_a_preview(site_copy, tmp_path):
    old_date = (datetime.date.today() - datetime.timedelta(days=400)).isoformat()
    content = broken_site(site_copy, "checked = 2026-11-30\ncheck", f"checked = {old_date}\ncheck")
    data = (content / "data" / "helplines.toml").read_text(encoding="utf-8")
    number = line_of(data, f"checked = {old_date}")
    preview = run_build(content, tmp_path / "preview")
    assert preview.ok, preview.log
    assert f"helplines.toml:{number}: " in preview.log and "days ago" in preview.log
    output = tmp_path / "published"
    published = run_build(SITES / "safety-basic", output, settings="publishconf.py",
                          env={"SITEURL": "https://guide.example.org", **PUBLISH})
    assert published.ok, published.log
    before = snapshot(output)
    stale = run_build(content, output, settings="publishconf.py",
                      env={"SITEURL": "https://guide.example.org", **PUBLISH})
    assert not stale.ok
    assert re.search(rf"helplines\.toml:{number}: error: Emergency services was last checked on {old_date}",
                     stale.log), stale.log
    assert snapshot(output) == before
    lint = subprocess.run([sys.executable, str(ROOT / "tools" / "lint.py"), "--content", str(content)],
                          cwd=ROOT, capture_output=True, text=True)
    assert lint.returncode == 1
    assert f"helplines.toml:{number}: error: Emergency services was last checked" in lint.stdout


def test_sensitive_metadata_must_be_yes_or_no(site_copy, tmp_path):
    content = site_copy("safety-basic")
    page = content / "pages" / "about.md"
    page.write_text(page.read_text(encoding="utf-8").replace("Slug: about", "Slug: about\nSensitive: maybe"),
                    encoding="utf-8")
    result = run_build(content, tmp_path / "output")
    assert not result.ok
    assert re.search(r"pages/about\.md:3: error: Sensitive must be \"yes\" or \"no\"", result.log), result.log


# -- the pages of the real guide ----------------------------------------------------------------

def test_getting_help_lists_every_line_by_need_most_urgent_first(guide):
    page = soup(guide / "getting-help" / "index.html")
    found, _ = directory()
    sections = [s["id"] for s in page.select("main section.help-need")]
    assert sections == [f"need-{need}" for need in NEEDS]
    links = {a["href"] for a in page.select("main a[href^='tel:'], main a[href^='sms:']")}
    for line in found.lines:
        if not line.text_only:
            assert line.tel in links, line.slug
        if line.text:
            assert line.sms in links, line.slug
    text = page.select_one("main").get_text(" ", strip=True)
    assert "Not listed yet: Respect Phoneline" in text
    assert "We have not yet checked a line for this in" in text
    assert "sexual coercion" in text.lower() and "no one is ever owed sex" in text.lower()


def test_every_number_on_getting_help_is_a_tel_or_sms_link(guide):
    page = soup(guide / "getting-help" / "index.html")
    found, _ = directory()
    names = [line.name for line in found.lines]
    main = page.select_one("main")
    numbers = 0
    for node in main.find_all(string=PHONE_LIKE):
        if node.find_parent("time") is not None:
            continue
        link = node.find_parent("a")
        for match in PHONE_LIKE.finditer(node):
            if link is not None and link.get("href", "").startswith(("tel:", "sms:")):
                assert dial(match.group()) in dial(link["href"]), (match.group(), link["href"])
                numbers += 1
            else:
                named = any(match.group() in name for name in names)
                assert named, f"{match.group()!r} is not a link: {node!r}"
    assert numbers >= len(found.lines)


def test_caution_cards_and_sensitive_pages_carry_the_help_box_and_the_quick_exit(guide):
    chapter = soup(guide / "guide" / "handling-conflict" / "index.html")
    cards = chapter.select("aside.tip-card--caution")
    assert cards and all(card.select_one(".help-now a[href='tel:999']") for card in cards)
    assert not chapter.select(".help-now .topic-link"), "first-mention links inside the help box"
    for path in ("guide/conflict-or-abuse", "faq/arguing-or-abuse", "topics/safety", "privacy",
                 "guide/healing-from-past-trauma"):
        page = soup(guide / path / "index.html")
        assert page.find(id="quick-exit"), path
        assert page.select_one("main > .help-now"), f"{path}: no help box at the top"
    tips = soup(guide / "tips" / "index.html")
    assert all(card.select_one(".help-now") for card in tips.select("article.tip-card--caution"))
    help_page = soup(guide / "getting-help" / "index.html")
    assert help_page.find(id="quick-exit") and not help_page.select(".help-now")
    ordinary = soup(guide / "guide" / "time-together" / "index.html")
    assert not ordinary.find(id="quick-exit") and not ordinary.select(".help-now")


def test_the_search_page_holds_the_crisis_box_above_the_results(guide):
    page = soup(guide / "search" / "index.html")
    box = page.find(id="search-help")
    results = page.find(id="search-results")
    assert box is not None and box.has_attr("hidden")
    assert results.find(id="search-help") is None and box.find(id="search-results") is None
    assert box.find_all_next(id="search-results"), "the help box comes before the results"
    assert "he hit me" in box["data-triggers"].split("|")
    assert {g["data-need"] for g in box.select("[data-need]")} == set(NEEDS)


# -- in the browser, against a production build ------------------------------------------------------

@pytest.fixture(scope="module")
def published(tmp_path_factory):
    folder = tmp_path_factory.mktemp("safety") / "output"
    with published_guide(folder) as siteurl:
        yield folder, siteurl


@pytest.fixture
def context_for(browser):
    contexts = []

    def make(**options):
        context = browser.new_context(**options)
        contexts.append(context)
        # The neutral site, served locally: the tests never leave 127.0.0.1.
        weather = "<!doctype html><title>Weather</title><h1>Weather</h1>"
        context.route(NEUTRAL + "**",
                      lambda route: route.fulfill(status=200, content_type="text/html", body=weather))
        return context

    yield make
    for context in contexts:
        context.close()


def sensitive_urls(output: Path) -> list[str]:
    worker = (output / "sw.js").read_text(encoding="utf-8")
    return json.loads(re.search(r"SENSITIVE_URLS\s*=\s*(\[.*?\])", worker)[1])


def test_the_quick_exit_leaves_and_back_does_not_return(published, context_for):
    _, siteurl = published
    page = context_for().new_page()
    page.goto(f"{siteurl}/getting-help/", wait_until="load")
    page.get_by_role("link", name="Exit this page").click()
    page.wait_for_url(NEUTRAL + "**")
    page.go_back()
    assert not page.url.startswith(siteurl), page.url
    # After other pages of the site, Back goes to them, never to the page left.
    page.goto(f"{siteurl}/", wait_until="load")
    page.goto(f"{siteurl}/guide/conflict-or-abuse/", wait_until="load")
    page.locator(".quick-exit__button").click()
    page.wait_for_url(NEUTRAL + "**")
    page.go_back(wait_until="load")
    assert page.url == f"{siteurl}/"


def test_shift_three_times_exits_and_a_capital_letter_does_not_count(published, context_for):
    _, siteurl = published
    page = context_for().new_page()
    page.goto(f"{siteurl}/privacy/", wait_until="load")
    status = page.locator("#quick-exit [role=status]")
    page.keyboard.press("Shift+A")
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    from playwright.sync_api import expect

    expect(status).to_have_text(re.compile("1 more time"))
    assert page.url.startswith(siteurl)
    page.keyboard.press("Shift")
    page.wait_for_url(NEUTRAL + "**")
    page.go_back()
    assert not page.url.startswith(f"{siteurl}/privacy/")


def test_the_quick_exit_is_a_plain_link_without_javascript(published, context_for):
    _, siteurl = published
    page = context_for(java_script_enabled=False).new_page()
    page.goto(f"{siteurl}/getting-help/", wait_until="load")
    link = page.get_by_role("link", name="Exit this page")
    assert link.get_attribute("href") == NEUTRAL
    link.click()
    page.wait_for_url(NEUTRAL + "**")


def test_the_quick_exit_is_first_in_the_focus_order_after_the_skip_link(published, context_for):
    _, siteurl = published
    page = context_for().new_page()
    page.goto(f"{siteurl}/guide/conflict-or-abuse/", wait_until="load")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Exit this page"


def cached_entries(page) -> list[dict]:
    return page.evaluate("""async () => {
        const found = [];
        for (const name of await caches.keys()) {
            const cache = await caches.open(name);
            for (const request of await cache.keys()) {
                const response = await cache.match(request);
                found.push({request: request.url, response: response ? response.url : ""});
            }
        }
        return found;
    }""")


def test_the_worker_never_keeps_a_sensitive_page_or_a_search(published, context_for):
    output, siteurl = published
    sensitive = sensitive_urls(output)
    paths = set(sensitive)  # site-root paths, like the worker's other URL lists
    assert {"/getting-help/", "/privacy/", "/guide/conflict-or-abuse/", "/tips/"} <= paths
    page = context_for(service_workers="allow").new_page()
    page.goto(f"{siteurl}/guide/time-together/", wait_until="load")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=20000)
    page.goto(f"{siteurl}/guide/building-trust/", wait_until="load")
    for path in sensitive:
        page.goto(siteurl + path, wait_until="load")
    page.goto(f"{siteurl}/search/?q=he+hit+me", wait_until="load")
    entries = cached_entries(page)
    kept = {entry["request"].replace(siteurl, "") for entry in entries}
    assert "/guide/time-together/" in kept, "ordinary pages are still kept for offline reading"
    assert not paths & kept, paths & kept
    assert not [e for e in entries if "?" in e["request"] or "hit" in e["response"]], entries


def test_remove_this_guide_leaves_no_cache_registration_or_storage(published, context_for):
    _, siteurl = published
    page = context_for(service_workers="allow").new_page()
    page.goto(f"{siteurl}/guide/time-together/", wait_until="load")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=20000)
    page.goto(f"{siteurl}/privacy/", wait_until="load")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=20000)
    page.evaluate("""() => new Promise((done) => {
        localStorage.setItem("left", "behind");
        sessionStorage.setItem("left", "behind");
        const open = indexedDB.open("left-behind", 1);
        open.onupgradeneeded = () => open.result.createObjectStore("things");
        open.onsuccess = () => { open.result.close(); done(); };
    })""")
    assert page.evaluate("caches.keys()")
    page.get_by_role("button", name="Remove this guide from this device").click()
    from playwright.sync_api import expect

    expect(page.locator(".forget__status")).to_contain_text("Done.")
    assert page.evaluate("caches.keys()") == []
    assert page.evaluate("navigator.serviceWorker.getRegistrations().then(r => r.length)") == 0
    assert page.evaluate("localStorage.length + sessionStorage.length") == 0
    assert page.evaluate("indexedDB.databases().then(d => d.map(x => x.name))") == []


def visible_needs(page) -> set[str]:
    return set(page.evaluate("""() => [...document.querySelectorAll('#search-help [data-need]')]
        .filter(g => !g.hidden).map(g => g.dataset.need)"""))


def test_a_crisis_query_shows_the_help_box_first_online_and_offline(published, context_for):
    _, siteurl = published
    from playwright.sync_api import expect

    context = context_for(service_workers="allow")
    page = context.new_page()
    page.goto(f"{siteurl}/", wait_until="load")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=20000)
    for query, needs in CRISIS_QUERIES.items():
        page.goto(f"{siteurl}/search/?q={query.replace(' ', '+')}", wait_until="load")
        box = page.locator("#search-help")
        expect(box).to_be_visible()
        assert needs <= visible_needs(page), (query, visible_needs(page))
        first = page.evaluate("""() => {
            const box = document.getElementById('search-help');
            const results = document.getElementById('search-results');
            return box.compareDocumentPosition(results) & Node.DOCUMENT_POSITION_FOLLOWING;
        }""")
        assert first, "the help box is not before the results"
        assert page.locator("#search-results #search-help").count() == 0
    page.goto(f"{siteurl}/search/?q=trust", wait_until="load")
    page.locator("#search-results a").first.wait_for(timeout=20000)
    expect(page.locator("#search-help")).to_be_hidden()
    # Typed, not only opened from the address.
    page.locator("#site-search").fill("scared of my partner")
    expect(page.locator("#search-help")).to_be_visible()
    context.set_offline(True)
    page.goto(f"{siteurl}/search/?q=want+to+die", wait_until="load")
    expect(page.locator("#search-help")).to_be_visible()
    assert "suicide" in visible_needs(page)
    assert page.locator("#search-help a[href='tel:116123']").count() == 1


def test_typing_a_crisis_in_the_header_search_box_shows_help_at_once(published, context_for):
    _, siteurl = published
    from playwright.sync_api import expect

    page = context_for().new_page()
    page.goto(f"{siteurl}/guide/time-together/", wait_until="load")
    hint = page.locator("#search-crisis-hint")
    field = page.locator("#site-search")
    field.press_sequentially("he hit me")
    expect(hint).to_be_visible()
    assert hint.locator("a[href='tel:999']").count() == 1
    field.fill("date night ideas")
    expect(hint).to_be_hidden()


def test_the_most_urgent_help_is_on_a_phones_first_screen(published, context_for):
    _, siteurl = published
    page = context_for(viewport={"width": 390, "height": 844}).new_page()
    page.goto(f"{siteurl}/getting-help/", wait_until="load")
    call = page.locator("#need-danger a[href='tel:999']").first
    box = call.bounding_box()
    assert box and box["y"] + box["height"] <= 844, box


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_with_the_exit_button_and_help_boxes(published, context_for, scheme):
    _, siteurl = published
    page = context_for(color_scheme=scheme).new_page()
    for path in ("/getting-help/", "/guide/conflict-or-abuse/", "/privacy/", "/search/?q=he+hit+me"):
        page.goto(siteurl + path, wait_until="load")
        page.locator("#quick-exit, #search-help:not([hidden])").first.wait_for()
        assert run_axe(page) == [], f"{path} ({scheme})"
