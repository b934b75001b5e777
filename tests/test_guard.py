"""The guard by construction (issue #15): what the build refuses, and what it passes as text.

The refusals that fit in one Markdown file are cases in tests/adguard_cases
(test_ad_guard.py runs them). This file covers what needs more than one file
or more than a build: escaping on every page that shows a value, the static
folders, source formats, the front-matter parser, make's variables and the
atomic swap.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from content_model.sanitize import Sanitizer, load_allowlist
from guide_core.frontmatter import read_front_matter
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import ROOT, SITES, html_pages

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 24
HOSTILE_TEXT = "&lt;script src=/images/x.js&gt;&lt;/script&gt;"  # no quotes: smarty would curl them


def shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def errors(log: str) -> set[str]:
    return {line for line in log.splitlines() if ": error: " in line or line.startswith("error: ")}


def snapshot(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def scripts(page: Path) -> list[str]:
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    return [tag.get("src", "inline") for tag in soup.find_all("script")
            if tag.get("type") != "application/ld+json"]


# --- text is text ------------------------------------------------------------------------


def test_encoded_markup_in_summaries_descriptions_and_card_titles_stays_text(build_site, site_copy):
    """`Summary: ... &lt;script&gt;` used to come out as a live <script> on / and on topic pages."""
    content = site_copy("tips-deck")
    chapter = content / "articles" / "talking.md"
    text = chapter.read_text()
    text = text.replace("Summary: A chapter with one card of each kind.",
                        f"Summary: A chapter {HOSTILE_TEXT} with cards.")
    text = text.replace("> [!TIP] Put the phone out of sight", f"> [!TIP] Put the phone {HOSTILE_TEXT} away")
    chapter.write_text(text)
    topic = content / "topics" / "listening.md"
    body = topic.read_text().split("\n\n", 1)
    rest = body[1] if len(body) > 1 else ""
    topic.write_text(f"{body[0]}\n\nListening {HOSTILE_TEXT} is a skill.\n\n{rest}")
    result = build_site(content)
    assert result.ok, result.log
    ours = {"inline"}  # no inline script on any page
    for page in html_pages(result.output):
        found = scripts(page)
        assert "/images/x.js" not in found and not (set(found) & ours), f"{page}: {found}"
    # The summary as text where it is shown: the chapter's lead and the head's description.
    chapter_html = (result.output / "guide" / "talking" / "index.html").read_text()
    chapter_page = BeautifulSoup(chapter_html, "html.parser")
    assert "A chapter <script src=/images/x.js></script> with cards." in chapter_page.get_text()
    described = chapter_page.find("meta", attrs={"name": "description"})["content"]
    assert described == "A chapter <script src=/images/x.js></script> with cards."
    topic_html = (result.output / "topics" / "listening" / "index.html").read_text()
    topic_page = BeautifulSoup(topic_html, "html.parser")
    assert "Listening <script src=/images/x.js></script> is a skill." in topic_page.get_text()
    assert "Put the phone <script src=/images/x.js></script> away" in topic_page.get_text()


def test_quotes_in_titles_cannot_leave_an_attribute(build_site, site_copy):
    content = site_copy("basic")
    chapter = content / "articles" / "first.md"
    hostile = 'Title: First "steps"><b onclick=x>'
    chapter.write_text(chapter.read_text().replace("Title: First steps", hostile))
    result = build_site(content)
    assert result.ok, result.log
    page = (result.output / "guide" / "first-steps" / "index.html").read_text()
    soup = BeautifulSoup(page, "html.parser")
    title = soup.find("meta", attrs={"property": "og:title"})["content"]
    assert title.startswith('First "steps"><b onclick=x>')
    assert not soup.find("b", attrs={"onclick": True})


# --- the sanitizer ---------------------------------------------------------------------------


def test_the_sanitizer_keeps_exactly_what_our_extensions_emit():
    card = (
        '<aside class="tip-card tip-card--tip" id="tip-a" aria-labelledby="tip-a-title" data-kind="tip" '
        'data-topics="trust"><h3 id="tip-a-title"><span class="tip-card__kind">Tip'
        '<span class="visually-hidden">:</span></span> A</h3><a class="tip-card__link" href="#tip-a">'
        '<span aria-hidden="true">#</span>'
        '<span class="visually-hidden">Link to this tip</span></a><div class="tip-card__body"><p>Body '
        '<a class="topic-link" href="/topics/trust/">trust</a></p></div>'
        '<div class="tip-card__help"></div></aside>'
    )
    result = Sanitizer().sanitize(card)
    assert result.refusals == []
    assert result.html == card


def test_the_sanitizer_names_what_it_drops_and_publishes_only_what_it_keeps():
    result = Sanitizer().sanitize('<p class="x" onclick="a()">Hi <img src="//cdn.example/p.png" alt="">'
                                  '<a href="jav&#x09;ascript:alert(1)">go</a></p>')
    assert [refusal.rule for refusal in result.refusals] == [
        "HTML not allowed: class= on <p>", "unsafe HTML onclick=", "third-party image",
        "unsafe URL (javascript:)",
    ]
    assert result.html == '<p>Hi <img alt=""><a>go</a></p>'


# What the property below mixes: what the guide writes, what the allowlist refuses, and the
# spellings where two HTML parsers or serializers could differ (entities, implied elements,
# comments, stray end tags, "<" in text and attributes, foreign content).
TEXTS = ["Words", "it&rsquo;s", "&ldquo;q&rdquo;", "a &amp; b", "1 &lt; 2", "x&nbsp;y", "\u00a0", "a < b",
         "&#x09;", "&unknown;", "caf\u00e9", "\u2019", "\n", "  ", "&", "\"", "'", "`", ">"]
ALLOWED_TAGS = ["p", "em", "strong", "a", "code", "span", "div", "li", "ul", "blockquote", "pre", "table",
                "tr", "td", "tbody", "h2", "img", "br", "abbr", "sup", "details", "summary", "q", "aside"]
REFUSED_TAGS = ["script", "style", "iframe", "svg", "math", "font", "x-card", "col", "colgroup", "template",
                "noscript", "select", "textarea", "title", "form", "center", "input", "object", "mglyph"]
ATTRIBUTES = ['class="tip-card__body"', 'class="x"', 'class="language-py"', 'href="/guide/x/"',
              'href="https://example.org/a?b=1&amp;c=2"', 'href="wiki:trust"', 'href="javascript:alert(1)"',
              'href="jav&#x09;ascript:x"', 'src="/images/a.png"', 'src="//cdn.example/p.png"',
              'srcset="/a.png 1x, https://x.example/b.png 2x"', 'alt="a>b"', 'alt=""', 'id="main"',
              'id="ok"', 'title="t&quot;t"', 'onclick="x()"', 'style="color:red"', 'rel="sponsored"',
              'rel="noopener"', "lang=en", "data-kind=tip", "hidden", 'aria-hidden="true"', "title='a\"b'"]


@st.composite
def html_fragments(draw, depth: int = 0) -> str:
    kinds = ["text", "element", "element", "comment", "stray"] if depth < 3 else ["text"]
    kind = draw(st.sampled_from(kinds))
    if kind == "text":
        return "".join(draw(st.lists(st.sampled_from(TEXTS), min_size=1, max_size=3)))
    if kind == "comment":
        return draw(st.sampled_from(["<!-- note -->", "<!-->", "<!-- open", "<!--x--!>"]))
    if kind == "stray":
        return draw(st.sampled_from(["</p>", "</div>", "</br>", "<p", "</", "<>", "<a/href=/x>"]))
    tag = draw(st.sampled_from(ALLOWED_TAGS + REFUSED_TAGS))
    attrs = draw(st.lists(st.sampled_from(ATTRIBUTES), max_size=3, unique=True))
    inner = "".join(draw(st.lists(html_fragments(depth + 1), max_size=3)))
    close = draw(st.sampled_from([f"</{tag}>", f"</{tag}>", ""]))
    return f"<{' '.join([tag, *attrs])}>{inner}{close}"


def walked(sanitizer: Sanitizer, html: str) -> list:
    """The full check, as every fragment went through it before the fast path: walk, then nh3
    against nh3 when the walk named nothing."""
    seen: dict[str, set[str]] = {}
    refusals = sanitizer.walk(html, seen)
    if not refusals and sanitizer.normalised(html, seen) != sanitizer.cleaner.clean(html):
        refusals.append("the sanitizer changed this HTML")
    return refusals


SANITIZER = Sanitizer()


@settings(max_examples=400, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(html=st.lists(html_fragments(), min_size=1, max_size=4).map("\n".join))
@example(html="<table><tr><td>x</td></tr></table>")
@example(html="<p>it&rsquo;s <em>fine</em></p>\n<pre><code>a &lt; b</code></pre>")
@example(html='<p title="a<b">x</p><!-- c -->')
@example(html="<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>")
def test_the_fast_path_refuses_exactly_what_the_full_walk_refuses(html):
    """The sanitizer skips the walk when nh3's output is the source or Lexbor's serialization of
    it. The fast path must never pass what the full check refuses, nor refuse what it passes,
    and what is published is nh3's output either way."""
    result = SANITIZER.sanitize(html)
    assert result.html == SANITIZER.cleaner.clean(html)
    full = walked(SANITIZER, html)
    assert bool(result.refusals) == bool(full), (result.refusals, full)
    if full and not isinstance(full[-1], str):
        assert result.refusals == full


