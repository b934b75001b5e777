"""Sources you can check, old URLs that keep working, honest review dates, a way to report a problem.

Real builds of tests/sites/editorial-basic (a chapter and an FAQ entry citing
registry sources, Redirects on a chapter, an FAQ entry and a page), locally
and with publishconf.py, plus broken copies of it. Plugins: sources,
redirects, review.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import http.server
import json
import re
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT, SITES, QuietHandler, html_pages, page_url, redirect_pages, run_build

SITE = SITES / "editorial-basic"
SITEURL = "https://guide.example.org/closer"
FORM = "https://forms.example.org/report?site=closer"
SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def epoch(day: str) -> str:
    return str(int(datetime.datetime.fromisoformat(day).replace(tzinfo=datetime.UTC).timestamp()))


# Before every review in the test site falls due (the earliest is 2027-01-05).
BEFORE_DUE = {"SOURCE_DATE_EPOCH": epoch("2026-06-01")}


def shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def soup_of(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def text_of(element) -> str:
    return " ".join(element.get_text(" ").split())


def errors(log: str) -> list[str]:
    return [line for line in log.splitlines() if ": error: " in line or line.startswith("error: ")]


def snapshot(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture(scope="module")
def local(tmp_path_factory) -> Path:
    result = run_build(SITE, tmp_path_factory.mktemp("editorial") / "output")
    assert result.ok, result.log
    return result.output


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    result = run_build(SITE, tmp_path_factory.mktemp("editorial-published") / "output",
                       settings="publishconf.py", env={"SITEURL": SITEURL, "CONTACT": FORM, **BEFORE_DUE})
    assert result.ok, result.log
    return result.output


# -- sources ---------------------------------------------------------------------------------

def test_a_chapter_lists_its_sources_from_the_registry_in_the_order_cited(local):
    page = soup_of(local / "guide" / "first-steps" / "index.html")
    section = page.find("section", class_="sources")
    assert section.find("h2").get_text() == "Sources"
    items = section.find_all("li")
    assert [li["id"] for li in items] == ["source-aron-2000", "source-gottman-silver-2015"]
    assert text_of(items[0]) == (
        "Arthur Aron, Christina C. Norman, Elaine N. Aron, Colin McKenna, Richard E. Heyman (2000). "
        "Couples' shared participation in novel and arousing activities & experienced relationship quality . "
        "Journal of Personality and Social Psychology, 78(2), 273-284. "
        "https://doi.org/10.1037/0022-3514.78.2.273")
    assert items[0].find("cite").get_text().startswith("Couples' shared participation")
    assert items[0].find("a")["href"] == "https://doi.org/10.1037/0022-3514.78.2.273"
    assert text_of(items[1]) == ("John M. Gottman and Nan Silver (2015). The Seven Principles for Making "
                                 "Marriage Work , revised edition. Harmony Books. ISBN 978-0-553-44771-2")
    assert items[1].find("a")["href"] == "https://openlibrary.org/isbn/9780553447712"
    for link in section.find_all("a"):
        assert {"noopener", "noreferrer"} <= set(link["rel"])


def test_an_faq_entry_lists_its_sources_and_registry_text_is_escaped(local):
    page = soup_of(local / "faq" / "what-is" / "index.html")
    item = page.find("section", class_="sources").find("li")
    # A web page: its title is the link.
    link = item.find("cite").find("a")
    assert link["href"] == "https://research.example.org/closeness?lang=en&page=2"
    assert link.get_text() == 'What couples say about "closeness"'
    # "<Research>" in the registry is text, never an element.
    assert text_of(item).startswith("An Organisation <Research> (2024).")
    assert not page.find("research")
    assert "&lt;Research&gt;" in (local / "faq" / "what-is" / "index.html").read_text(encoding="utf-8")


def test_the_chapter_json_ld_cites_its_sources(local):
    page = soup_of(local / "guide" / "first-steps" / "index.html")
    scripts = page.find_all("script", type="application/ld+json")
    article = next(data for data in (json.loads(s.string) for s in scripts) if data["@type"] == "Article")
    assert [c["@type"] for c in article["citation"]] == ["ScholarlyArticle", "Book"]
    assert article["citation"][0]["identifier"]["value"] == "10.1037/0022-3514.78.2.273"
    assert article["citation"][0]["isPartOf"]["name"] == "Journal of Personality and Social Psychology"
    assert article["citation"][1]["isbn"] == "9780553447712"
    second = soup_of(local / "guide" / "second-steps" / "index.html")
    data = next(json.loads(s.string) for s in second.find_all("script", type="application/ld+json"))
    assert data["citation"] == []


def test_an_unknown_source_key_names_file_line_and_the_closest_key(site_copy, build_site):
    content = site_copy("editorial-basic")
    chapter, question = content / "articles" / "first.md", content / "faq" / "what-is.md"
    edit(chapter, "Sources: aron-2000,", "Sources: aron-200,")
    edit(question, "Sources: couples-web-page", "Sources: couples-webpage, nobody-1999")
    result = build_site(content)
    assert result.returncode == 1
    assert errors(result.log) == [
        f'{shown(chapter)}:8: error: unknown source "aron-200" (did you mean "aron-2000"?)',
        f'{shown(question)}:5: error: unknown source "couples-webpage" (did you mean "couples-web-page"?)',
        f'{shown(question)}:5: error: unknown source "nobody-1999"',
    ]


BROKEN_REGISTRY = '''\
[good-2020]
authors = "A. Author"
title = "A good one"
year = 2020
journal = "A Journal"
doi = "10.1234/abc.5"
verified = "2026-01-10: test data"

[no-title]
authors = "A. Author"
year = "2020"
publisher = "P"
url = "https://example.org/x"
verified = "2026-01-10: test data"

[bad-identifiers]
authors = "A. Author"
title = "T"
year = 2020
jornal = "J"
doi = "https://doi.org/10.1234/abc"
isbn = "978-0-553-44771-3"
url = "ftp://example.org/file"
verified = "checked"

[nothing-to-find]
authors = "A. Author"
title = "T"
year = 20
verified = "2026-01-10: test data"

[Bad_Key]
authors = "A"
title = "T"
year = 2020
publisher = "P"
isbn = "0-8044-2957-X"
verified = "2026-01-10: test data"
'''


def test_every_registry_mistake_is_reported_with_its_line(site_copy, build_site):
    content = site_copy("editorial-basic")
    registry = content / "data" / "sources.toml"
    registry.write_text(BROKEN_REGISTRY, encoding="utf-8")
    edit(content / "articles" / "first.md", "Sources: aron-2000, gottman-silver-2015", "Sources: good-2020")
    edit(content / "faq" / "what-is.md", "Sources: couples-web-page\n", "")
    result = build_site(content)
    where = shown(registry)
    assert result.returncode == 1
    assert errors(result.log) == [
        f'{where}:9: error: source "no-title": missing required field "title"',
        f'{where}:11: error: source "no-title": "year" must be a whole number such as 2015, not \'2020\'',
        f'{where}:16: error: source "bad-identifiers": give the "journal" (an article) or the "publisher" '
        "(a book, a report, a web page)",
        f'{where}:20: error: source "bad-identifiers": unknown field "jornal" (did you mean "journal"?)',
        f'{where}:21: error: source "bad-identifiers": doi "https://doi.org/10.1234/abc": write the DOI '
        "alone, from 10. on (no https://doi.org/)",
        f'{where}:22: error: source "bad-identifiers": isbn "978-0-553-44771-3" has a wrong check digit: '
        "it should end in 2",
        f'{where}:23: error: source "bad-identifiers": url "ftp://example.org/file" must be a full web '
        "address starting with https://",
        f'{where}:24: error: source "bad-identifiers": "verified" must start with the date of the check and '
        "say how: \"2026-12-01: checked against the publisher's page\"",
        f'{where}:26: error: source "nothing-to-find": give at least one of "doi", "isbn" or "url", '
        "so a reader can find it",
        f'{where}:26: error: source "nothing-to-find": give the "journal" (an article) or the "publisher" '
        "(a book, a report, a web page)",
        f'{where}:29: error: source "nothing-to-find": "year" 20 is not a four-digit year',
        f'{where}:32: error: source "Bad_Key": the key must be lower-case letters, digits and hyphens, '
        "such as aron-2000",
    ]


def test_a_registry_that_is_not_toml_fails_on_its_line(site_copy, build_site):
    content = site_copy("editorial-basic")
    registry = content / "data" / "sources.toml"
    text = registry.read_text(encoding="utf-8").replace('year = 2015', 'year = 2015\nyear = 2016', 1)
    registry.write_text(text, encoding="utf-8")
    log = build_site(content).log
    line = text.splitlines().index("year = 2016") + 1
    assert f"{shown(registry)}:{line}: error: this is not valid TOML: " in log


def test_isbn_check_digits(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "plugins"))
    from sources.registry import isbn_problem

    for good in ("978-0-553-44771-2", "0553447718", "0-8044-2957-X", "979-10-90636-07-1"):
        assert isbn_problem(good) is None, good
    assert isbn_problem("0553447717") == 'isbn "0553447717" has a wrong check digit: it should end in 8'
    assert isbn_problem("12345") == ('isbn "12345" is not an ISBN-10 or ISBN-13 (10 or 13 digits, '
                                     "hyphens allowed)")


# -- redirects -------------------------------------------------------------------------------

def test_each_old_address_gets_a_redirect_page_and_a_redirects_line(local):
    assert (local / "_redirects").read_text(encoding="utf-8").splitlines()[1:] == [
        "/about-us/ /about/ 301",
        "/faq/old-question/ /faq/what-is/ 301",
        "/first.html /guide/first-steps/ 301",
        "/guide/old-first-steps/ /guide/first-steps/ 301",
    ]
    page = soup_of(local / "guide" / "old-first-steps" / "index.html")
    assert page.find("meta", attrs={"http-equiv": "refresh"})["content"] == "0; url=/guide/first-steps/"
    assert page.find("link", rel="canonical")["href"] == "/guide/first-steps/"
    assert page.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    assert page.find("main").find("a")["href"] == "/guide/first-steps/"
    policy = page.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    assert "script-src 'self'" in policy
    assert not page.find("script") and not page.find("style") and not page.find(style=True)
    icon = page.find("link", rel="icon")["href"]  # else the browser asks for a /favicon.ico there is not
    assert icon.startswith("/assets/icons/icon.") and (local / icon.lstrip("/")).is_file()
    assert (local / "first.html").is_file()
    assert redirect_pages(local) == sorted([
        local / "about-us" / "index.html", local / "faq" / "old-question" / "index.html",
        local / "first.html", local / "guide" / "old-first-steps" / "index.html"])


def test_redirect_pages_are_not_in_the_sitemap_search_or_offline_list(published):
    prefix = urlsplit(SITEURL).path
    assert (published / "_redirects").read_text(encoding="utf-8").splitlines()[1:] == [
        f"{prefix}/about-us/ {prefix}/about/ 301",
        f"{prefix}/faq/old-question/ {prefix}/faq/what-is/ 301",
        f"{prefix}/first.html {prefix}/guide/first-steps/ 301",
        f"{prefix}/guide/old-first-steps/ {prefix}/guide/first-steps/ 301",
    ]
    page = soup_of(published / "faq" / "old-question" / "index.html")
    assert page.find("link", rel="canonical")["href"] == f"{SITEURL}/faq/what-is/"
    redirects = redirect_pages(published, prefix)
    assert len(redirects) == 4 and all(path.is_file() for path in redirects)
    old_urls = {SITEURL + page_url(published, path) for path in redirects}
    sitemap = ET.parse(published / "sitemap.xml").getroot()
    listed = {url.findtext("sm:loc", namespaces=SITEMAP_NS) for url in sitemap.iterfind("sm:url", SITEMAP_NS)}
    assert listed and not listed & old_urls
    assert f"{SITEURL}/guide/first-steps/" in listed
    real = {SITEURL + page_url(published, path) for path in html_pages(published)}
    assert listed <= real
    worker = (published / "sw.js").read_text(encoding="utf-8")
    precache = json.loads(re.search(r"PRECACHE_URLS\s*=\s*(\[.*?\])", worker)[1])
    assert precache
    assert not [url for url in precache if "old-" in url or "about-us" in url or "first.html" in url]
    # The search index in parts (docs/search.md): every snippet group of documents.
    groups = sorted((published / "search").glob("*/d*.json"))
    assert groups
    urls = json.dumps([json.loads(group.read_text(encoding="utf-8")) for group in groups])
    assert "first-steps" in urls
    for old in ("old-first-steps", "old-question", "about-us", "first.html"):
        assert old not in urls, old


def test_redirect_mistakes_fail_with_file_and_line(site_copy, build_site, tmp_path):
    output = tmp_path / "site"
    assert build_site("editorial-basic", output=output).ok
    before = snapshot(output)
    content = site_copy("editorial-basic")
    chapter, second = content / "articles" / "first.md", content / "articles" / "second.md"
    question, about = content / "faq" / "what-is.md", content / "pages" / "about.md"
    edit(chapter, "Redirects: /guide/old-first-steps/, /first.html",
         "Redirects: /guide/second-steps/, /guide/first-steps/, guide/no-slash/, https://old.example.org/x/, "
         "/guide/Old/, /guide/a/../b/, /faq/old?x=1, /guide/no-ending")
    edit(second, "Reviewed: 2026-01-15", "Reviewed: 2026-01-15\nRedirects: /faq/old-question/")
    edit(about, "Redirects: /about-us/", "Redirects: /faq/, /")
    result = build_site(content, output=output)
    assert result.returncode == 1
    line = 9
    assert errors(result.log) == [
        f'{shown(chapter)}:{line}: error: Redirects "/guide/second-steps/" is the address of a page that '
        f"exists ({shown(second)}); only a page that is gone can be redirected",
        f'{shown(chapter)}:{line}: error: Redirects "/guide/first-steps/" is the address of this page itself',
        f'{shown(chapter)}:{line}: error: Redirects "guide/no-slash/" must start with / (a path from the '
        "site root such as /faq/old-slug/)",
        f'{shown(chapter)}:{line}: error: Redirects "https://old.example.org/x/" must be a path from the '
        "site root (/faq/old-slug/), not a full address",
        f'{shown(chapter)}:{line}: error: Redirects "/guide/Old/" is not a clean path: use lower-case '
        "letters, digits, hyphens and slashes, with no .. or //",
        f'{shown(chapter)}:{line}: error: Redirects "/guide/a/../b/" is not a clean path: use lower-case '
        "letters, digits, hyphens and slashes, with no .. or //",
        f'{shown(chapter)}:{line}: error: Redirects "/faq/old?x=1" must not have a query (?) or a '
        "fragment (#)",
        f'{shown(chapter)}:{line}: error: Redirects "/guide/no-ending" must end with / (a folder such as '
        "/faq/old-slug/) or .html",
        f'{shown(question)}:6: error: Redirects "/faq/old-question/" is also claimed by {shown(second)}:8; '
        "an old address can lead to one page only",
        f'{shown(about)}:4: error: Redirects "/" would replace the home page',
        f'{shown(about)}:4: error: Redirects "/faq/" is the address of a page the build writes '
        "(faq/index.html)",
    ]
    assert snapshot(output) == before


def test_an_old_address_takes_the_reader_to_the_new_page(local, browser):
    handler = functools.partial(QuietHandler, directory=str(local))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    context = browser.new_context(service_workers="block")
    try:
        page = context.new_page()
        problems: list[str] = []
        page.on("console", lambda message: message.type == "error" and problems.append(message.text))
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.on("response", lambda response: response.status >= 400 and problems.append(response.url))
        page.goto(f"{base}/faq/old-question/")
        page.wait_for_url(f"{base}/faq/what-is/")
        assert page.locator("h1").inner_text() == "What is this?"
        assert not problems, problems
    finally:
        context.close()
        httpd.shutdown()
        httpd.server_close()


# -- review dates ----------------------------------------------------------------------------

@pytest.mark.parametrize("path, reviewed, due", [
    ("guide/first-steps/index.html", "10 January 2026", "10 January 2027"),
    ("faq/what-is/index.html", "10 January 2026", "10 January 2027"),
    ("about/index.html", "5 January 2026", "5 January 2027"),
])
def test_chapters_questions_and_pages_show_reviewed_and_next_review(local, path, reviewed, due):
    dates = soup_of(local / path).find(class_="review-dates")
    assert text_of(dates) == f"Last reviewed {reviewed} · Next review due {due}"
    times = [time["datetime"] for time in dates.find_all("time")]
    assert [datetime.date.fromisoformat(t).strftime("%-d %B %Y") for t in times] == [reviewed, due]


def test_the_review_interval_is_a_setting(build_site, tmp_path):
    settings = tmp_path / "conf.py"
    settings.write_text(f"from pelicanconf import *\nTHEME = {str(ROOT / 'theme')!r}\n"
                        f"PLUGIN_PATHS = [{str(ROOT / 'plugins')!r}]\nREVIEW_INTERVAL_MONTHS = 6\n")
    result = build_site("editorial-basic", settings=str(settings), env={"PYTHONPATH": str(ROOT)})
    assert result.ok, result.log
    dates = soup_of(result.output / "about" / "index.html").find(class_="review-dates")
    assert text_of(dates) == "Last reviewed 5 January 2026 · Next review due 5 July 2026"


def test_review_due_dates(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "plugins"))
    from review.policy import build_today, review_due

    assert review_due(datetime.date(2026, 11, 22)) == datetime.date(2027, 11, 22)
    assert review_due(datetime.date(2028, 2, 29)) == datetime.date(2029, 2, 28)
    assert review_due(datetime.date(2026, 8, 31), 6) == datetime.date(2027, 2, 28)
    assert build_today({"SOURCE_DATE_EPOCH": epoch("2027-03-04")}) == datetime.date(2027, 3, 4)
    assert build_today({}) == datetime.datetime.now(tz=datetime.UTC).date()


def test_a_production_build_fails_once_a_review_is_overdue(build_site, site_copy, tmp_path):
    content = site_copy("editorial-basic")
    edit(content / "articles" / "third.md", "Part: ", "Status: draft\nPart: ")  # drafts never fail
    env = {"SITEURL": SITEURL, "CONTACT": FORM, "SOURCE_DATE_EPOCH": epoch("2027-01-11")}
    result = build_site(content, output=tmp_path / "out", settings="publishconf.py", env=env)
    assert result.returncode == 1
    message = "review it, then set Reviewed to that day"
    pages = [f"{shown(content / 'pages' / name)}:3: error: review overdue since 2027-01-05 (Reviewed "
             f"2026-01-05; reviews are due every 12 months): {message}"
             for name in ("about.md", "editorial-policy.md", "getting-help.md", "privacy.md")]
    assert sorted(errors(result.log)) == sorted([
        f"{shown(content / 'articles' / 'first.md')}:7: error: review overdue since 2027-01-10 (Reviewed "
        f"2026-01-10; reviews are due every 12 months): {message}",
        f"{shown(content / 'faq' / 'what-is.md')}:4: error: review overdue since 2027-01-10 (Reviewed "
        f"2026-01-10; reviews are due every 12 months): {message}",
        *pages,
    ])
    assert not (tmp_path / "out").exists()
    # On the due date itself the review is not late yet, and a local build never fails for it.
    env["SOURCE_DATE_EPOCH"] = epoch("2027-01-05")
    assert build_site(content, output=tmp_path / "on-time", settings="publishconf.py", env=env).ok
    assert build_site(content, output=tmp_path / "local", env={"SOURCE_DATE_EPOCH": epoch("2030-01-01")}).ok


def lint(content: Path, day: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "tools" / "lint.py"), "--content", str(content)],
                          cwd=ROOT, capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "SOURCE_DATE_EPOCH": epoch(day)})


def test_lint_warns_thirty_days_ahead_and_errs_once_overdue():
    early = lint(SITE, "2026-12-05")
    assert early.returncode == 0, early.stdout + early.stderr
    assert "review" not in early.stdout
    soon = lint(SITE, "2026-12-11")  # 30 days before the chapter's and the question's 2027-01-10
    assert soon.returncode == 0, soon.stdout + soon.stderr
    tail = "; a production build fails after that day: review it, then set Reviewed to that day"
    assert soon.stdout.splitlines() == [
        f"{shown(SITE / 'articles' / 'first.md')}:7: warning: review due on 2027-01-10 (in 30 days){tail}",
        f"{shown(SITE / 'faq' / 'what-is.md')}:4: warning: review due on 2027-01-10 (in 30 days){tail}",
        *(f"{shown(SITE / 'pages' / name)}:3: warning: review due on 2027-01-05 (in 25 days){tail}"
          for name in ("about.md", "editorial-policy.md", "getting-help.md", "privacy.md")),
    ]
    late = lint(SITE, "2027-01-11")
    assert late.returncode == 1
    assert f"{shown(SITE / 'articles' / 'first.md')}:7: error: review overdue since 2027-01-10" in late.stdout
    assert (f"{shown(SITE / 'articles' / 'second.md')}:7: warning: review due on 2027-01-15 (in 4 days)"
            in late.stdout)


def test_lint_warns_about_sources_no_file_cites(site_copy):
    content = site_copy("editorial-basic")
    edit(content / "faq" / "what-is.md", "Sources: couples-web-page\n", "")
    result = lint(content, "2026-06-01")
    registry = content / "data" / "sources.toml"
    line = registry.read_text(encoding="utf-8").splitlines().index("[couples-web-page]") + 1
    assert result.stdout.splitlines() == [
        f'{shown(registry)}:{line}: warning: source "couples-web-page" is not cited by any chapter or FAQ '
        "entry: cite it (Sources: couples-web-page) or remove it"
    ]
    assert result.returncode == 0


def test_a_page_without_reviewed_fails(site_copy, build_site):
    content = site_copy("editorial-basic")
    page = content / "pages" / "privacy.md"
    edit(page, "Reviewed: 2026-01-05\n", "")
    result = build_site(content)
    assert result.returncode == 1
    assert errors(result.log) == [f'{shown(page)}:1: error: missing required metadata "Reviewed" for a page']


# -- report a problem ------------------------------------------------------------------------

def report_link(page: Path):
    return soup_of(page).find("p", class_="report-problem").find("a")


def test_every_page_links_to_report_a_problem_prefilled_for_that_page(published):
    redirects = set(redirect_pages(published, urlsplit(SITEURL).path))
    pages = [path for path in html_pages(published) if path not in redirects]
    assert len(pages) > 10
    for path in pages:
        link = report_link(path)
        assert link.get_text() == "Report a problem with this page", path
        assert not link.get("target") and not link.get("ping") and not link.get("onclick")
    query = parse_qs(urlsplit(report_link(published / "guide" / "first-steps" / "index.html")["href"]).query)
    assert query == {"site": ["closer"], "title": ["First steps"], "url": [f"{SITEURL}/guide/first-steps/"],
                     "reviewed": ["2026-01-10"]}
    href = report_link(published / "faq" / "what-is" / "index.html")["href"]
    assert href.startswith("https://forms.example.org/report?site=closer&title=What%20is%20this%3F&url=")
    home = parse_qs(urlsplit(report_link(published / "index.html")["href"]).query)
    assert home["url"] == [f"{SITEURL}/"] and "reviewed" not in home


def test_an_email_contact_prefills_subject_and_body(build_site, tmp_path):
    env = {"SITEURL": SITEURL, "CONTACT": "mailto:editors+closer@guide.example.org", **BEFORE_DUE}
    result = build_site("editorial-basic", output=tmp_path / "out", settings="publishconf.py", env=env)
    assert result.ok, result.log
    href = report_link(result.output / "about" / "index.html")["href"]
    address, _, query = href.partition("?")
    assert address == "mailto:editors+closer@guide.example.org"
    fields = dict(part.split("=", 1) for part in query.split("&"))
    assert set(fields) == {"subject", "body"}
    assert not re.search(r"[^A-Za-z0-9%._~-]", fields["subject"] + fields["body"]), "not percent-encoded"
    assert unquote(fields["subject"]) == "Problem with a page: About this site"
    assert unquote(fields["body"]) == (f"Page: About this site\r\nAddress: {SITEURL}/about/\r\n"
                                       "Last reviewed: 2026-01-05\r\n\r\n"
                                       "What is wrong, or what could be clearer:\r\n")


def test_local_builds_link_to_the_documented_example_address(local):
    href = report_link(local / "about" / "index.html")["href"]
    assert href.startswith("mailto:editors@example.org?subject=")


@pytest.mark.parametrize("contact, message", [
    ("", "publishconf.py: CONTACT is not set"),
    ("editors", 'error: CONTACT "editors" is neither an email address (editors@example.org) nor an https:// '
                "address of a contact form (https://example.org/report)"),
    ("editors@localhost", 'error: CONTACT "editors@localhost" is not a valid email address '
                          "(for example editors@example.org)"),
    ("http://forms.example.org/report",
     'error: CONTACT "http://forms.example.org/report" is neither an email address (editors@example.org) '
     "nor an https:// address of a contact form (https://example.org/report)"),
])
def test_make_publish_needs_a_well_formed_contact(tmp_path, contact, message):
    output = tmp_path / "out"
    result = subprocess.run(["make", "--no-print-directory", "publish", f"CONTENT={SITE}", f"OUTPUT={output}",
                             f"SITEURL={SITEURL}", f"CONTACT={contact}"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode != 0
    assert message in result.stderr
    if not contact:
        example = "make publish SITEURL=https://guide.example.org CONTACT=editors@guide.example.org"
        assert example in result.stderr
    assert not output.exists()
