"""The topic_links plugin: scoring, wiki links, first-mention links, topic pages, errors, browser."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import markdown
import pytest
from bs4 import BeautifulSoup
from tip_cards.extension import TipCardsExtension
from topic_links.autolink import FirstMentionsExtension, TermMatcher
from topic_links.related import ReadingItem, Shortlist, backlinks, inbound, related_reading
from topic_links.topicmap import connections, topic_map
from topic_links.wikilinks import Target, WikiLinkExtension

from conftest import ROOT, SITES, run_axe

TOPIC_SLUGS = sorted(p.stem for p in (ROOT / "content" / "topics").glob("*.md"))


def soup_of(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def shown(path: Path) -> str:
    """A path as the build prints it: relative to the project when inside it."""
    return str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# -- related reading: scoring ------------------------------------------------

def item(slug: str, topics: str = "", kind: str = "chapter", rank: int = 0) -> ReadingItem:
    return ReadingItem(slug, slug.title(), f"x/{slug}/", kind, tuple(topics.split()), rank)


def slugs(items) -> list[str]:
    return [i.slug for i in items]


SUBJECT = item("me", "trust listening", rank=0)
POOL = [
    item("both", "trust listening", rank=5),
    item("trust-only", "trust", rank=1),
    item("listening-only", "listening", rank=2),
    item("unrelated", "money", rank=3),
    item("q-both", "listening trust", "question", rank=10),
    item("q-trust", "trust", "question", rank=11),
]


def test_more_shared_topics_rank_first_and_the_page_is_never_listed():
    result = related_reading(SUBJECT, [], [*POOL, SUBJECT], maximum=3)
    assert slugs(result) == ["both", "q-both", "trust-only"]
    assert "me" not in slugs(related_reading(SUBJECT, ["me"], [*POOL, SUBJECT]))


def test_the_editors_related_list_comes_first_in_its_own_order():
    result = related_reading(SUBJECT, ["unrelated", "q-trust"], POOL, maximum=4)
    assert slugs(result) == ["unrelated", "q-trust", "both", "q-both"]


def test_the_editors_list_is_capped_at_the_maximum_and_unknown_slugs_are_ignored():
    editor = ["nope", "unrelated", "q-trust", "both", "trust-only", "listening-only", "q-both"]
    assert slugs(related_reading(SUBJECT, editor, POOL, maximum=5)) == editor[1:6]


def test_ties_break_on_a_link_between_the_pages_then_specific_topics_then_guide_order():
    pool = [item("a", "trust", rank=1), item("b", "trust", rank=2), item("c", "listening", rank=3)]
    # No link: listening files 1 item, trust 2, so sharing listening says more.
    assert slugs(related_reading(SUBJECT, [], pool, topic_sizes={"trust": 2, "listening": 1},
                                 minimum=0, maximum=3)) == ["c", "a", "b"]
    # A wiki link from b to the page (either way counts) puts b first.
    assert slugs(related_reading(SUBJECT, [], pool, links={("b", "me")}, minimum=0,
                                 maximum=3)) == ["b", "a", "c"]


def test_chapters_and_questions_are_mixed_when_both_share_a_topic():
    pool = [item(f"c{i}", "trust", rank=i) for i in range(6)] + [item("q", "trust", "question", 20)]
    result = related_reading(SUBJECT, [], pool, maximum=5)
    assert slugs(result) == ["c0", "c1", "c2", "c3", "q"]
    questions = [item(f"q{i}", "trust", "question", 10 + i) for i in range(6)] + [item("c", "trust", rank=30)]
    assert slugs(related_reading(SUBJECT, [], questions, maximum=3)) == ["q0", "q1", "c"]


def test_too_few_sharing_a_topic_are_topped_up_to_the_minimum():
    subject = item("me", "money", rank=4)
    pool = [item("far", "x", rank=0), item("near", "x", rank=3), item("linked", "x", rank=9),
            item("neighbour-topic", "debt", rank=8), item("q", "x", "question", 20)]
    result = related_reading(subject, [], pool, links={("linked", "me")},
                             related_topics={"money": {"debt"}}, minimum=3)
    assert slugs(result) == ["linked", "neighbour-topic", "near"]


def test_the_order_never_depends_on_input_order():
    expected = slugs(related_reading(SUBJECT, ["unrelated"], POOL))
    for seed in range(5):
        shuffled = POOL[:]
        random.Random(seed).shuffle(shuffled)
        assert slugs(related_reading(SUBJECT, ["unrelated"], shuffled)) == expected


def test_backlinks_list_linking_pages_in_guide_order_once_each():
    items = {i.slug: i for i in POOL}
    links = {("q-trust", "me"), ("trust-only", "me"), ("both", "me"), ("me", "both"), ("me", "me")}
    assert slugs(backlinks("me", inbound(links), items)) == ["trust-only", "both", "q-trust"]


def test_the_shortlist_holds_everything_that_can_qualify_and_nothing_else():
    many = [item(f"c{i}", "other", rank=i) for i in range(100)]
    pool = [*POOL, *many, item("debt", "debt", rank=200), item("linked", "x", rank=300)]
    shortlist = Shortlist(pool, {("linked", "me")}, {"trust": {"debt"}})
    subject = item("me", "trust listening", rank=50)
    sharing = ["both", "trust-only", "listening-only", "q-both", "q-trust"]
    # Five pages share a topic, so nothing else can make the list.
    found = slugs(shortlist.candidates(subject, ["unrelated"]))
    assert sorted(found) == sorted([*sharing, "unrelated", "linked"])
    # With fewer than the minimum sharing, related topics and guide neighbours come in.
    found = slugs(shortlist.candidates(subject, ["unrelated"], minimum=6))
    assert sorted(found) == sorted([*sharing, "unrelated", "linked", "debt",
                                    "c47", "c48", "c49", "c50", "c51", "c52", "c53"])
    # Scoring the shortlist gives what scoring everything gives.
    for editor in ([], ["unrelated"]):
        for minimum in (3, 6):
            assert related_reading(subject, editor, shortlist.candidates(subject, editor, minimum),
                                   minimum=minimum, maximum=6) == \
                related_reading(subject, editor, pool, minimum=minimum, maximum=6)


# -- wiki links: the Markdown extension ---------------------------------------

KNOWN = {
    "building-trust": Target("building-trust", "Building trust", "/guide/building-trust/", "ok"),
    "trust": Target("trust", "Trust & honesty", "/topics/trust/", "ok"),
    "later": Target("later", "Later", None, "draft"),
    "what-is-trust": Target("what-is-trust", "What is trust?", None, "unbuilt"),
}


def render(text: str) -> tuple[str, list[str]]:
    md = markdown.Markdown(
        extensions=["extra", "smarty", "toc", "meta", WikiLinkExtension(KNOWN)], output_format="html5",
    )
    md.source_path = "content/articles/x.md"
    return md.convert(text), md.wiki_links


def test_a_wiki_link_is_resolved_in_the_tree_with_its_text_or_the_targets_title():
    text = "Title: T\nSlug: t\n\nFirst line.\nSee [[building-trust|*Trust* first]].\n\n[[trust]]"
    html, links = render(text)
    assert html == (
        "<p>First line.\n"
        'See <a href="/guide/building-trust/"><em>Trust</em> first</a>.</p>\n'
        '<p><a href="/topics/trust/">Trust &amp; honesty</a></p>'
    )
    assert links == ["building-trust", "trust"]


def test_wiki_links_in_code_stay_literal():
    text = "Use `[[slug]]` inline.\n\n    [[indented]]\n\n```\n[[fenced]]\n```\n\nEscaped \\[[not-a-link]]."
    assert render(text) == ((
        "<p>Use <code>[[slug]]</code> inline.</p>\n"
        "<pre><code>[[indented]]\n</code></pre>\n"
        "<pre><code>[[fenced]]\n</code></pre>\n"
        "<p>Escaped [[not-a-link]].</p>"
    ), [])


def test_unknown_draft_and_unbuilt_targets_show_text_and_unknown_and_draft_are_errors(caplog):
    text = "Title: T\n\nA [[gone]], [[later|soon]] and [[what-is-trust]].\n\nThen [[bulding-trust]]."
    html, links = render(text)
    assert html == "<p>A gone, soon and What is trust?.</p>\n<p>Then bulding-trust.</p>"
    assert links == []
    assert caplog.messages == [
        'content/articles/x.md:3: unknown wiki link "gone"',
        'content/articles/x.md:3: wiki link "later" points to a draft, which is not published',
        'content/articles/x.md:5: unknown wiki link "bulding-trust" (did you mean "building-trust"?)',
    ]


# -- first-mention links ------------------------------------------------------

TERMS = {
    "trust": ["Trust", "honesty", "won't open up"],
    "listening": ["Listening", "active listening", "listen"],
    "conflict": ["Conflict", "argument"],
}


def link(text: str, exclude=(), skip=(), kind="chapter") -> tuple[str, list[str]]:
    """A chapter's Markdown rendered with first mentions linked (in the tree), and the topics linked."""
    md = markdown.Markdown(extensions=[
        "meta", "extra", "smarty", TipCardsExtension(),
        FirstMentionsExtension(TermMatcher(TERMS, skip), lambda slug: f"/topics/{slug}/"),
    ])
    md.content_kind = kind
    front = f"Topics: {', '.join(exclude)}\n\n" if exclude else ""
    html = md.convert(front + text)
    return html, md.topic_links


