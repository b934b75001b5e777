"""The faq plugin: /faq/, /faq/<slug>/, FAQPage JSON-LD, drafts, errors, and the page in Chromium."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from faq.model import group_entries, related_questions

from conftest import ROOT, SITES, run_axe

ERRORS = "tests/sites/faq-errors/faq"


def soup_of(path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def visible(element) -> str:
    """An element's text as a reader sees it, white space collapsed."""
    return " ".join(element.get_text().split())


def json_ld(soup: BeautifulSoup) -> dict:
    """The page's one FAQPage (other structured data may sit beside it)."""
    found = [json.loads(s.string) for s in soup.find_all("script", type="application/ld+json")]
    pages = [data for data in found if data.get("@type") == "FAQPage"]
    assert len(pages) == 1
    return pages[0]


@pytest.fixture
def basic(build_site):
    result = build_site("faq-basic")
    assert result.ok, result.log
    return result.output


# -- /faq/ -------------------------------------------------------------------

def test_faq_page_lists_groups_in_guide_order_then_questions(basic):
    soup = soup_of(basic / "faq" / "index.html")
    assert visible(soup.find("h1")) == "Questions and answers"
    assert soup.find(class_="lead")
    groups = soup.find("nav", class_="faq-groups")
    assert [(a["href"], a.get_text()) for a in groups.find_all("a")] == [
        ("#topic-trust", "Trust"), ("#topic-listening", "Listening"),
    ]
    sections = soup.find_all("section", class_="faq-group")
    assert [s["id"] for s in sections] == ["topic-trust", "topic-listening"]
    assert [visible(s.find("h2")) for s in sections] == ["Trust", "Listening"]
    assert [[d["id"] for d in s.find_all("details")] for s in sections] == [
        ["what-is-trust", "small-promises"], ["listen-first"],
    ]
    question = soup.find("details", id="listen-first").summary
    assert visible(question) == 'How do I listen when I\'d rather "fix" it & move on?'
    assert question.find("h3")


def test_each_answer_ends_with_its_own_page_and_its_chapter(basic):
    soup = soup_of(basic / "faq" / "index.html")
    for slug, chapter in (("what-is-trust", "first-steps"), ("small-promises", "second-steps")):
        details = soup.find("details", id=slug)
        answer = details.find(class_="faq-answer-text")
        links = [a["href"] for a in details.find_all("a") if not a.find_parent(class_="faq-answer-text")]
        assert links == [f"/guide/{chapter}/", f"/faq/{slug}/"]
        assert details.find(class_="faq-links").find_previous_sibling() is answer


def test_expand_and_collapse_buttons_only_appear_with_the_script(basic):
    soup = soup_of(basic / "faq" / "index.html")
    tools = soup.find(class_="faq-tools")
    assert tools.has_attr("hidden")
    assert [visible(b) for b in tools.find_all("button")] == ["Expand all answers", "Collapse all answers"]
    script = soup.find("script", src=re.compile(r"^/.*/js/faq\b[^/]*\.js$"))
    assert script and script.has_attr("defer")
    assert not soup.find("script", src=False, type=lambda t: t != "application/ld+json")
    # The script is for the FAQ page only.
    assert "faq.js" not in (basic / "faq" / "what-is-trust" / "index.html").read_text()
    assert "faq.js" not in (basic / "index.html").read_text()


def test_the_nav_marks_the_faq_page_as_current(basic):
    soup = soup_of(basic / "faq" / "index.html")
    link = soup.find("nav", class_="site-nav").find("a", href="/faq/")
    assert visible(link) == "Questions" and link["aria-current"] == "page"


# -- /faq/<slug>/ --------------------------------------------------------------

def test_each_question_has_its_own_page(basic):
    soup = soup_of(basic / "faq" / "small-promises" / "index.html")
    assert soup.find("link", rel="canonical")["href"] == "/faq/small-promises/"
    assert visible(soup.find("h1")) == "Why do small promises matter?"
    assert soup.title.get_text() == "Why do small promises matter? · Closer"
    assert visible(soup.find(class_="faq-answer-text")).startswith("Because they add up.")
    assert [visible(c) for c in soup.find("ul", class_="chips").find_all("li")] == ["Trust", "Listening"]
    deeper = soup.find("section", class_="faq-deeper")
    assert deeper.find("a")["href"] == "/guide/second-steps/"
    assert visible(deeper.find("a")) == "Second steps"
    # Related questions share a topic: the one sharing its first topic (trust) comes first.
    related = soup.find("section", class_="faq-related")
    assert [a["href"] for a in related.find_all("a")] == ["/faq/what-is-trust/", "/faq/listen-first/"]


