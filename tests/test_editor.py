"""Editor workflow: scaffolding, drafts, and importing a saved page."""

from __future__ import annotations

import datetime
import os
import shutil
import subprocess

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT, SITES, SITES_SOURCE_DATE_EPOCH


def make(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["make", "--no-print-directory", *args], cwd=ROOT, capture_output=True, text=True)


@pytest.fixture
def content(tmp_path):
    target = tmp_path / "content"
    shutil.copytree(SITES / "basic", target)
    return target


def test_new_article_has_every_field_and_builds_as_a_draft(content, build_site, tmp_path):
    result = make("new-article", "TITLE=How to say sorry, well!", f"CONTENT={content}")
    assert result.returncode == 0, result.stderr
    path = content / "articles" / "how-to-say-sorry-well.md"
    text = path.read_text()
    today = datetime.date.today().isoformat()
    for line in ("Title: How to say sorry, well!", "Slug: how-to-say-sorry-well", "Topics: trust",
                 "Order: 4", "Part: Everyday connection", f"Reviewed: {today}", "Status: draft"):
        assert line in text.splitlines(), line
    assert text.splitlines()[2].startswith("Summary: ")
    published = build_site(content, output=tmp_path / "site")
    assert published.ok, published.log
    assert not (tmp_path / "site" / "guide" / "how-to-say-sorry-well").exists()


def test_new_faq_and_topic(content):
    assert make("new-faq", "QUESTION=Is it OK to go to bed angry", f"CONTENT={content}").returncode == 0
    faq = (content / "faq" / "is-it-ok-to-go-to-bed-angry.md").read_text()
    assert "Title: Is it OK to go to bed angry?" in faq and "Status: draft" in faq
    assert "Related: first-steps" in faq
    assert make("new-topic", "NAME=Apologies", f"CONTENT={content}").returncode == 0
    topic = (content / "topics" / "apologies.md").read_text()
    assert topic.startswith("Title: Apologies\nSlug: apologies\nAliases: apologies\n")


def test_scaffolding_never_overwrites(content):
    assert make("new-topic", "NAME=Apologies", f"CONTENT={content}").returncode == 0
    path = content / "topics" / "apologies.md"
    path.write_text(path.read_text() + "\nEdited by hand.\n")
    before = path.read_text()
    result = make("new-topic", "NAME=Apologies", f"CONTENT={content}")
    assert result.returncode != 0
    assert "apologies.md already exists; nothing was written" in result.stderr
    assert path.read_text() == before


def test_scaffolding_needs_a_title(content):
    result = make("new-article", f"CONTENT={content}")
    assert result.returncode != 0
    assert 'make new-article TITLE="..."' in result.stderr


def test_drafts_show_in_preview_with_a_banner_and_never_in_a_normal_build(content, tmp_path):
    assert make("new-article", "TITLE=Work in progress", f"CONTENT={content}").returncode == 0
    preview = tmp_path / "preview"
    subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "tools/build.py", "--content", str(content),
         "--output", str(preview), "--drafts"], cwd=ROOT, check=True, capture_output=True,
    )
    page = BeautifulSoup((preview / "guide" / "work-in-progress" / "index.html").read_text(), "html.parser")
    assert "Draft" in page.select_one(".draft-banner").get_text()
    home = (preview / "index.html").read_text()
    assert "/guide/work-in-progress/" in home
    site = tmp_path / "site"
    result = make("html", f"CONTENT={content}", f"OUTPUT={site}")
    assert result.returncode == 0, result.stderr
    assert not (site / "guide" / "work-in-progress").exists()
    assert not (site / "drafts").exists()
    every_page = "".join(p.read_text() for p in site.rglob("*.html"))
    assert "work-in-progress" not in every_page


def test_import_keeps_the_text_and_drops_the_furniture(content):
    source = ROOT / "tests" / "import_cases" / "ad-laden.html"
    result = make("import", f"SRC={source}", f"CONTENT={content}")
    assert result.returncode == 0, result.stderr
    draft = (content / "articles" / "five-small-habits-that-bring-couples-closer.md").read_text()
    assert "Status: draft" in draft and "Title: Five small habits that bring couples closer" in draft
    kept = ["Closeness grows from **small things**", "## Ask one real question a day",
            "- Ask over dinner.", "1. Pick a notebook.", "### Read it together",
            "*what surprised you today?*", "[guide to gratitude](https://example.org/guide?page=2)",
            "Our favourite notebook is this one on Amazon."]
    for text in kept:
        assert text in draft, text
    dropped = ["Advertisement", "affiliate", "Amazon Associate", "commission", "Subscribe", "newsletter",
               "Share via", "Copy link", "Pin it", "comments", "Latest posts", "Ten date ideas", "utm_",
               "tag=", "cookies", "relationship guru", "Table of Contents", "\nSave\n", "Great post"]
    for text in dropped:
        assert text not in draft, text
    summary = result.stdout
    for what in ("affiliate link (text kept)", "affiliate or ad disclaimer", "newsletter/sign-up form",
                 "tracking parameters", "'Save'", "'Share via'", "block marked 'ad'"):
        assert what in summary, what


def test_an_imported_draft_previews(content, tmp_path):
    source = ROOT / "tests" / "import_cases" / "ad-laden.html"
    assert make("import", f"SRC={source}", f"CONTENT={content}").returncode == 0
    result = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "tools/build.py", "--content", str(content),
         "--output", str(tmp_path / "preview"), "--drafts"], cwd=ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr


def test_lint_reports_every_problem_once_sorted_with_path_and_line():
    site = "tests/sites/lint-broken"
    result = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "tools/lint.py", "--content", site],
        cwd=ROOT, capture_output=True, text=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": SITES_SOURCE_DATE_EPOCH},  # fixed Reviewed dates
    )
    assert result.returncode == 1
    expected = (ROOT / "tests" / "sites" / "lint-broken.expected").read_text().splitlines()
    located = [line for line in result.stdout.splitlines() if line.startswith(site)]
    assert located == expected
    assert located == sorted(located, key=lambda line: (line.split(":")[0], int(line.split(":")[1])))


def test_lint_passes_the_guide_without_writing_output(tmp_path):
    before = sorted(p.name for p in ROOT.iterdir())
    result = subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "tools/lint.py"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "lint: 0 error(s)" in result.stderr
    assert sorted(p.name for p in ROOT.iterdir()) == before