def test_only_the_first_mention_of_each_topic_links():
    html, linked = link("Trust matters. Honesty and trust again.\n\nAn argument. Trust.")
    assert html == (
        '<p><a class="topic-link" href="/topics/trust/">Trust</a> matters. Honesty and trust again.</p>\n'
        '<p>An <a class="topic-link" href="/topics/conflict/">argument</a>. Trust.</p>'
    )
    assert linked == ["trust", "conflict"]


def test_whole_words_only_case_kept_longest_term_wins_possessive_counts():
    unchanged = "Distrust and trusting and trust-fund."
    assert link(unchanged) == (f"<p>{unchanged}</p>", [])
    html, _ = link("Try ACTIVE LISTENING.")
    assert html == '<p>Try <a class="topic-link" href="/topics/listening/">ACTIVE LISTENING</a>.</p>'
    html, _ = link("Your argument's point.")
    assert html == '<p>Your <a class="topic-link" href="/topics/conflict/">argument</a>&rsquo;s point.</p>'


def test_curly_apostrophes_match_straight_ones_in_aliases():
    """smarty keeps its ’ out of the tree as a placeholder; the match sees through it."""
    html, linked = link("He won't open up, but later he does.")
    assert linked == ["trust"]
    assert '<a class="topic-link" href="/topics/trust/">won&rsquo;t open up</a>, but later' in html
    html, linked = link("He won\u2019t open up.")
    assert linked == ["trust"]
    assert '<a class="topic-link" href="/topics/trust/">won\u2019t open up</a>' in html


