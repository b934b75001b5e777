"""Structure is read once, from the Markdown tree (issue #18): what the tree records,
and reading Markdown ahead on every core with the same result as reading it here."""

from __future__ import annotations

import filecmp
import logging
import os
import shutil
import time
from pathlib import Path

import markdown
import pytest
from content_model.facts import PageFactsExtension
from content_model.guide import contents
from guide_core.ahead import Ahead
from tip_cards.extension import TipCardsExtension
from topic_links.wikilinks import Target, WikiLinkExtension

from conftest import ROOT, run_build

CHAPTER = """Title: T
Slug: small-steps
Topics: trust, listening

Intro with a [link](#later) and *emphasis*.

## First part

Words here.

> [!TRY] A *ten-minute* check-in
> Read [the next part](#second-part) first.
>
> Then talk[^1].

### Second part

More words &amp; a [[building-trust]] link.

[^1]: A note.
"""


TRUST = Target("building-trust", "Building trust", "/guide/building-trust/", "ok")


def convert(text: str) -> markdown.Markdown:
    md = markdown.Markdown(extensions=[
        "meta", "extra", "smarty", "toc", TipCardsExtension(page_url="/guide/{slug}/"),
        WikiLinkExtension({"building-trust": TRUST}),
        PageFactsExtension(),
    ])
    md.html = md.convert(text)
    return md


def test_a_card_is_recorded_as_it_renders_ready_for_another_page():
    md = convert(CHAPTER)
    [card] = md.tip_cards
    assert (card.id, card.kind, card.line) == ("tip-a-ten-minute-check-in", "try", 11)
    assert card.topics == ["trust", "listening"]  # the page's, as the card names none
    assert card.title_html == "A <em>ten-minute</em> check-in"
    # In-page links point back to the chapter; ids (the footnote mark's) are dropped.
    assert 'href="/guide/small-steps/#second-part"' in card.body_html
    assert "id=" not in card.body_html and "<p>Then talk" in card.body_html
    assert card.text.startswith("Read the next part first. Then talk")
    # The card in the page itself keeps its own links and ids.
    assert 'href="#second-part"' in md.html and 'id="fnref:1"' in md.html


def test_sections_leave_cards_out_and_word_count_counts_what_a_reader_reads():
    md = convert(CHAPTER)
    assert [(anchor, heading) for anchor, heading, _ in md.sections] == [
        ("", ""), ("first-part", "First part"), ("second-part", "Second part")]
    assert md.sections[0][2] == "Intro with a link and emphasis."
    assert md.sections[1][2] == "Words here."
    # A wiki link without text shows its target's title (resolved in the tree).
    assert md.sections[2][2] == "More words & a Building trust link. A note. \u21a9"
    assert "ten-minute" not in " ".join(text for _, _, text in md.sections)
    # Every word on the page, the card's and the footnote's too (its label "Try this together",
    # "#", "Link to this tip" and the footnote's back-link included, as a reader sees them).
    assert md.word_count == 39


def test_the_contents_are_the_toc_extensions_sections_but_card_titles():
    md = convert(CHAPTER + "\n## Don't *stop* & go\n\nText.\n")
    cards = {f"{card.id}-title" for card in md.tip_cards}
    assert contents(md.toc_tokens, cards) == [
        {"level": 2, "id": "first-part", "title": "First part"},
        {"level": 2, "id": "dont-stop-go", "title": "Don\u2019t stop & go"},
    ]


def test_reading_on_every_core_builds_the_same_site_and_reports_every_problem(tmp_path):
    """The guide (over 100 files) is read ahead in worker processes; the site is byte for byte
    what reading in one process gives, and a problem found in a worker fails the build with
    its path:line, once."""
    ahead = run_build(ROOT / "content", tmp_path / "ahead", env={"READ_PROCESSES": "2"})
    # ... and the search index, built in a child process while the pages are written, is the
    # index built in the build's own process at the end.
    here = run_build(ROOT / "content", tmp_path / "here",
                     env={"READ_PROCESSES": "1", "BUILD_PROCESSES": "1"})
    assert ahead.ok and here.ok, ahead.log + here.log
    assert "(in a child process)" in ahead.log and "(in a child process)" not in here.log
    compared = filecmp.dircmp(ahead.output, here.output)
    differ: list[str] = []

    def walk(cmp: filecmp.dircmp, prefix: str = "") -> None:
        differ.extend(prefix + name for name in cmp.diff_files + cmp.left_only + cmp.right_only)
        for name, sub in cmp.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(compared)
    assert differ == []

    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    broken = content / "articles" / "building-trust.md"
    broken.write_text(broken.read_text(encoding="utf-8").replace("Summary:", "Sumary:", 1), encoding="utf-8")
    failed = run_build(content, tmp_path / "failed", env={"READ_PROCESSES": "2"})
    assert not failed.ok
    problem = 'error: unknown metadata "Sumary" for an article'
    lines = [line for line in failed.log.splitlines() if problem in line]
    assert len(lines) == 1 and lines[0].endswith('(did you mean "summary"?)'), failed.log
    assert lines[0].startswith(f"{broken}:3: ")
    assert not (tmp_path / "failed").exists()