# -- structured data ----------------------------------------------------------

def test_faq_json_ld_matches_the_visible_questions_and_answers(basic):
    soup = soup_of(basic / "faq" / "index.html")
    data = json_ld(soup)
    assert data["@context"] == "https://schema.org" and data["@type"] == "FAQPage"
    shown = [
        (visible(d.summary), visible(d.find(class_="faq-answer-text")))
        for d in soup.find_all("details", class_="faq-item")
    ]
    assert [(q["name"], q["acceptedAnswer"]["text"]) for q in data["mainEntity"]] == shown
    assert all(q["@type"] == "Question" and q["acceptedAnswer"]["@type"] == "Answer"
               for q in data["mainEntity"])


def test_question_page_json_ld_has_its_one_question(basic):
    soup = soup_of(basic / "faq" / "what-is-trust" / "index.html")
    data = json_ld(soup)
    assert data["@type"] == "FAQPage"
    assert data["mainEntity"] == [{
        "@type": "Question",
        "name": visible(soup.find("h1")),
        "acceptedAnswer": {"@type": "Answer", "text": visible(soup.find(class_="faq-answer-text"))},
    }]
    assert data["mainEntity"][0]["acceptedAnswer"]["text"] == (
        "Trust is feeling safe with your partner. It grows when you keep small promises."
    )


def test_json_ld_cannot_break_out_of_its_script_element(basic):
    html = (basic / "faq" / "listen-first" / "index.html").read_text(encoding="utf-8")
    raw = html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert not set("<>&") & set(raw)
    assert "\\u003c/script\\u003e\\u003c!--" in raw
    answer = json.loads(raw)["mainEntity"][0]["acceptedAnswer"]["text"]
    assert "</script><!-- & friends" in answer and "wait <3 seconds" in answer


# -- drafts ---------------------------------------------------------------------

def test_drafts_are_not_published(basic):
    assert not (basic / "faq" / "not-yet").exists()
    assert not list(basic.rglob("*not-yet*"))
    for page in basic.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "not-yet" not in text and "still a draft" not in text, page