def test_never_in_headings_links_code_or_tip_card_titles():
    text = (
        "## Trust\n\n[trust](/x/) `trust`\n\n    trust\n\n"
        "> [!TIP] Listening first\n> Listen well.\n\nNow trust."
    )
    result, linked = link(text)
    soup = BeautifulSoup(result, "html.parser")
    assert linked == ["listening", "trust"]
    assert soup.h2.find("a") is None and soup.h3.find("a") is None and soup.pre.find("a") is None
    assert soup.select_one(".tip-card__body a.topic-link").get_text() == "Listen"
    assert soup.find_all("p")[-1].a.get_text() == "trust"


def test_the_pages_own_topics_and_skipped_terms_never_link():
    html, linked = link("Trust, an argument, and we listen.", exclude=["trust"], skip=["listen"])
    assert linked == ["conflict"]
    assert html == ('<p>Trust, an <a class="topic-link" href="/topics/conflict/">argument</a>,'
                    " and we listen.</p>")


def test_text_without_a_mention_and_pages_that_are_not_chapters_come_back_unchanged():
    assert link("Nothing to see &amp; here.") == ("<p>Nothing to see &amp; here.</p>", [])
    assert link("Trust matters.", kind="question") == ("<p>Trust matters.</p>", [])
    assert link("Autolink: no\n\nTrust matters.") == ("<p>Trust matters.</p>", [])