@settings(max_examples=500, deadline=None, derandomize=True, database=None)
@given(text=st.lists(st.sampled_from(["&rsquo;", "&ldquo;", "&mdash;", "&hellip;", "&laquo;", "&", ";",
                                      "amp;", "&amp;", "rsquo", "x", "<p>", "&&rsquo;;", "\u2019"]),
                     max_size=12).map("".join))
def test_smartys_references_are_respelled_as_one_substitution_of_them_all_would(text):
    """sanitize.respelled replaces each reference in turn; the same as replacing them all at once."""
    import re

    from content_model.sanitize import SMARTY_REFERENCES, respelled

    at_once = re.compile("|".join(map(re.escape, SMARTY_REFERENCES)))
    assert respelled(text) == at_once.sub(lambda match: SMARTY_REFERENCES[match.group()], text)


def test_the_allowlist_is_written_down_with_comments():
    text = (ROOT / "plugins" / "content_model" / "allowlist.toml").read_text()
    assert text.count("\n#") >= 20
    allow = load_allowlist()
    assert "script" not in allow.tags and "iframe" not in allow.tags and "style" not in allow.tags
    assert not any(name.startswith("on") for names in allow.attributes.values() for name in names)


# --- files in content/ -------------------------------------------------------------------------


def test_static_files_are_checked_by_bytes_and_links_never_followed(build_site, site_copy, tmp_path):
    output = tmp_path / "site"
    assert build_site("adguard-good", output=output).ok
    before = snapshot(output)
    content = site_copy("adguard-good")
    images = content / "images"
    images.mkdir()
    (images / "photo.png").write_bytes(PNG)
    (images / "fake.png").write_bytes(b"<script>alert(1)</script>")
    (images / "x.js").write_text("alert(1)")
    (images / "page.html").write_text("<p>hi</p>")
    (images / "bad.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>')
    (images / "pixel.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" '
                                      'xmlns:xlink="http://www.w3.org/1999/xlink">'
                                      '<image xlink:href="https://stats.example.com/p.gif"/></svg>')
    (images / "passwd.png").symlink_to("/etc/passwd")
    (images / "git").symlink_to(ROOT / ".git")
    result = build_site(content, output=output)
    assert result.returncode == 1
    where = shown(images)
    assert errors(result.log) == {
        f"{where}/bad.svg:1: error: an SVG with an event handler (onload=): "
        "only plain SVG pictures may be published",
        f"{where}/fake.png:1: error: not an image (PNG, JPEG, WebP, AVIF, GIF or plain SVG), "
        "judged by its contents",
        f"{where}/git:1: error: a symbolic link: content must be real files inside the content folder "
        "(links are never followed or published)",
        f"{where}/page.html:1: error: .html files may not be published from a static folder "
        "(the site's origin is trusted to run code); only images belong here",
        f"{where}/passwd.png:1: error: a symbolic link: content must be real files inside the content folder "
        "(links are never followed or published)",
        f"{where}/pixel.svg:1: error: an SVG that refers to another file (https://stats.example.com/p.gif): "
        "only plain SVG pictures may be published",
        f"{where}/x.js:1: error: .js files may not be published from a static folder (the site's origin is "
        "trusted to run code); only images belong here",
    }
    assert snapshot(output) == before


def test_good_images_and_editor_data_pass(build_site, site_copy):
    content = site_copy("adguard-good")
    (content / "images").mkdir()
    (content / "images" / "photo.png").write_bytes(PNG)
    svg = '<svg xmlns="http://www.w3.org/2000/svg"><circle r="2"/></svg>'
    (content / "images" / "map.svg").write_text(svg)
    (content / "data").mkdir(exist_ok=True)
    (content / "data" / "glossary.toml").write_text('[a]\ntitle = "x"\n')
    (content / "extra").mkdir()
    (content / "extra" / "CNAME").write_text("guide.example.org\n")
    result = build_site(content)
    assert result.ok, result.log
    assert (result.output / "images" / "photo.png").read_bytes() == PNG


def test_markdown_is_the_only_source_format(build_site, site_copy):
    content = site_copy("adguard-good")
    (content / "articles" / "old.html").write_text(
        "<html><head><title>Old</title><meta name='save_as' content='assets/x.html'></head></html>")
    (content / "pages" / "notes.rst").write_text("Notes\n=====\n\n:save_as: assets/y.html\n")
    (content / "data").mkdir(exist_ok=True)
    (content / "data" / "list.json").write_text("[]")
    (content / "extra").mkdir()
    (content / "extra" / "CNAME").write_text('evil.example"; touch /tmp/x; "\n')
    result = build_site(content)
    assert result.returncode == 1
    base = shown(content)
    assert errors(result.log) == {
        f"{base}/articles/old.html:1: error: only Markdown (.md) files belong in articles/: "
        "this .html is not read or published; convert it to Markdown or remove it",
        f"{base}/pages/notes.rst:1: error: only Markdown (.md) files belong in pages/: this .rst is not read "
        "or published; convert it to Markdown or remove it",
        f"{base}/data/list.json:1: error: content/data/ holds editor data as .toml files only",
        f'{base}/extra/CNAME:1: error: CNAME must hold one host name, like guide.example.org, not '
        '"evil.example"; touch /tmp/x; ""',
    }


# --- one front-matter parser ------------------------------------------------------------------------


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\u0085", "\x0c", "\x1c"])
def test_line_separators_in_a_title_never_end_the_metadata(separator, build_site, site_copy):
    content = site_copy("basic")
    chapter = content / "articles" / "second.md"
    chapter.write_text(chapter.read_text().replace("Title: Second steps", f"Title: Second{separator}steps"))
    front = read_front_matter(chapter.read_text())
    assert front.lines["slug"] == 2 and front.lines["reviewed"] == 7
    result = build_site(content)
    assert result.ok, result.log


def test_every_tool_reads_metadata_as_pelican_does(tmp_path):
    from pelican.readers import MarkdownReader
    from pelican.settings import read_settings

    path = tmp_path / "x.md"
    path.write_text("Title: A\u2028B\nSlug: a-b\nAliases:  one,\n    two\n\nBody.\n", encoding="utf-8")
    _content, pelican_meta = MarkdownReader(read_settings(str(ROOT / "pelicanconf.py"))).read(str(path))
    ours = read_front_matter(path.read_text(encoding="utf-8"))
    assert ours.value("title") == pelican_meta["title"] == "A\u2028B"
    assert ours.value("slug") == pelican_meta["slug"] == "a-b"
    assert ours.body_line == 6

    import scaffold  # noqa: F401  (tools/scaffold.py reads slugs with the same parser)
    from faq.model import metadata_line
    from tip_cards.deck import read_topics
    from topic_links.validation import SourceFile

    text = path.read_text(encoding="utf-8")
    assert metadata_line(text, "slug") == 2
    (tmp_path / "topics").mkdir()
    (tmp_path / "topics" / "x.md").write_text(text, encoding="utf-8")
    assert read_topics(str(tmp_path)) == {"a-b": "A\u2028B"}
    assert SourceFile(str(path), "topic", "a-b").line("slug") == 2


# --- make passes values as data -------------------------------------------------------------------


def make(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(["make", "--no-print-directory", *args], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=600)


def test_a_quote_in_siteurl_runs_nothing(tmp_path):
    marker = tmp_path / "pwned"
    result = make("publish", f'SITEURL=https://guide.example.org"; touch {marker}; "',
                  f"OUTPUT={tmp_path / 'out'}")
    assert result.returncode != 0
    assert "publishconf.py: SITEURL may not contain quotes, spaces or shell characters" in result.stderr
    assert not marker.exists() and not (tmp_path / "out").exists()


@pytest.mark.parametrize("siteurl, message", [
    ("", "SITEURL is not set"),
    ("guide.example.org", "SITEURL must be an absolute http(s) URL"),
    ("ftp://guide.example.org", "SITEURL must be an absolute http(s) URL"),
    ("https://guide.example.org/?x=1", "SITEURL may not hold a user name, password, query or fragment"),
])
def test_siteurl_is_checked_with_a_clear_message(siteurl, message):
    from publish_values import siteurl_problem

    assert message in (siteurl_problem(siteurl) or "")


def test_a_quote_in_the_cname_file_runs_nothing(tmp_path):
    marker = tmp_path / "pwned"
    output = tmp_path / "out"
    output.mkdir()
    (output / "sitemap.xml").write_text("<urlset/>")  # what `published` looks for
    content = tmp_path / "content"
    (content / "extra").mkdir(parents=True)
    (content / "extra" / "CNAME").write_text(f'guide.example.org"; touch {marker}; "\n')
    result = make("deploy-gh-pages", f"OUTPUT={output}", f"CONTENT={content}")
    assert result.returncode != 0
    assert "error: CNAME must be one host name" in result.stderr
    assert not marker.exists()
    result = make("deploy-gh-pages", f"OUTPUT={output}", f"CONTENT={content}", f"CNAME=$(touch {marker})")
    assert result.returncode != 0 and not marker.exists()


def test_other_variables_are_data_too(tmp_path):
    marker = tmp_path / "pwned"
    result = make("help", f'CONTENT=x"; touch {marker}; "')
    assert result.returncode == 0 and not marker.exists()
    assert f'CONTENT=x"; touch {marker}; "' in result.stdout


# --- the swap ------------------------------------------------------------------------------------------


def build_command(content: Path, output: Path) -> list[str]:
    return [sys.executable, str(ROOT / "tools" / "build.py"), "--content", str(content),
            "--output", str(output)]


@pytest.mark.parametrize("point", ["before-swap", "after-swap"])
def test_killing_the_build_at_the_swap_leaves_output_old_or_new(point, site_copy, tmp_path):
    output = tmp_path / "output"
    first = subprocess.run(build_command(SITES / "basic", output), cwd=ROOT, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    old = snapshot(output)
    content = site_copy("basic")
    chapter = content / "articles" / "first.md"
    chapter.write_text(chapter.read_text() + "\nA new sentence for the second build.\n")
    killed = subprocess.run(build_command(content, output), cwd=ROOT, capture_output=True, text=True,
                            env={**os.environ, "CLOSER_BUILD_KILL_AT": point})
    assert killed.returncode == -signal.SIGKILL
    assert output.is_dir()
    now = snapshot(output)
    if point == "before-swap":
        assert now == old
    else:
        page = (output / "guide" / "first-steps" / "index.html").read_text()
        assert now != old and "A new sentence" in page
    leftovers = sorted(p.name for p in tmp_path.glob("output.*"))
    assert len(leftovers) == 1 and leftovers[0].startswith("output.tmp-")
    # The next build removes what the killed one left behind.
    again = subprocess.run(build_command(content, output), cwd=ROOT, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert f"removed {leftovers[0]}, left by a build that did not finish" in again.stderr
    assert sorted(p.name for p in tmp_path.glob("output*")) == ["output"]


def test_a_live_builds_temporary_folder_is_left_alone(tmp_path):
    output = tmp_path / "output"
    other = tmp_path / f"output.tmp-{os.getppid()}"  # a process that is alive: pytest's parent
    other.mkdir()
    result = subprocess.run(build_command(SITES / "basic", output), cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert other.is_dir()


def test_the_swap_is_an_exchange_on_linux(tmp_path):
    import build

    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "from-a").write_text("a")
    (b / "from-b").write_text("b")
    assert build.exchange(a, b) is True
    assert (b / "from-a").exists() and (a / "from-b").exists()



@pytest.mark.parametrize("meta, allowed", [
    ('<meta http-equiv="refresh" content="0; url=/faq/new/">', True),
    ('<meta http-equiv="refresh" content="0; url=https://guide.example.org/new/">', True),
    ('<meta http-equiv="refresh" content="0; url=https://amzn.to/x">', False),
    ('<meta http-equiv="refresh" content="0; url=javascript:alert(1)">', False),
    ('<meta http-equiv="refresh" content="0; url=data:text/html,hi">', False),
    ('<meta http-equiv="refresh" content="5; url=/faq/new/">', False),
    ('<meta http-equiv="set-cookie" content="a=b">', False),
])
def test_only_a_same_site_refresh_in_the_head_passes_the_output_scan(meta, allowed):
    """The redirects plugin's pages refresh to the page that replaced them; nothing else may."""
    from ad_guard.output_scan import PageScanner
    from ad_guard.rules import load_rules

    scanner = PageScanner(load_rules(), "guide.example.org")
    page = "<!doctype html><html><head>{}<title>x</title></head><body><p>x</p>{}</body></html>"
    in_head = scanner.scan(page.format(meta, ""))
    in_body = scanner.scan(page.format("", meta))
    refused = [f for f in in_head.findings if "http-equiv" in f.rule]
    assert (not refused) is allowed, in_head.findings
    assert any("http-equiv" in f.rule for f in in_body.findings)


# --- the output scan's shortcuts ---------------------------------------------------------------

PAGE_PARTS = [
    "<p>Plain words about trust.</p>", '<a href="/guide/x/">a chapter</a>', '<a href="https://amzn.to/3x">x</a>',
    '<a href="https://example.org/a?utm_source=x">x</a>', '<a rel="sponsored" href="https://example.org/">x</a>',
    '<a href="https://example.org/" rel="noopener noreferrer">x</a>', "<p>Sponsored</p>",
    "<p>Spon<b>sored</b></p>", "<li>paid <em>partnership</em></li>", "<p>This is a spon\u00adsored post.</p>",
    "<p>— Advertisement —</p>", "<section><h2>Ad</h2></section>", "<noscript><p>Advertisement</p></noscript>",
    "<template><p>ad</p></template>", "<p>As an Amazon <span>Associate</span> I earn.</p>",
    "<noscript><p>Sponsored<style>p{}</style><script>x()</script></p></noscript>",
    "<script>alert(1)</script>", '<script src="/assets/js/search.0123abcd.js"></script>',
    '<script src="/images/x.js"></script>', '<script type="application/ld+json">{}</script>',
    '<script src=" ">x()</script>',
    '<img src="https://evil.example/p.gif" alt="">', '<img src="/images/a.png" alt="">',
    '<a href="javascript:alert(1)">x</a>', '<svg><a><set attributeName="href" to="javascript:x"/></a></svg>',
    '<meta http-equiv="refresh" content="0; url=/x/">', '<div onclick="x()">x</div>',
    '<p style="color:red">x</p>',
    '<iframe src="https://evil.example/"></iframe>', '<link rel="stylesheet" href="https://cdn.example/x.css">',
    '<div class="tip-card" data-kind="tip"><p>Try this.</p></div>', "<p>no ads</p><p>ads</p>",
    "<p>THIS POST IS SPONSORED</p>", "<p>\u0130stanbul: Paid Partnership</p>",
    "<p>ＡＤＶＥＲＴＯＲＩＡＬ</p>", '<meta name="description" content="javascript:x">',
    '<meta property="og:url" content="https://amzn.to/x">',
    '<a href="/guide/x/" onclick="x()">x</a>', '<a href="/guide/x/" rel="sponsored">x</a>',
    '<a href="#top" ping="https://evil.example/">x</a>', '<a href="/guide/x/" class="c">x</a>',
]
# What a page's <head> may hold: metas judged by their content or not at all.
HEAD_PARTS = [
    '<meta name="description" content="Sponsored">', '<meta name="description" content="a">',
    '<meta property="og:url" content="javascript:x" onload="x()">',
    '<meta name="Referrer" content="unsafe-url">', '<meta name="referrer" content="no-referrer">',
    '<META HTTP-EQUIV="Content-Security-Policy" content="x">',
    '<meta http-equiv="refresh" content="0; url=/x/">',
    '<meta http-equiv="refresh" content="0; url=//evil.example/">', '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width" style="x">',
    '<link rel="canonical" href="javascript:x">',
    '<script src="/assets/js/search.0123abcd.js" defer></script>',
]


def test_after_nfkc_only_one_character_lower_cases_to_an_ascii_letter():
    """The keyword tests read ASCII-folded bytes (output_scan.ascii_folded), which find every
    ASCII keyword str.lower finds if no character but LOWERS_TO_ASCII becomes an ASCII letter."""
    import unicodedata

    from ad_guard.output_scan import LOWERS_TO_ASCII

    found = set()
    for code in range(0x80, 0x110000):
        if 0xD800 <= code < 0xE000:
            continue
        for character in unicodedata.normalize("NFKC", chr(code)):
            if not character.isascii() and any(c.isascii() and c.isalpha() for c in character.lower()):
                found.add(character)
    assert found == set(LOWERS_TO_ASCII)


def test_split_whitespace_is_what_str_split_splits_on_but_the_line_break():
    from ad_guard.output_scan import SPLIT_WHITESPACE

    every = {chr(code) for code in range(0x110000) if chr(code).isspace()}
    assert set(SPLIT_WHITESPACE) == every - {"\n"} and len(SPLIT_WHITESPACE) == len(every) - 1


LABEL_PIECES = ["ad", "Ad", "ADS", "aDs", "advertisement", "Sponsored", "sponsored", "content", "post",
                "paid", "Paid", "promoted", "links", "advertising", "x", "read", "bad", "\u0130", "\uff21d",
                "ａｄ", "a\u00add", "ad\u200b", "\u212a", " ", "  ", "\t", "\r", "\u2028", "\u3000",
                "\x1c", "\x85", "\u00a0", "\u2003", "\u200b", "-", "\u2014", "\u2026", "...", "*", "|",
                "[", "]", "\u2022", "\u00b7", "é", "\n"]


@settings(max_examples=400, deadline=None, derandomize=True, database=None)
@given(pieces=st.lists(st.sampled_from(LABEL_PIECES), max_size=40), long=st.booleans())
@example(pieces=["\n", "-", " ", "Ad", " ", "-", "\n"], long=False)
@example(pieces=["\u2028", "-", "Ad"], long=False)
@example(pieces=["Sponsored", "\u2028", "\u3000", "post"], long=False)
def test_the_label_lines_pattern_finds_every_label_every_line_would(pieces, long):
    """PageScanner.label_candidates looks only at the lines label_lines_pattern finds (in the
    ASCII-folded text), and must find every label label_candidate finds on any line, in order;
    the text is what check_wording gives it (NFKC, no format characters)."""
    from ad_guard.output_scan import ascii_folded, label_candidates, reader_text_and_utf8

    # A line of more than 80 characters is no label, however little is left once stripped.
    raw = "".join(pieces) + ("\n" + "- " * 39 + "Ad -\n" + "- " * 38 + "Ad -" if long else "")
    text, utf8 = reader_text_and_utf8(raw)
    folded = ascii_folded(text, utf8)
    for rule in WARM.rules.wording:
        if rule.labels:
            expected = [line for line, label in label_candidates(text) if label in rule.labels]
            found = [line for line, label in WARM.label_candidates(text, folded) if label in rule.labels]
            assert found == expected


def test_every_phrase_holds_one_of_its_rules_keywords():
    """A page's text is searched for the keywords first, and for the phrases only if one is
    there: a phrase holding none of them would never be looked for."""
    from ad_guard.rules import keywords_for, load_rules

    for rule in load_rules().wording:
        assert bool(rule.keywords) == bool(rule.phrases) and not any(" " in word for word in rule.keywords)
        assert all(any(word in phrase for word in rule.keywords) for phrase in rule.phrases), rule.rule
    assert keywords_for(["story continues below advertisement", "scroll to continue"]) == ("continue",)


def old_wording(text: str, rules) -> list[tuple[str, str]]:
    """The wording rules as they ran before their cheap first tests: every phrase rule on the
    flattened text, every line a label candidate."""
    from ad_guard.output_scan import label_candidates

    flat = " ".join(text.lower().split())
    found = []
    for rule in rules.wording:
        if rule.pattern and any(phrase in flat for phrase in rule.phrases):
            found += [(rule.rule, " ".join(m.group().split())) for m in rule.pattern.finditer(text)]
        found += [(rule.rule, line) for line, label in label_candidates(text) if label in rule.labels]
    return found


def scanner(judge_once: bool = True):
    from ad_guard.output_scan import PageScanner
    from ad_guard.rules import load_rules

    class EveryTime(PageScanner):
        """Judges every element afresh (the memos of check_element and check_shell and the
        walk's shortcut for links within the site bypassed: the theme's shell is walked with
        the rest of the page)."""

        def check_element(self, node, name, raw, result) -> None:
            self.evaluate_element(node, raw, result)

        def check_shell(self, part, result) -> None:
            pass

        @staticmethod
        def link_within_site(raw) -> bool:
            return False

    kind = PageScanner if judge_once else EveryTime
    return kind(load_rules(), "guide.example.org", frozenset({"search"}))


WARM = scanner()  # kept across examples, so its caches hold what earlier pages had

# Parts the scan checks once per distinct HTML (output_scan.SHELL), nested, hidden or holding
# what the page must judge itself among them.
SHELL_PARTS = [
    '<div class="help-now"><p>If you need help now</p><a href="tel:999">999</a></div>',
    '<div class="help-now"><p>Sponsored</p></div>', '<div id="quick-exit"><a href="https://amzn.to/x">x</a></div>',
    '<div class="help-now"><div class="help-now"><p>Ad</p></div><p>paid</p></div>',
    '<div class="help-now"><div id="quick-exit">partnership</div></div>',
    '<noscript id="quick-exit"><p>Advertisement</p></noscript>',
    '<template class="help-now"><p>ad</p></template>',
    '<div class="help-now"><script>x()</script></div>', '<p class="help-now">Spon<b>sored</b></p>',
    '<div class="help-now"><meta http-equiv="refresh" content="0; url=/x/"></div>',
    '<span class="help-now">this post is </span>', '<div id="quick-exit" onclick="x()">x</div>',
]


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(parts=st.lists(st.sampled_from(PAGE_PARTS), min_size=1, max_size=8),
       header=st.lists(st.sampled_from(PAGE_PARTS[:12] + PAGE_PARTS[16:]), max_size=3),
       around=st.sampled_from(["", "<a href='#main'>Skip</a>", "Sponsored", "<p>Ad</p>",
                               "<div id='quick-exit'><a href='https://example.org/'>Leave</a></div>"]),
       shell=st.lists(st.sampled_from(SHELL_PARTS), max_size=3),
       footer=st.lists(st.sampled_from(PAGE_PARTS[:12]), max_size=2),
       head=st.lists(st.sampled_from(HEAD_PARTS), max_size=4))
def test_the_output_scans_shortcuts_find_what_a_fresh_scan_and_the_old_rules_find(parts, header, around,
                                                                                  shell, footer, head):
    """Elements judged once per build, links within the site told on the way, the theme's shell
    checked once per distinct HTML (and the marks found among its parts), blocks found on the
    way, the wording rules' first tests: none of them may change what a page's scan finds (the
    shell's parts come from short lists, so the warm scanner meets each one again)."""
    from ad_guard.output_scan import BLOCK, HIDDEN_TEXT, MARKS, reader_text, visible_text
    from selectolax.lexbor import LexborHTMLParser

    page = ("<!doctype html><html><head><title>x</title>" + "".join(head) + "</head><body>" + around
            + "<header class='site-header'>" + "".join(header) + "</header>" + around + "<main>"
            + "\n".join(parts) + "".join(shell) + "</main><footer><nav>" + "".join(footer)
            + "</nav>" + around + "</footer></body></html>")
    warm, fresh = WARM.scan(page), scanner(judge_once=False).scan(page)
    assert sorted(map(repr, warm.findings)) == sorted(map(repr, fresh.findings))
    assert WARM.scan(page).findings == warm.findings
    assert (warm.needs_cleaning, warm.policy, warm.referrer) == (fresh.needs_cleaning, fresh.policy,
                                                                 fresh.referrer)
    assert warm.marks == fresh.marks == {mark for mark in MARKS
                                         if LexborHTMLParser(page).css_first(f"#{mark}") is not None}
    by_selector = visible_text(LexborHTMLParser(page))
    tree = LexborHTMLParser(page)
    found_on_the_way = visible_text(tree, [n for n in tree.root.traverse() if n.tag in BLOCK],
                                    [n for n in tree.root.traverse() if n.tag in HIDDEN_TEXT])
    assert found_on_the_way == by_selector
    wording = [(f.rule, f.value) for f in fresh.findings if f.kind == "wording"]
    assert sorted(wording) == sorted(old_wording(reader_text(by_selector), WARM.rules))
    if any("Spon<b>sored" in part or "spon\u00ad" in part for part in parts + shell):
        assert any(f.kind == "wording" for f in fresh.findings)


URL_PIECES = ["/", "\\", "\t", "\n", "\r", " ", "\x00", "\x1f", "a", "j", "h", ":", "#", "?", ".", "@", "%2F",
              "%", "é", "\u00a0", "\u3002", "x.example", "https", "javascript:"]


@settings(max_examples=2000, deadline=None, derandomize=True, database=None)
@given(url=st.lists(st.sampled_from(URL_PIECES), max_size=8).map("".join))
@example(url="/\t/evil.example/x")
@example(url=" \\\\evil.example")
def test_urls_answered_without_parsing_are_the_ones_the_parser_keeps_on_the_site(url):
    """links.stays_on_page_origin answers most URLs without ada-url; it must never say "this site"
    for a URL the WHATWG parser sends elsewhere (or gives another scheme)."""
    from ad_guard.links import parse, stays_on_page_origin

    if stays_on_page_origin(url):
        parsed = parse(url, "guide.example.org")
        assert parsed is None or (parsed.scheme, parsed.host) == ("https", "guide.example.org"), parsed
    for elsewhere in ("//evil.example/", "/\t/evil.example/", "\\\\evil.example", "javascript:x",
                      "\tjavascript:x"):
        assert not stays_on_page_origin(elsewhere)


@settings(max_examples=2000, deadline=None, derandomize=True, database=None)
@given(url=st.lists(st.sampled_from([*URL_PIECES, "mailto:", "data:", "tel:", "image/png,x", "=", "&"]),
                    max_size=8).map("".join))
@example(url="mailto:editors@example.org?subject=a%20b&body=c")
@example(url="\tJaVa\nScRiPt:x")
def test_the_scheme_alone_is_the_scheme_the_full_parse_finds_on_any_site(url):
    """links.scheme_of (the rules that need only the scheme: is_outbound, leaves_site,
    unsafe_scheme) reads the same scheme as links.parse, on this site or on none."""
    from ad_guard.links import parse, scheme_of

    for site in ("", "guide.example.org"):
        parsed = parse(url, site)
        assert scheme_of(url) == (parsed.scheme if parsed else None), (url, site)


def test_every_format_character_is_taken_out_of_the_text_the_phrase_rules_read():
    """reader_text asks only about the characters a page holds; every character of Unicode
    category Cf (as this Python knows them) is still removed, alone or among others."""
    import sys
    import unicodedata

    from ad_guard.output_scan import reader_text

    format_characters = [chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"]
    assert "\u00ad" in format_characters and "\u200b" in format_characters and len(format_characters) > 150
    for character in format_characters:
        assert reader_text(f"spon{character}sored ’") == "sponsored ’", hex(ord(character))
    assert reader_text("ad" + "".join(format_characters) + "vertorial") == "advertorial"
    assert reader_text("caf\u00e9 \u2014 fine") == "caf\u00e9 \u2014 fine"


@settings(max_examples=400, deadline=None, derandomize=True, database=None)
@given(scheme=st.sampled_from(["https", "http", "javascript", "data", "ftp", "a+b", "HTTPS"]),
       rest=st.lists(st.sampled_from(URL_PIECES), max_size=8))
def test_a_url_with_a_scheme_and_two_slashes_means_the_same_on_any_site(scheme, rest):
    """links.parse reads such a URL once for every site (ABSOLUTE): the WHATWG parser ignores
    the base for it."""
    from ad_guard.links import ABSOLUTE
    from ada_url import URL

    value = f"{scheme}://" + "".join(rest)
    assert ABSOLUTE.match(value)
    try:
        here = URL(value, "https://guide.example.org/a/b/").href
    except ValueError:
        here = None
    try:
        there = URL(value, "http://site.invalid/").href
    except ValueError:
        there = None
    assert here == there


@pytest.mark.parametrize("url", [
    "https://amazon.co.za/dp/1?tag=x", "https://www.amazon.com./dp/1?tag=x", "https://smile.amazon.co.uk/?tag=1",
    "https://amazon.github.io/?tag=1", "https://notamazon.com/?tag=1", "https://amazon/?tag=x",
    "https://co.uk/?tag=x", "https://amazon.co.uk.evil.example/?tag=1", "https://[::1]/?tag=x",
    "https://xn--amazon-ts8b.com/?tag=1", "https://amazon.com/?utm_source=x",
])
def test_a_site_rule_asks_the_public_suffix_list_only_about_a_host_with_its_label(url):
    """LinkRule.match skips the look-up when no label of the host is one of the rule's sites
    (the registrable domain's first label is always one of the host's), with the answer the
    look-up gives."""
    import dataclasses

    from ad_guard.links import parse, registrable_domain
    from ad_guard.rules import load_rules

    rules = load_rules()
    parsed = parse(url, "guide.example.org")
    looked_up = registrable_domain(parsed.host) if parsed.host and not parsed.host.startswith("[") else None
    first_label = (looked_up or parsed.host).split(".", 1)[0]
    for index, rule in enumerate(rules.links):
        if not rule.sites:
            continue
        found = parse(f"{url}&fresh={index}", "guide.example.org")  # its domain not worked out yet
        rest = dataclasses.replace(rule, sites=frozenset())  # the rule's other conditions
        expected = first_label in rule.sites and rest.match(found) is not None
        assert (rule.match(found) is not None) == expected, rule.rule
        if rule.sites.isdisjoint(parsed.host.split(".")):
            assert "domain" not in found.__dict__