def test_drafts_show_in_preview_with_a_banner(tmp_path):
    output = tmp_path / "preview"
    result = subprocess.run(
        [sys.executable, "tools/build.py", "--content", str(SITES / "faq-basic"),
         "--output", str(output), "--drafts"],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    page = soup_of(output / "faq" / "not-yet" / "index.html")
    assert "not published yet" in visible(page.find(class_="draft-banner"))
    faq = soup_of(output / "faq" / "index.html")
    assert faq.find("details", id="not-yet").find(class_="draft-note")


# -- errors -----------------------------------------------------------------------

def test_each_faq_mistake_is_reported_with_file_and_line(build_site):
    result = build_site("faq-errors")
    assert result.returncode == 1
    expected = [
        f"{ERRORS}/no-title.md:1: error: missing required metadata \"Title\" for an FAQ entry",
        f"{ERRORS}/not-a-question.md:1: error: the title of an FAQ entry must be a question "
        'ending in "?": "Trust basics"',
        f"{ERRORS}/empty-answer.md:6: error: the answer is empty",
        f'{ERRORS}/twin-b.md:2: error: duplicate FAQ slug "twin" (also used by {ERRORS}/twin-a.md)',
        f'{ERRORS}/chapter-slug.md:2: error: duplicate slug "first-steps" '
        "(also used by tests/sites/faq-errors/articles/first.md)",
        f'{ERRORS}/unknown-chapter.md:5: error: Related "secnd-steps" is not a published chapter '
        '(did you mean "second-steps"?)',
        f'{ERRORS}/hidden.md:6: error: Status "hidden" of an FAQ entry must be "draft" or left out',
    ]
    lines = result.log.splitlines()
    for line in expected:
        assert line in lines, f"missing: {line}\n{result.log}"
    # One line per mistake: no second, unlocated report of the same problem.
    assert f"build failed: {len(expected)} problem(s)" in result.log


# -- order ------------------------------------------------------------------------

def stub(slug: str, title: str, *topics: str) -> SimpleNamespace:
    return SimpleNamespace(slug=slug, title=title, topics=list(topics))


def test_groups_follow_the_guide_then_titles_and_keep_untopiced_entries_last():
    entries = [
        stub("b", "Why b?", "listening"), stub("a", "what a?", "trust"), stub("c", "How c?", "zest"),
        stub("d", "Is d?"), stub("e", "Are e?", "trust", "listening"), stub("f", "Fine?", "apples"),
    ]
    titles, ranks = {"trust": "Trust", "listening": "Listening"}, {"listening": 0, "trust": 1}
    groups = group_entries(entries, titles, ranks)
    assert [(g.anchor, g.title, [e.slug for e in g.entries]) for g in groups] == [
        ("topic-listening", "Listening", ["b"]),
        ("topic-trust", "Trust", ["e", "a"]),
        ("topic-apples", "Apples", ["f"]),
        ("topic-zest", "Zest", ["c"]),
        ("more-questions", "More questions", ["d"]),
    ]


def test_related_questions_prefer_more_shared_topics_then_the_main_topic():
    entry = stub("x", "X?", "trust", "listening", "conflict")
    others = [
        stub("only-conflict", "A?", "conflict"), stub("only-listening", "B?", "listening"),
        stub("two", "Z?", "listening", "conflict"), stub("none", "C?", "money"),
        stub("trust", "Y?", "trust"),
    ]
    assert [e.slug for e in related_questions(entry, [entry, *others])] == [
        "two", "trust", "only-listening", "only-conflict",
    ]
    assert len(related_questions(entry, [entry, *others], limit=2)) == 2


# -- in the browser (the real guide) -------------------------------------------

def in_viewport(page, selector: str) -> bool:
    return page.evaluate(
        """(selector) => {
            const box = document.querySelector(selector).getBoundingClientRect();
            return box.top >= 0 && box.top < window.innerHeight;
        }""",
        selector,
    )


def wait_until_open_and_in_view(page, slug: str) -> None:
    page.wait_for_function(
        """(slug) => {
            const item = document.getElementById(slug);
            if (!item || !item.open) return false;
            const box = item.getBoundingClientRect();
            return box.top >= 0 && box.top < window.innerHeight;
        }""",
        arg=slug, timeout=5000,
    )


def open_items(page) -> list[str]:
    return page.evaluate("Array.from(document.querySelectorAll('details.faq-item[open]'), d => d.id)")


def test_a_question_link_opens_that_answer_in_view(server, open_page):
    watched = open_page(server + "/faq/#when-to-see-therapist")
    page = watched.page
    wait_until_open_and_in_view(page, "when-to-see-therapist")
    assert open_items(page) == ["when-to-see-therapist"]
    assert page.locator("#when-to-see-therapist .faq-answer-text").is_visible()
    # Following another question link on the same page opens that one too.
    page.evaluate("location.hash = '#what-is-emotional-intimacy'")
    wait_until_open_and_in_view(page, "what-is-emotional-intimacy")
    assert in_viewport(page, "#what-is-emotional-intimacy")
    assert watched.console_errors == [] and watched.page_errors == []


def test_expand_all_and_collapse_all(server, open_page):
    page = open_page(server + "/faq/").page
    total = page.locator("details.faq-item").count()
    assert total >= 20
    assert open_items(page) == []
    page.get_by_role("button", name="Expand all answers").click()
    assert len(open_items(page)) == total
    assert page.locator(".faq-answer-text").last.is_visible()
    page.get_by_role("button", name="Collapse all answers").click()
    assert open_items(page) == []


def test_printing_shows_every_answer(server, open_page):
    page = open_page(server + "/faq/").page
    answers = page.locator(".faq-answer-text")
    assert not answers.first.is_visible()
    page.emulate_media(media="print")
    assert answers.count() >= 20
    for index in range(answers.count()):
        assert answers.nth(index).is_visible(), index
    assert not page.locator(".faq-tools").is_visible()
    # The script also opens them for the print dialog, and restores them after.
    page.emulate_media(media="screen")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert len(open_items(page)) == answers.count()
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert open_items(page) == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violations_on_the_faq_pages(server, open_page, scheme):
    page = open_page(server + "/faq/", color_scheme=scheme).page
    assert run_axe(page) == [], "collapsed"
    page.get_by_role("button", name="Expand all answers").click()
    assert run_axe(page) == [], "expanded"
    page = open_page(server + "/faq/partner-not-open/", color_scheme=scheme).page
    assert run_axe(page) == [], "question page"