def test_several_mentions_in_one_text_each_link_once_in_order():
    html, linked = link("An argument about trust, then *more* trust and listening.")
    assert linked == ["conflict", "trust", "listening"]
    assert html == (
        '<p>An <a class="topic-link" href="/topics/conflict/">argument</a> about '
        '<a class="topic-link" href="/topics/trust/">trust</a>, then <em>more</em> trust and '
        '<a class="topic-link" href="/topics/listening/">listening</a>.</p>'
    )


# -- the topic map -------------------------------------------------------------

def fake_topic(slug: str, chapters=(), questions=(), tips=()):
    return SimpleNamespace(slug=slug, title=slug.title(), chapters=list(chapters),
                           faq_entries=list(questions), tip_cards=list(tips))


def test_the_map_joins_topics_that_share_content_weighted_by_shared_items():
    a, b, c = (SimpleNamespace(url=f"guide/{x}/") for x in "abc")
    q = SimpleNamespace(url="faq/q/")
    topics = [fake_topic("one", [a, b], [q]), fake_topic("two", [a, b, c], [q]), fake_topic("three", [c])]
    drawn = topic_map(topics)
    assert [(e.a.slug, e.b.slug, e.weight) for e in drawn.edges] == [("three", "two", 1), ("one", "two", 3)]
    assert drawn.strongest == 3
    links = connections(topics)
    assert [(t.slug, n) for t, n in links["two"]] == [("one", 3), ("three", 1)]
    # On a circle, first at the top, the same every time.
    first = drawn.nodes[0]
    assert (first.x, first.anchor) == (drawn.width / 2, "start")
    assert topic_map(topics) == drawn


# -- building a site -------------------------------------------------------------

@pytest.fixture(scope="module")
def basic(tmp_path_factory):
    from conftest import run_build

    result = run_build(SITES / "topics-basic", tmp_path_factory.mktemp("topics") / "output")
    assert result.ok, result.log
    return result.output


def test_topic_pages_list_chapters_in_guide_order_questions_and_related_topics(basic):
    index = soup_of(basic / "topics" / "index.html")
    entries = index.select(".topic-entry")
    assert [e.h3.get_text(strip=True) for e in entries] == ["Conflict", "Listening", "Money worries", "Trust"]
    listening = entries[1]
    assert listening.select_one(".topic-description").get_text() == \
        "Listening is giving your partner your full attention."
    assert listening.select_one(".topic-counts").get_text().startswith("2 chapters · 1 question")
    page = soup_of(basic / "topics" / "listening" / "index.html")
    assert page.h1.get_text() == "Listening"
    chapters = [a["href"] for a in page.select("#topic-chapters + ul > li > a")]
    assert chapters == ["/guide/hearing-each-other/", "/guide/fair-fights/"]
    assert [a["href"] for a in page.select("#topic-questions + ul a")] == ["/faq/how-to-listen/"]
    related = [a.get_text() for a in page.select("#topic-related + ul a")]
    assert related[:2] == ["Trust", "Conflict"]  # the editor's Related first


def test_the_topic_map_is_an_accessible_svg_with_a_text_alternative(basic):
    index = soup_of(basic / "topics" / "index.html")
    svg = index.select_one("figure.topic-map svg")
    assert svg["role"] == "img"
    labelled = svg["aria-labelledby"].split()
    assert [svg.find(id=i).name for i in labelled] == ["title", "desc"]
    assert not index.find(attrs={"style": True}) and not index.find("style")
    assert len(svg.select("circle.map-node")) == 4
    labels = [t.get_text() for t in svg.select("text.map-label")]
    assert labels == ["Conflict", "Listening", "Money worries", "Trust"]
    alternative = {
        li.a.get_text(): " ".join(li.get_text().split()) for li in index.select(".topic-connections li")
    }
    # Each number says what it counts (the bare "(7)" read as a footnote).
    assert alternative["Listening"] == \
        "Listening: shares content with Conflict (1 page or tip), Trust (1 page or tip)."
    assert alternative["Money worries"] == "Money worries: shares content with Conflict (1 page or tip)."


