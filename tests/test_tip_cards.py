"""Tip cards: the Markdown syntax (input and exact output), errors, the /tips/ deck, the browser."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from urllib.parse import urldefrag

import markdown
import pytest
from bs4 import BeautifulSoup
from markdown.test_tools import TestCase
from tip_cards.extension import TipCardsExtension

from conftest import ROOT, SITES, run_axe, run_build

LOGGER = "tip_cards.extension"


def soup_of(path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


# --- The syntax: input Markdown, exact output HTML --------------------------------------------


class TestTipCardSyntax(TestCase):
    default_kwargs = {"output_format": "html5", "extensions": [TipCardsExtension()]}

    def test_tip(self):
        self.assertMarkdownRenders(
            self.dedent(
                """
                > [!TIP] Put the phones in a drawer
                > Agree on one screen-free hour each evening.
                """
            ),
            self.dedent(
                """
                <aside aria-labelledby="tip-put-the-phones-in-a-drawer-title" class="tip-card tip-card--tip" data-kind="tip" data-topics="" id="tip-put-the-phones-in-a-drawer">
                <h3 id="tip-put-the-phones-in-a-drawer-title"><span class="tip-card__kind">Tip<span class="visually-hidden">:</span></span> Put the phones in a drawer</h3>
                <a class="tip-card__link" href="#tip-put-the-phones-in-a-drawer"><span aria-hidden="true">#</span><span class="visually-hidden">Link to this tip</span></a>
                <div class="tip-card__body">
                <p>Agree on one screen-free hour each evening.</p>
                </div>
                </aside>
                """  # noqa: E501
            ),
        )

    def test_try_with_steps(self):
        self.assertMarkdownRenders(
            self.dedent(
                """
                > [!TRY] The slow hug
                > 1. Stand facing each other.
                > 2. Hug until you both feel calmer.
                """
            ),
            self.dedent(
                """
                <aside aria-labelledby="tip-the-slow-hug-title" class="tip-card tip-card--try" data-kind="try" data-topics="" id="tip-the-slow-hug">
                <h3 id="tip-the-slow-hug-title"><span class="tip-card__kind">Try this together<span class="visually-hidden">:</span></span> The slow hug</h3>
                <a class="tip-card__link" href="#tip-the-slow-hug"><span aria-hidden="true">#</span><span class="visually-hidden">Link to this tip</span></a>
                <div class="tip-card__body">
                <ol>
                <li>Stand facing each other.</li>
                <li>Hug until you both feel calmer.</li>
                </ol>
                </div>
                </aside>
                """  # noqa: E501
            ),
        )

    def test_caution_with_its_own_topics(self):
        self.assertMarkdownRenders(
            self.dedent(
                """
                > [!CAUTION] If touch brings up old pain
                > Topics: trauma, affection
                > Go gently and stop whenever your partner asks.
                """
            ),
            self.dedent(
                """
                <aside aria-labelledby="tip-if-touch-brings-up-old-pain-title" class="tip-card tip-card--caution" data-kind="caution" data-topics="trauma affection" id="tip-if-touch-brings-up-old-pain">
                <h3 id="tip-if-touch-brings-up-old-pain-title"><span class="tip-card__kind">Take care<span class="visually-hidden">:</span></span> If touch brings up old pain</h3>
                <a class="tip-card__link" href="#tip-if-touch-brings-up-old-pain"><span aria-hidden="true">#</span><span class="visually-hidden">Link to this tip</span></a>
                <div class="tip-card__body">
                <p>Go gently and stop whenever your partner asks.</p>
                </div>
                <div class="tip-card__help"></div>
                </aside>
                """  # noqa: E501
            ),
        )

    def test_kinds_are_case_insensitive_like_github(self):
        self.assertMarkdownRenders(
            "> [!caution] Slow down\n> Body.",
            '<aside aria-labelledby="tip-slow-down-title" class="tip-card tip-card--caution" '
            'data-kind="caution" data-topics="" id="tip-slow-down">\n'
            '<h3 id="tip-slow-down-title"><span class="tip-card__kind">Take care<span '
            'class="visually-hidden">:</span></span> Slow down</h3>\n'
            '<a class="tip-card__link" href="#tip-slow-down"><span aria-hidden="true">#</span>'
            '<span class="visually-hidden">Link to this tip</span></a>\n'
            '<div class="tip-card__body">\n<p>Body.</p>\n</div>\n'
            '<div class="tip-card__help"></div>\n</aside>',  # where reader_safety puts the help box
        )

    def test_nested_markdown_in_title_and_body(self):
        self.assertMarkdownRenders(
            self.dedent(
                """
                > [!TRY] A *ten-minute* check-in
                > 1. Sit down with **no screens**.
                > 2. Read [the guide](/guide/) if you get stuck.
                >
                > Then *talk*:
                >
                > - one thing that went well,
                > - one thing that was hard.
                >
                > > A quotation inside a card stays a quotation.
                """
            ),
            self.dedent(
                """
                <aside aria-labelledby="tip-a-ten-minute-check-in-title" class="tip-card tip-card--try" data-kind="try" data-topics="" id="tip-a-ten-minute-check-in">
                <h3 id="tip-a-ten-minute-check-in-title"><span class="tip-card__kind">Try this together<span class="visually-hidden">:</span></span> A <em>ten-minute</em> check-in</h3>
                <a class="tip-card__link" href="#tip-a-ten-minute-check-in"><span aria-hidden="true">#</span><span class="visually-hidden">Link to this tip</span></a>
                <div class="tip-card__body">
                <ol>
                <li>Sit down with <strong>no screens</strong>.</li>
                <li>Read <a href="/guide/">the guide</a> if you get stuck.</li>
                </ol>
                <p>Then <em>talk</em>:</p>
                <ul>
                <li>one thing that went well,</li>
                <li>one thing that was hard.</li>
                </ul>
                <blockquote>
                <p>A quotation inside a card stays a quotation.</p>
                </blockquote>
                </div>
                </aside>
                """  # noqa: E501
            ),
        )

    def test_a_card_inside_a_list_item(self):
        self.assertMarkdownRenders(
            self.dedent(
                """
                - First step.

                    > [!TIP] Go slowly
                    > Small steps count.
                """
            ),
            self.dedent(
                """
                <ul>
                <li>
                <p>First step.</p>
                <aside aria-labelledby="tip-go-slowly-title" class="tip-card tip-card--tip" data-kind="tip" data-topics="" id="tip-go-slowly">
                <h3 id="tip-go-slowly-title"><span class="tip-card__kind">Tip<span class="visually-hidden">:</span></span> Go slowly</h3>
                <a class="tip-card__link" href="#tip-go-slowly"><span aria-hidden="true">#</span><span class="visually-hidden">Link to this tip</span></a>
                <div class="tip-card__body">
                <p>Small steps count.</p>
                </div>
                </aside>
                </li>
                </ul>
                """  # noqa: E501
            ),
        )

    def test_plain_blockquotes_stay_blockquotes(self):
        self.assertMarkdownRenders(
            self.dedent(
                """
                > A plain quotation.

                > First line.
                > [!TIP] A marker that does not open the quote is just text.

                > [!] Not a marker either.
                """
            ),
            self.dedent(
                """
                <blockquote>
                <p>A plain quotation.</p>
                <p>First line.
                [!TIP] A marker that does not open the quote is just text.</p>
                <p>[!] Not a marker either.</p>
                </blockquote>
                """
            ),
        )

    def test_a_quote_after_a_card_is_not_merged_into_it(self):
        self.assertMarkdownRenders(
            "> [!TIP] One\n> Body.\n\n> A quotation.",
            '<aside aria-labelledby="tip-one-title" class="tip-card tip-card--tip" data-kind="tip" '
            'data-topics="" id="tip-one">\n'
            '<h3 id="tip-one-title"><span class="tip-card__kind">Tip<span class="visually-hidden">:'
            "</span></span> One</h3>\n"
            '<a class="tip-card__link" href="#tip-one"><span aria-hidden="true">#</span>'
            '<span class="visually-hidden">Link to this tip</span></a>\n'
            '<div class="tip-card__body">\n<p>Body.</p>\n</div>\n</aside>\n'
            "<blockquote>\n<p>A quotation.</p>\n</blockquote>",
        )

    def test_a_card_right_after_a_paragraph(self):
        html = markdown.markdown("Some words.\n> [!TIP] Then a card\n> Body.", **self.default_kwargs)
        assert html.startswith('<p>Some words.</p>\n<aside aria-labelledby="tip-then-a-card-title"')

    def test_a_card_without_topics_carries_its_pages_topics(self):
        html = markdown.markdown(
            "Title: A chapter\nTopics: trust, communication\n\n> [!TIP] One\n> Body.",
            extensions=["meta", TipCardsExtension()], output_format="html5",
        )
        assert 'data-topics="trust communication"' in html

    def test_a_cards_own_topics_win(self):
        html = markdown.markdown(
            "Topics: trust\n\n> [!TIP] One\n> Topics: listening\n> Body.",
            extensions=["meta", TipCardsExtension()], output_format="html5",
        )
        assert 'data-topics="listening"' in html


# --- Ids ---------------------------------------------------------------------------------------


def card_ids(source: str, *extensions) -> list[str]:
    html = markdown.markdown(source, extensions=[TipCardsExtension(), *extensions], output_format="html5")
    return [aside["id"] for aside in BeautifulSoup(html, "html.parser").find_all("aside")]


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Put the phones in a drawer", "tip-put-the-phones-in-a-drawer"),
        ('Skip the "but"', "tip-skip-the-but"),
        ("Don't compare stories", "tip-dont-compare-stories"),
        ("Read *this* [book](/books/) together", "tip-read-this-book-together"),
        ("Ask about [[trust|trust]] first", "tip-ask-about-trust-first"),
        ("Café   talk, then — bed", "tip-cafe-talk-then-bed"),
    ],
)
def test_the_id_is_the_slug_of_the_title(title, expected):
    assert card_ids(f"> [!TIP] {title}\n> Body.", "smarty") == [expected]


def test_the_id_is_stable_whatever_comes_before_and_whatever_the_kind():
    alone = card_ids("> [!TIP] Protect the time\n> Body.")
    moved = card_ids("Intro.\n\n> [!TRY] Another card\n> Body.\n\n## Later\n\n"
                     "> [!CAUTION] Protect the time\n> Body.")
    assert alone == ["tip-protect-the-time"]
    assert moved == ["tip-another-card", "tip-protect-the-time"]


def test_ids_do_not_clash_with_heading_ids():
    html = markdown.markdown("## Protect the time\n\n> [!TIP] Protect the time\n> Body.",
                             extensions=[TipCardsExtension(), "toc"], output_format="html5")
    ids = [el["id"] for el in BeautifulSoup(html, "html.parser").find_all(id=True)]
    assert ids == ["protect-the-time", "tip-protect-the-time", "tip-protect-the-time-title"]


def test_the_same_title_on_two_pages_is_fine(caplog):
    assert card_ids("> [!TIP] Say thanks\n> One.") == card_ids("> [!TIP] Say thanks\n> Two.")
    assert not caplog.records


# --- Errors in the extension itself: path:line from md.source_path -----------------------------


def convert_with_errors(source: str, caplog, extensions=("meta",), **config) -> list[str]:
    md = markdown.Markdown(extensions=[*extensions, TipCardsExtension(**config)], output_format="html5")
    md.source_path = "content/articles/example.md"
    caplog.clear()
    md.convert(source)
    return [r.getMessage() for r in caplog.records if r.name == LOGGER and r.levelname == "ERROR"]


META = "Title: Example\nTopics: trust\n\nIntro.\n\n"  # the card starts on line 6


@pytest.mark.parametrize(
    ("card", "config", "message"),
    [
        ("> [!NOTE] A GitHub kind\n> Body.", {},
         'content/articles/example.md:6: unknown tip card kind "NOTE"; the kinds are TIP, TRY and CAUTION'),
        ("> [!TRYS] Almost\n> Body.", {},
         'content/articles/example.md:6: unknown tip card kind "TRYS" (did you mean "TRY"?); '
         "the kinds are TIP, TRY and CAUTION"),
        ("> [!TIP]\n> A body with no title.", {},
         'content/articles/example.md:6: the TIP card has no title: write it on the marker line, '
         'as in "> [!TIP] Put the phones in a drawer"'),
        ("> [!TIP] Lonely title", {},
         'content/articles/example.md:6: the tip card "Lonely title" has no body: '
         "write it on the lines after the title"),
        ("> [!TIP] Plan a date\n> Topics: qualty-time\n> Body.",
         {"known_topics": ["quality-time", "trust"], "check_topics": True},
         'content/articles/example.md:7: unknown topic "qualty-time" in the tip card "Plan a date" '
         '(did you mean "quality-time"?)'),
        ("> [!TIP] Say thanks\n> One.\n\nWords.\n\n> [!TRY] Say *thanks*!\n> Two.", {},
         'content/articles/example.md:11: two tip cards have the id "tip-say-thanks" '
         "(the other is on line 6); give one of them a different title"),
    ],
    ids=["unknown-kind", "unknown-kind-close", "empty-title", "no-body", "unknown-topic", "same-id"],
)
def test_each_mistake_is_logged_with_path_and_line(card, config, message, caplog):
    assert convert_with_errors(META + card, caplog, **config) == [message]


def test_topics_are_not_checked_without_a_list_of_known_topics(caplog):
    assert convert_with_errors(META + "> [!TIP] Plan\n> Topics: anything\n> Body.", caplog) == []


def test_a_marker_in_a_code_block_does_not_shift_line_numbers(caplog):
    source = META + "```\n> [!TIP] Plan\n```\n\n> [!TIP] Plan\n"
    assert convert_with_errors(source, caplog, extensions=("meta", "fenced_code")) == [
        'content/articles/example.md:10: the tip card "Plan" has no body: '
        "write it on the lines after the title"
    ]


# --- Whole builds: the errors, as an editor sees them ------------------------------------------


ERRORS_SITE = "tests/sites/tips-errors/articles"
EXPECTED_ERRORS = [
    f'{ERRORS_SITE}/kinds.md:13: error: unknown tip card kind "NOTE"; the kinds are TIP, TRY and CAUTION',
    f'{ERRORS_SITE}/kinds.md:16: error: unknown tip card kind "TIPS" (did you mean "TIP"?); '
    "the kinds are TIP, TRY and CAUTION",
    f"{ERRORS_SITE}/titles.md:15: error: the TRY card has no title: write it on the marker line, "
    'as in "> [!TRY] Put the phones in a drawer"',
    f'{ERRORS_SITE}/bodies.md:13: error: the tip card "Nothing to say" has no body: '
    "write it on the lines after the title",
    f'{ERRORS_SITE}/bodies.md:15: error: the tip card "Only topics" has no body: '
    "write it on the lines after the title",
    f'{ERRORS_SITE}/ids.md:18: error: two tip cards have the id "tip-say-thank-you" (the other is on '
    "line 13); give one of them a different title",
    f'{ERRORS_SITE}/topics.md:18: error: unknown topic "qualty-time" in the tip card "Plan a date" '
    '(did you mean "quality-time"?)',
    f'{ERRORS_SITE}/topics.md:18: error: unknown topic "nonsense" in the tip card "Plan a date"',
]


@pytest.fixture(scope="module")
def errors_build(tmp_path_factory):
    return run_build(SITES / "tips-errors", tmp_path_factory.mktemp("tips-errors") / "output")


def test_a_site_with_broken_cards_fails_to_build(errors_build):
    assert errors_build.returncode == 1
    assert not errors_build.output.exists()
    assert f"build failed: {len(EXPECTED_ERRORS)} problem(s)" in errors_build.log


@pytest.mark.parametrize("line", EXPECTED_ERRORS, ids=lambda line: line.split(": error: ")[0].split("/")[-1])
def test_each_broken_card_is_reported_at_its_line(errors_build, line):
    assert line in errors_build.log.splitlines()


def test_nothing_but_the_broken_cards_is_reported(errors_build):
    reported = [line for line in errors_build.log.splitlines() if ": error: " in line]
    assert sorted(reported) == sorted(EXPECTED_ERRORS)


# --- Whole builds: a small good site -----------------------------------------------------------


@pytest.fixture(scope="module")
def deck_site(tmp_path_factory):
    result = run_build(SITES / "tips-deck", tmp_path_factory.mktemp("tips-deck") / "output")
    assert result.ok, result.log
    return result.output


def deck_cards(output) -> list:
    return soup_of(output / "tips" / "index.html").select("main article.tip-card")


def test_chapters_render_their_cards(deck_site):
    chapter = soup_of(deck_site / "guide" / "talking" / "index.html")
    cards = chapter.select(".prose aside.tip-card")
    assert [(c["id"], c["data-kind"], c["data-topics"]) for c in cards] == [
        ("tip-put-the-phone-out-of-sight", "tip", "listening trust"),
        ("tip-a-ten-minute-check-in", "try", "listening trust"),
        ("tip-if-talking-feels-unsafe", "caution", "trust"),
    ]
    for card in cards:
        assert card["aria-labelledby"] == f"{card['id']}-title"
        assert card.find("h3")["id"] == f"{card['id']}-title"
        assert card.select_one("a.tip-card__link")["href"] == f"#{card['id']}"
        assert not card.has_attr("role") and not card.find(attrs={"style": True})
    quote = chapter.select_one(".prose > blockquote")
    assert quote.get_text(strip=True) == "A plain quotation stays a quotation."
    # The chapter's own contents skip the cards' headings.
    assert [a.get_text() for a in chapter.select(".toc a")] == ["Listening well", "Staying safe"]


def test_the_deck_groups_cards_by_their_first_topic(deck_site):
    page = soup_of(deck_site / "tips" / "index.html")
    groups = [
        (section["id"], section.h2.get_text(), [a.select_one("h3").get_text(" ", strip=True)
                                             for a in section.select("article.tip-card")])
        for section in page.select("section.tips-group")
    ]
    assert groups == [
        ("listening", "Listening", ["Tip : Put the phone out of sight",
                                    "Try this together : A ten-minute check-in"]),
        ("quality-time", "Quality time", ["Tip : Put the phones in a drawer",
                                          "Tip : Put the phone out of sight"]),
        ("trust", "Trust", ["Take care : If talking feels unsafe"]),
    ]
    assert len(page.find_all("h1")) == 1
    assert [a["href"] for a in page.select(".tips-topics a")] == ["#listening", "#quality-time", "#trust"]
    assert page.select_one('.site-nav a[href="/tips/"]')["aria-current"] == "page"


def test_deck_cards_link_back_and_carry_their_body(deck_site):
    cards = deck_cards(deck_site)
    links = [card.select_one(".tip-card__source a")["href"] for card in cards]
    assert links == [
        "/guide/talking/#tip-put-the-phone-out-of-sight",
        "/guide/talking/#tip-a-ten-minute-check-in",
        "/guide/together/#tip-put-the-phones-in-a-drawer",
        "/guide/together/#tip-put-the-phone-out-of-sight",
        "/guide/talking/#tip-if-talking-feels-unsafe",
    ]
    ids = [card["id"] for card in cards]
    assert len(set(ids)) == len(ids)
    check_in = cards[1].select_one(".tip-card__body")
    assert check_in.find("strong").get_text() == "no screens"
    # A {filename} link inside a card is resolved on the deck too.
    assert check_in.find("a")["href"] == "/guide/together/"


def test_the_home_page_counts_the_tips_and_links_to_the_deck(deck_site):
    home = soup_of(deck_site / "index.html")
    pointer = home.select_one(".home-tips")
    assert pointer.get_text(" ", strip=True).startswith("See all 5 tips on one page")
    assert pointer.a["href"] == "/tips/"


def test_drafts_join_the_deck_only_in_a_preview(deck_site, tmp_path):
    assert "A tip from a draft" not in (deck_site / "tips" / "index.html").read_text()
    output = tmp_path / "preview"
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "build.py"), "--content", str(SITES / "tips-deck"),
         "--output", str(output), "--drafts"], cwd=ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    titles = [card.h3.get_text(" ", strip=True) for card in deck_cards(output)]
    assert "Tip : A tip from a draft" in titles
    assert len(titles) == 6


# --- The real guide ----------------------------------------------------------------------------

MARKER = re.compile(r"^> \[!(TIP|TRY|CAUTION)\] ", re.M)


@pytest.fixture(scope="module")
def guide_chapters(guide):
    pages = sorted((guide / "guide").glob("*/index.html"))
    return {f"/guide/{path.parent.name}/": soup_of(path) for path in pages}


def test_every_card_in_the_guide_parses(guide_chapters):
    written = sum(len(MARKER.findall(p.read_text(encoding="utf-8")))
                  for p in (ROOT / "content" / "articles").glob("*.md"))
    rendered = sum(len(soup.select(".prose aside.tip-card")) for soup in guide_chapters.values())
    assert rendered == written >= 50
    for url, soup in guide_chapters.items():
        assert "[!" not in soup.select_one(".prose").get_text(), url


def test_card_ids_are_unique_on_every_page(guide):
    for path in guide.rglob("*.html"):
        ids = Counter(el["id"] for el in soup_of(path).find_all(id=True))
        assert not [i for i, n in ids.items() if n > 1], path


def test_the_deck_lists_every_card_once_and_every_back_link_resolves(guide, guide_chapters):
    in_chapters = Counter(
        f"{url}#{card['id']}"
        for url, soup in guide_chapters.items() for card in soup.select(".prose aside.tip-card")
    )
    deck = deck_cards(guide)
    back_links = Counter(card.select_one(".tip-card__source a")["href"] for card in deck)
    assert back_links == in_chapters
    assert set(back_links.values()) == {1}
    for link in back_links:
        page, fragment = urldefrag(link)
        target = guide_chapters[page].find(id=fragment)
        assert target is not None and "tip-card" in target.get("class", []), link
    home = soup_of(guide / "index.html").select_one(".home-tips")
    assert f"See all {len(deck)} tips" in home.get_text(" ", strip=True)


def test_every_deck_group_is_a_known_topic(guide):
    topics = {p.stem for p in (ROOT / "content" / "topics").glob("*.md")}
    deck = soup_of(guide / "tips" / "index.html")
    groups = [section["id"] for section in deck.select("section.tips-group")]
    assert groups and set(groups) <= topics


# --- In the browser ----------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", ["/tips/", "/guide/time-together/"])
def test_axe_finds_no_violations(server, open_page, path, scheme):
    watched = open_page(server + path, color_scheme=scheme)
    assert watched.page.locator(".tip-card").count() >= 4
    assert run_axe(watched.page) == []
    assert watched.console_errors == [] and watched.page_errors == []


def test_a_card_is_announced_with_its_kind_and_can_be_linked_to(server, open_page):
    page = open_page(server + "/guide/time-together/").page
    # Chromium puts a space before the visually hidden colon ("Tip : ..."); speech ignores it.
    card = page.get_by_role("complementary", name=re.compile(r"^Tip ?: Take turns planning$"))
    assert card.count() == 1
    card.get_by_role("link", name="Link to this tip").click()
    assert page.evaluate("location.hash") == "#tip-take-turns-planning"
    assert page.locator(".tip-card:target").get_attribute("id") == "tip-take-turns-planning"


def test_kinds_differ_in_colour_as_well_as_text(server, open_page):
    page = open_page(server + "/guide/handling-conflict/").page
    colour = "el => getComputedStyle(el).borderLeftColor"
    tip = page.locator(".tip-card--tip").first.evaluate(colour)
    try_ = page.locator(".tip-card--try").first.evaluate(colour)
    caution = page.locator(".tip-card--caution").first.evaluate(colour)
    assert len({tip, try_, caution}) == 3


def test_the_deck_prints_as_cut_out_cards_two_to_a_row(server, open_page):
    page = open_page(server + "/tips/", width=800).page
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator(".tips-topics").is_visible()
    cards = page.locator(".tip-deck .tip-card")
    style = cards.first.evaluate(
        "el => { const s = getComputedStyle(el); return [s.borderTopStyle, s.breakInside,"
        " getComputedStyle(el.parentElement).breakInside]; }"
    )
    assert style[0] == "dashed"
    assert "avoid" in (style[1], style[2])
    first, second = cards.nth(0).bounding_box(), cards.nth(1).bounding_box()
    assert first["y"] == second["y"] and second["x"] > first["x"] + first["width"] - 1
    assert first["width"] < 400
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    assert pdf.startswith(b"%PDF")


def test_a_chapter_prints_its_cards_without_the_self_links(server, open_page):
    page = open_page(server + "/guide/time-together/").page
    page.emulate_media(media="print")
    assert page.locator(".tip-card").first.is_visible()
    assert not page.locator(".tip-card__link").first.is_visible()