STATEFUL = """Title: Stateful {n}
Slug: stateful-{n}
Summary: Talk *first* ({n}).

## Talk

The HTML spec[^note] says little about talking.

## Talk

*[HTML]: HyperText Markup Language

> [!TRY] Listen {n}
> One thing.

[^note]: A note {n}.
"""


def test_one_markdown_instance_reads_each_file_as_a_fresh_one_would(tmp_path):
    """The reader keeps one Markdown instance and resets it between files (Pelican makes a new
    one each time): nothing of one file (footnotes, abbreviations, heading ids, cards, the
    metadata, the Summary's conversion) reaches the next."""
    from content_model.reader import GuideMarkdownReader
    from pelican.settings import read_settings

    (tmp_path / "articles").mkdir()
    paths = []
    for n in (1, 2):
        path = tmp_path / "articles" / f"stateful-{n}.md"
        text = STATEFUL.format(n=n)
        if n == 2:  # Pelican resets the instance before a Summary; this file has none
            text = text.replace("Summary: Talk *first* (2).\n", "")
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    settings = read_settings(str(ROOT / "pelicanconf.py"), override={"PATH": str(tmp_path)})
    settings["MARKDOWN"]["extensions"] = [TipCardsExtension(page_url="/guide/{slug}/"), PageFactsExtension()]

    def seen(result) -> tuple:
        content, metadata = result
        return content, {key: repr(value) for key, value in metadata.items()}

    fresh = [seen(GuideMarkdownReader(settings).read(path)) for path in paths]
    reused = GuideMarkdownReader(settings)
    again = [seen(reused.read(path)) for path in paths + paths]
    assert again == fresh + fresh
    content, metadata = fresh[0]
    assert 'id="talk_1"' in content and "A note 1." in content and "<abbr" in content
    assert "Talk <em>first</em> (1)." in metadata["summary"]


def _logs_and_answers(logged: str) -> int:
    logging.getLogger("closer.test").error("%s: a problem found in the child", logged)
    return os.getpid()


def _fails() -> None:
    raise ValueError("no index today")


def test_work_ahead_runs_in_another_process_and_logs_here(caplog):
    """guide_core.ahead: the value comes back from a forked child; what the child logged is
    logged again in this process (so a build counts it); its error is raised here."""
    ahead = Ahead(lambda: _logs_and_answers("content/x.md:3"))
    assert ahead.was_forked
    with caplog.at_level(logging.INFO):
        child = ahead.result()
    assert child != os.getpid()
    assert [(r.name, r.levelno, r.getMessage()) for r in caplog.records] == [
        ("closer.test", logging.ERROR, "content/x.md:3: a problem found in the child")]
    inline = Ahead(lambda: _logs_and_answers("here"), inline=True)
    assert not inline.was_forked and inline.result() == os.getpid()

    with pytest.raises(RuntimeError, match="ValueError: no index today"):
        Ahead(_fails).result()
    with pytest.raises(RuntimeError, match="died .exit code 3"):
        Ahead(lambda: os._exit(3)).result()
    slow = Ahead(lambda: time.sleep(60))
    started = time.monotonic()
    slow.stop()
    assert time.monotonic() - started < 5 and slow.child is None