def test_wiki_links_resolve_to_every_kind_of_target(basic):
    prose = soup_of(basic / "guide" / "trust-basics" / "index.html").select_one(".prose")
    links = {a.get_text(): a["href"] for a in prose.find_all("a") if "topic-link" not in a.get("class", [])}
    assert links == {
        "Hearing each other": "/guide/hearing-each-other/",  # [[slug]]: the chapter's title
        "the chapter on fair fights": "/guide/fair-fights/",
        "What is trust?": "/faq/what-is-trust/",
        "About this site": "/about/",
    }
    topic = soup_of(basic / "guide" / "hearing-each-other" / "index.html").select_one(".prose")
    assert topic.find("a", string="Trust", href="/topics/trust/", class_=False)
    assert "[[" not in prose.get_text().replace("[[trust-basics]]", "")
    assert prose.code.get_text() == "[[trust-basics]]"
    faq = soup_of(basic / "faq" / "how-to-listen" / "index.html").select_one(".prose")
    assert faq.find("a", href="/guide/hearing-each-other/").get_text() == "Hearing each other"
    description = soup_of(basic / "topics" / "listening" / "index.html").select_one(".lead")
    assert description.find("a", href="/guide/hearing-each-other/")


def test_first_mentions_link_to_topic_pages_except_where_turned_off(basic):
    def topic_links(slug):
        prose = soup_of(basic / "guide" / slug / "index.html").select_one(".prose")
        return [(a.get_text(), a["href"]) for a in prose.select("a.topic-link")]

    # Its own topic (trust) is never linked, nor anything in headings or code, nor the
    # everyday words of TOPIC_AUTOLINK_SKIP ("money", "argument").
    assert topic_links("trust-basics") == [("active listening", "/topics/listening/")]
    assert topic_links("fair-fights") == []  # Autolink: no


def test_every_chapter_and_question_ends_with_one_related_list_without_repeats(basic):
    pages = [*sorted((basic / "guide").glob("*/index.html")), *sorted((basic / "faq").glob("*/index.html"))]
    assert len(pages) == 6
    for path in pages:
        soup = soup_of(path)
        assert len(soup.select("section.related-reading")) == 1, path
        hrefs = [a["href"] for a in soup.select_one("section.related-reading .related-list").select("li a")]
        assert 1 <= len(hrefs) <= 6 and len(set(hrefs)) == len(hrefs), path
        own = "/" + path.parent.relative_to(basic).as_posix() + "/"
        assert own not in hrefs, path
        # Nothing the page offers as its next step, or as the chapter to go deeper, again.
        elsewhere = {a["href"] for a in soup.select(".pager a, .faq-deeper a, .faq-related a")}
        assert not elsewhere & set(hrefs), (path, elsewhere & set(hrefs))
    trust = soup_of(basic / "guide" / "trust-basics" / "index.html").select_one("section.related-reading")
    assert trust.h2.get_text() == "Related"
    items = [a["href"] for a in trust.select(".related-list a")]
    kinds = [span.get_text() for span in trust.select(".related-kind")]
    assert set(kinds) <= {"Chapter", "Question", "Topic", "Page"} and kinds
    # The related reading first (the editor's Related: first, unless it is the next chapter),
    # then pages that link here which are not already listed.
    assert "/faq/what-is-trust/" in items, "a page that links here joins the one list"


def test_the_plugin_works_without_the_faq_and_tip_card_plugins(build_site, tmp_path):
    settings = tmp_path / "conf.py"
    settings.write_text(
        f"from pelicanconf import *\nTHEME = {str(ROOT / 'theme')!r}\n"
        f"PLUGIN_PATHS = [{str(ROOT / 'plugins')!r}]\n"
        "PLUGINS = [p for p in PLUGINS if p not in ('faq', 'tip_cards')]\n"
    )
    result = build_site("topics-basic", settings=str(settings), env={"PYTHONPATH": str(ROOT)})
    assert result.ok, result.log
    assert not (result.output / "faq").exists()
    prose = soup_of(result.output / "guide" / "trust-basics" / "index.html").select_one(".prose")
    # The question is not built: its link is its text, never a dead link.
    assert "See What is trust? and" in prose.get_text()
    assert not prose.find("a", href="/faq/what-is-trust/")
    counts = soup_of(result.output / "topics" / "index.html").select_one(".topic-counts").get_text()
    assert counts == "2 chapters"  # no count of questions or tips that are not built


# -- errors: every mistake at once, each as path:line: error: message ------------

