"""The build command: strict, safe, and clear about content errors."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import pytest

from conftest import ROOT


def snapshot(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_a_good_site_builds_with_pretty_urls(build_site):
    result = build_site("basic")
    assert result.ok, result.log
    out = result.output
    assert (out / "index.html").exists()
    assert (out / "guide" / "first-steps" / "index.html").exists()
    assert (out / "about" / "index.html").exists()
    assert (out / "search" / "index.html").exists()
    assert (out / "404.html").exists()
    # No blog machinery and nothing from faq/ or topics/ read as articles.
    for unwanted in ("category", "tag", "author", "archives.html", "feeds"):
        assert not (out / unwanted).exists(), unwanted
    # (The faq plugin writes the entry at faq/what-is/; nowhere else may it appear.)
    assert [p.relative_to(out).as_posix() for p in out.rglob("*what-is*")] in ([], ["faq/what-is"])


def test_home_lists_parts_and_chapters_in_order(build_site):
    html = (build_site("basic").output / "index.html").read_text()
    assert html.index("Part 1") < html.index("Foundations") < html.index("Part 2")
    assert html.index("First steps") < html.index("Second steps") < html.index("Third steps")


def test_broken_metadata_fails_and_keeps_previous_output(build_site, site_copy, tmp_path):
    output = tmp_path / "site"
    assert build_site("basic", output=output).ok
    before = snapshot(output)
    content = site_copy("basic")
    chapter = content / "articles" / "second.md"
    chapter.write_text(chapter.read_text().replace("Reviewed: 2026-01-15", "Reviewed: 15/01/2026"))
    result = build_site(content, output=output)
    assert result.returncode != 0
    assert f"{chapter.relative_to(ROOT) if chapter.is_relative_to(ROOT) else chapter}:7: error: " \
           'Reviewed "15/01/2026" is not a date in the form YYYY-MM-DD' in result.log
    assert "output/ left unchanged" in result.log or "site/ left unchanged" in result.log
    assert snapshot(output) == before


def test_each_metadata_mistake_names_file_and_line(build_site, site_copy):
    content = site_copy("basic")
    chapter = content / "articles" / "second.md"
    text = chapter.read_text()
    text = text.replace("Summary: ", "Sumary: ").replace("Order: 2", "Order: two")
    chapter.write_text(text)
    log = build_site(content).log
    assert ':3: error: unknown metadata "Sumary" for an article (did you mean "summary"?)' in log
    assert ': error: missing required metadata "Summary" for an article' in log
    assert ':5: error: Order "two" must be a whole number from 1 up' in log


def test_an_empty_chapter_fails(build_site, site_copy):
    content = site_copy("basic")
    chapter = content / "articles" / "third.md"
    chapter.write_text(chapter.read_text().split("\n\n", 1)[0] + "\n\n")
    result = build_site(content)
    assert result.returncode == 1
    assert "third.md:8: error: the body is empty" in result.log


def test_a_plugin_that_cannot_load_fails_the_build(build_site, tmp_path):
    settings = tmp_path / "conf.py"
    settings.write_text(
        f"from pelicanconf import *\nTHEME = {str(ROOT / 'theme')!r}\n"
        f"PLUGIN_PATHS = [{str(ROOT / 'plugins')!r}]\nPLUGINS = PLUGINS + ['no_such_plugin']\n"
    )
    result = build_site("basic", settings=str(settings), env={"PYTHONPATH": str(ROOT)})
    assert result.returncode == 1
    assert "no_such_plugin" in result.log


def test_installed_namespace_plugins_are_not_auto_loaded():
    import pelicanconf

    assert isinstance(pelicanconf.PLUGINS, list) and pelicanconf.PLUGINS


@pytest.mark.parametrize("kind", ["generate", "replicate"])
def test_the_benchmark_guides_build(kind, build_site, tmp_path):
    """make bench builds tools/synth.py's two kinds of guide and gives up on a failed build: each
    must stay a valid guide as the content model grows (pages came to need Reviewed)."""
    import synth  # tools/ (pytest.ini's pythonpath)

    content = getattr(synth, kind)(40, tmp_path / "content")
    # A generated guide is judged on the day after its reviews; copies of the real one today.
    build = build_site(content, env=synth.build_environment() if kind == "generate"
                       else {"SOURCE_DATE_EPOCH": str(int(time.time()))})
    assert build.ok, build.log
    assert len(list((build.output / "guide").glob("*/index.html"))) == 40