def test_the_guards_check_of_the_written_pages_on_every_core_reports_each_problem_once(tmp_path):
    """The guide has over 100 pages, so the guard scans them in a pool of workers; what a
    worker finds is reported once, at its source line, as when one process scans them all."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    hostile = content / "articles" / "case-affiliate-disclaimer.md"
    case = (Path(__file__).parent / "adguard_cases" / "affiliate-disclaimer.md").read_text(encoding="utf-8")
    hostile.write_text(case.replace("Order: 9", "Order: 999"), encoding="utf-8")
    expected = [f'{hostile}:9: error: affiliate wording: "Affiliate Disclaimer"',
                f'{hostile}:11: error: affiliate wording: "As an affiliate", "may earn a commission", '
                '"qualifying purchases"']
    for processes in ("2", "1"):
        failed = run_build(content, tmp_path / f"failed-{processes}", env={"BUILD_PROCESSES": processes})
        assert not failed.ok
        found = [line for line in failed.log.splitlines() if "error:" in line]
        assert found == expected, failed.log


# -- the quick inline pass (content_model/inline.py) ---------------------------------------------

MARKDOWN_PIECES = [
    "word", " ", "\n", "  \n", "'", '"', "--", "---", "...", "*", "_", "**", "`", "\\", "[", "]", "(", ")",
    "!", "<", ">", "&", ";", "#", "[^1]", "[[building-trust]]", "[[x|y]]", "&amp;", "&rsquo;", "<b>", "</b>",
    "<https://example.org>", "<me@example.org>", "[a](/b)", "![i](/i.png)", "'80s", "don't", '"quoted"',
    "\u2014", "&nbsp;", "1.", "- ", "> ", "{: .x }", ":", "\t",
]
CLASSES = "`\\[]!<&*_'\"-.\n "


def stock_and_quick() -> tuple[markdown.Markdown, markdown.Markdown]:
    from content_model.inline import quicken

    def make() -> markdown.Markdown:
        return markdown.Markdown(extensions=["meta", "extra", "sane_lists", "smarty", "toc",
                                             WikiLinkExtension({"building-trust": TRUST})],
                                 output_format="html5")
    return make(), quicken(make())


@pytest.mark.parametrize("regex", sorted(__import__("content_model.inline").inline.NEEDS))
def test_each_pattern_passed_over_cannot_match_text_without_what_it_needs(regex):
    """Every entry of NEEDS is a fact about its regular expression: text holding none of the
    strings never matches (hypothesis, on text made of the characters Markdown cares about)."""
    import re

    from content_model.inline import NEEDS
    from hypothesis import given, settings
    from hypothesis import strategies as st

    needs, compiled = NEEDS[regex], re.compile(regex, re.DOTALL | re.UNICODE)
    alphabet = "".join(c for c in CLASSES + "abc1 \u2013\u2014;#\x02\x03" if c not in needs)

    @settings(max_examples=300, deadline=None, derandomize=True, database=None)
    @given(st.text(alphabet=alphabet, max_size=30))
    def holds(text: str) -> None:
        if not any(piece in text for piece in needs):
            assert compiled.search(text) is None, text

    holds()


def test_the_quick_inline_pass_writes_what_python_markdowns_writes():
    """content_model/inline.py: the same HTML, byte for byte, on every file of the guide and on
    arbitrary Markdown; both inline passes replaced, in their places."""
    from content_model.inline import QuickInlineProcessor
    from hypothesis import given, settings
    from hypothesis import strategies as st

    stock, quick = stock_and_quick()
    names = lambda md: [type(p).__name__ for p in md.treeprocessors]  # noqa: E731
    assert names(quick) == [n.replace("InlineProcessor", "QuickInlineProcessor") if n == "InlineProcessor"
                            else n for n in names(stock)]
    assert sum(isinstance(p, QuickInlineProcessor) for p in quick.treeprocessors) == 2

    def both(text: str) -> None:
        assert stock.reset().convert(text) == quick.reset().convert(text), text

    for path in sorted((ROOT / "content").rglob("*.md")):
        both(path.read_text(encoding="utf-8"))

    @settings(max_examples=400, deadline=None, derandomize=True, database=None)
    @given(st.lists(st.sampled_from(MARKDOWN_PIECES), max_size=40))
    def arbitrary(pieces: list[str]) -> None:
        both("".join(pieces))

    arbitrary()


def test_the_generators_environments_compile_each_template_once():
    """assets/templates.py: environments sharing the build's cache compile a template once; an
    environment whose options change the compiled code, or a changed source, compiles its own."""
    from assets.templates import SharedTemplateCode
    from jinja2 import DictLoader, Environment

    compiled: list[str] = []

    class Counting(Environment):
        def compile(self, source, name=None, filename=None, raw=False, defer_init=False):
            compiled.append(name)
            return super().compile(source, name, filename, raw, defer_init)

    shared = SharedTemplateCode()
    templates = {"base.html": "<p>{{ x }}</p>{% block b %}{% endblock %}",
                 "page.html": "{% extends 'base.html' %}{% block b %}{{ y }}{% endblock %}"}
    made = [Counting(loader=DictLoader(templates), bytecode_cache=shared, autoescape=True) for _ in range(3)]
    assert {env.get_template("page.html").render(x="<a>", y="&") for env in made} == {"<p>&lt;a&gt;</p>&amp;"}
    assert sorted(compiled) == ["base.html", "page.html"]
    raw = Counting(loader=DictLoader(templates), bytecode_cache=shared, autoescape=False)
    assert raw.get_template("page.html").render(x="<a>", y="&") == "<p><a></p>&"
    changed = Counting(loader=DictLoader({**templates, "base.html": "[{{ x }}]"}), bytecode_cache=shared,
                       autoescape=True)
    assert changed.get_template("base.html").render(x=1) == "[1]"
    assert len(compiled) == 5