def test_every_slug_mistake_names_file_and_line(build_site, site_copy):
    content = site_copy("topics-basic")
    trust_basics = content / "articles" / "trust-basics.md"
    edit(trust_basics, "Topics: trust", "Topics: trsut")
    edit(trust_basics, "Related: hearing-each-other", "Related: hearing-each-othre, conflict")
    edit(trust_basics, "[[about]]", "[[abuot]]")
    edit(trust_basics, "[[what-is-trust]]", "[[Trust Basics]]")
    edit(content / "faq" / "what-is-trust.md", "Topics: trust", "Topics: trusst")
    edit(content / "topics" / "listening.md", "Related: trust, conflict", "Related: trust, conflcit")
    edit(content / "topics" / "listening.md", "[[hearing-each-other]]", "[[hearing-each-othr]]")
    edit(content / "faq" / "how-to-listen.md", "[[hearing-each-other|", "[[nowhere|")
    unused = content / "topics" / "patience.md"
    unused.write_text("Title: Patience\nSlug: patience\nAliases: patient\n\nGo slow.\n")
    result = build_site(content)
    assert result.returncode == 1
    chapter, faq, topic = (shown(content / p) for p in
                           ("articles/trust-basics.md", "faq/what-is-trust.md", "topics/listening.md"))
    expected = [
        f'{chapter}:4: error: unknown topic "trsut" (did you mean "trust"?)',
        f'{faq}:3: error: unknown topic "trusst" (did you mean "trust"?)',
        f'{topic}:4: error: unknown topic "conflcit" (did you mean "conflict"?)',
        f'{chapter}:8: error: Related "hearing-each-othre" is not a chapter or question'
        ' (did you mean "hearing-each-other"?)',
        f'{chapter}:8: error: Related "conflict" is a topic; Related lists chapters and questions',
        f'{chapter}:20: error: unknown wiki link "abuot" (did you mean "about"?)',
        f'{chapter}:20: error: unknown wiki link "Trust Basics" (did you mean "trust-basics"?)',
        f'{topic}:6: error: unknown wiki link "hearing-each-othr" (did you mean "hearing-each-other"?)',
        f'{shown(content / "faq/how-to-listen.md")}:7: error: unknown wiki link "nowhere"',
        f'{shown(content / "topics/patience.md")}:2: warning: topic "patience" is not used by any chapter,'
        " question or tip card",
    ]
    for line in expected:
        assert line in result.log, f"missing: {line}\n{result.log}"


def test_a_slug_used_twice_across_content_types_names_both_files(build_site, site_copy):
    content = site_copy("topics-basic")
    (content / "pages" / "trust.md").write_text("Title: Trust, the page\nSlug: trust\n\nA page.\n")
    edit(content / "articles" / "money-talks.md", "Slug: money-talks", "Slug: money")
    result = build_site(content)
    assert result.returncode == 1
    assert (f'{shown(content / "topics/trust.md")}:2: error: slug "trust" is also used by '
            f'{shown(content / "pages/trust.md")}') in result.log
    assert (f'{shown(content / "topics/money.md")}:2: error: slug "money" is also used by '
            f'{shown(content / "articles/money-talks.md")}') in result.log


def test_a_link_to_a_draft_fails_the_published_build_not_the_preview(build_site, site_copy, tmp_path):
    content = site_copy("topics-basic")
    edit(content / "articles" / "fair-fights.md", "Autolink: no", "Autolink: no\nStatus: draft")
    result = build_site(content)
    assert result.returncode == 1
    assert (f'{shown(content / "articles/trust-basics.md")}:19: error: wiki link "fair-fights" points to a '
            "draft, which is not published") in result.log
    # The preview shows drafts where they will live, so there the link works.
    preview = tmp_path / "preview"
    command = [sys.executable, str(ROOT / "tools" / "build.py"), "--drafts",
               "--content", str(content), "--output", str(preview)]
    run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    prose = soup_of(preview / "guide" / "trust-basics" / "index.html").select_one(".prose")
    assert prose.find("a", href="/guide/fair-fights/").get_text() == "the chapter on fair fights"


# -- the real guide ----------------------------------------------------------------

def test_the_guide_has_a_page_for_every_topic_and_every_topic_is_used(guide):
    index = soup_of(guide / "topics" / "index.html")
    listed = {a["href"] for a in index.select(".topic-entry h3 a")}
    assert listed == {f"/topics/{slug}/" for slug in TOPIC_SLUGS}
    for slug in TOPIC_SLUGS:
        page = soup_of(guide / "topics" / slug / "index.html")
        used = page.select("#topic-chapters + ul li, #topic-questions + ul li, #topic-tips + ul li")
        assert used, f"/topics/{slug}/ lists nothing"
    connections = index.select(".topic-connections li")
    assert len(connections) == len(TOPIC_SLUGS)
    assert len(index.select("figure.topic-map svg text.map-label")) == len(TOPIC_SLUGS)


def test_every_chapter_and_question_in_the_guide_ends_with_one_list_without_repeats(guide):
    pages = [*sorted((guide / "guide").glob("*/index.html")), *sorted((guide / "faq").glob("*/index.html"))]
    # A merged page's old address is a redirect page (plugins/redirects), not a page to read.
    pages = [path for path in pages if 'http-equiv="refresh"' not in path.read_text(encoding="utf-8")]
    assert len(pages) >= 23
    for path in pages:
        own = "/" + path.parent.relative_to(guide).as_posix() + "/"
        soup = soup_of(path)
        hrefs = [a["href"] for a in soup.select_one("section.related-reading .related-list").find_all("a")]
        assert 1 <= len(hrefs) <= 6, own
        assert own not in hrefs and len(set(hrefs)) == len(hrefs), own
        elsewhere = {a["href"] for a in soup.select(".pager a, .faq-deeper a, .faq-related a")}
        assert not elsewhere & set(hrefs), own


def test_no_wiki_link_is_left_unresolved_in_the_guide(guide):
    for path in guide.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        assert "wiki:" not in html and "data-wiki" not in html, path
        for prose in BeautifulSoup(html, "html.parser").select(".prose"):
            for code in prose.find_all(["code", "pre"]):
                code.decompose()
            assert "[[" not in prose.get_text(), path


def test_first_mention_links_in_the_guide_keep_the_rules(guide):
    import pelicanconf

    skipped = {term.lower() for term in pelicanconf.TOPIC_AUTOLINK_SKIP}
    total = 0
    for path in sorted((guide / "guide").glob("*/index.html")):
        soup = soup_of(path)
        own = {a["href"] for a in soup.select(".chapter-header .chips a")}
        targets = [a["href"] for a in soup.select("a.topic-link")]
        total += len(targets)
        assert len(targets) == len(set(targets)), f"{path}: a topic linked twice"
        assert not own & set(targets), f"{path}: links its own topic"
        for link in soup.select("a.topic-link"):
            assert not link.find_parent(["h1", "h2", "h3", "h4", "a", "code", "pre"]), path
            assert " ".join(link.get_text().lower().replace("\u2019", "'").split()) not in skipped, path
    assert total >= len(TOPIC_SLUGS)


# -- in Chromium ---------------------------------------------------------------

@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", ["/topics/", "/topics/trust/", "/guide/building-trust/"])
def test_topic_pages_have_no_axe_violations(server, open_page, path, scheme):
    watched = open_page(server + path, color_scheme=scheme)
    assert run_axe(watched.page) == []
    assert watched.console_errors == [] and watched.page_errors == []


def test_the_topic_map_is_legible_or_left_to_its_text_list(server, open_page):
    # On a phone the 780-unit map would draw its labels at about 6 px: it gives way to
    # the list of connections below it. On a wide screen its labels are 12 px or more.
    page = open_page(server + "/topics/", width=320, height=740).page
    assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert not page.locator("figure.topic-map").is_visible()
    assert page.locator(".topic-connections li").first.is_visible()
    page = open_page(server + "/topics/", width=1280, height=900).page
    sizes = page.locator("figure.topic-map text.map-label").evaluate_all(
        # The drawn size: the font size times the SVG's scale on screen (whatever the rotation).
        "labels => labels.map(l => { const m = l.getScreenCTM();"
        " return parseFloat(getComputedStyle(l).fontSize) * Math.hypot(m.a, m.b); })")
    assert sizes and min(sizes) >= 12, min(sizes)
