"""The guide itself: complete, consistent, plain, original and ad-free."""

from __future__ import annotations

import datetime
import re
import subprocess
import sys
from pathlib import Path

import pytest
from content_model import model
from content_model.readability import flesch_reading_ease, prose_of_markdown

from conftest import ROOT

CONTENT = ROOT / "content"

# Wording that ads and affiliate deals bring with them (issue: ad-free promise).
AD_WORDING = re.compile(
    r"\b(advertisement|advertorial|sponsored|affiliate|commission|paid partnership|"
    r"buy now|shop now|discount code|promo code|subscribe to our newsletter)\b",
    re.I,
)
WIKI = re.compile(r"\[\[([^\]|]+)(?:\|[^\]]*)?\]\]")

# Every question the seed pages answer, and the entry that answers it here.
SEED_QUESTIONS = {
    "How can I establish deeper emotional connections with my partner?": "deepen-connection",
    "What are effective strategies for enhancing emotional intimacy in a long-term relationship?":
        "long-term-strategies",
    "Can reading books about emotional intimacy improve my relationship?": "recommended-books",
    "What are the signs of a lack of emotional intimacy?": "signs-lack-of-intimacy",
    "How does a lack of emotional intimacy affect a relationship?": "signs-lack-of-intimacy",
    "How can we repair our emotional connection after a period of distance?": "feeling-disconnected",
    "Do men and women perceive emotional intimacy differently?": "men-and-women",
    "How can I improve emotional intimacy if my partner is not open to it?": "partner-not-open",
    "Can emotional intimacy be rebuilt after it's been lost?": "feeling-disconnected",
    "How can I maintain emotional intimacy in a long-distance relationship?": "long-distance-closeness",
    "What should I do if I feel emotionally disconnected from my partner?": "feeling-disconnected",
    "How can I show emotional support to my partner?": "show-emotional-support",
    "What is emotional intimacy?": "what-is-emotional-intimacy",
    "Why is emotional intimacy important?": "why-intimacy-matters",
}


def read(kind: str) -> dict[str, tuple[Path, dict, str]]:
    """slug -> (path, metadata as written, body) for one folder."""
    entries = {}
    for path in sorted((CONTENT / kind).glob("*.md")):
        text = path.read_text(encoding="utf-8")
        start = model.body_start(text)
        lines = text.splitlines()
        metadata = {}
        for line in lines[: start - 1]:
            key, _, value = line.partition(":")
            metadata[key.strip().lower()] = value.strip()
        entries[metadata["slug"]] = (path, metadata, "\n".join(lines[start:]))
    return entries


ARTICLES, FAQ, TOPICS, PAGES = (read(k) for k in ("articles", "faq", "topics", "pages"))


def test_the_guide_is_complete():
    assert len(ARTICLES) >= 18
    assert len(FAQ) >= 24
    assert len(TOPICS) >= 14
    assert {"about", "editorial-policy", "getting-help", "privacy"} <= set(PAGES)


def test_chapters_are_grouped_into_parts_that_read_in_order():
    parts = {}
    for _, metadata, _ in ARTICLES.values():
        parts.setdefault(metadata["part"], []).append(int(metadata["order"]))
    spans = sorted((min(o), max(o), part) for part, o in parts.items())
    assert len(spans) >= 4
    for (_, end, part), (start, _, following) in zip(spans, spans[1:]):
        assert end < start, f"parts {part} and {following} interleave"


def test_slugs_are_unique_across_all_content():
    seen = {}
    for kind in (ARTICLES, FAQ, TOPICS, PAGES):
        for slug, (path, _, _) in kind.items():
            assert slug not in seen, f"{path} and {seen[slug]} share the slug {slug}"
            seen[slug] = path


@pytest.mark.parametrize("entries", [ARTICLES, FAQ], ids=["articles", "faq"])
def test_every_topic_named_exists_and_there_are_one_to_four(entries):
    for _slug, (path, metadata, _) in entries.items():
        topics = model.split_list(metadata["topics"])
        assert 1 <= len(topics) <= 4, path
        unknown = set(topics) - set(TOPICS)
        assert not unknown, f"{path}: unknown topics {unknown}"


def test_related_and_wiki_links_name_real_content():
    known = set(ARTICLES) | set(FAQ) | set(TOPICS) | set(PAGES)
    for entries in (ARTICLES, FAQ, TOPICS, PAGES):
        for path, metadata, body in entries.values():
            for slug in model.split_list(metadata.get("related")):
                assert slug in known, f"{path}: Related names unknown {slug}"
            for slug in WIKI.findall(body):
                assert slug.strip() in known, f"{path}: wiki link to unknown {slug}"


def test_every_topic_has_aliases_a_description_and_no_shared_alias():
    owner = {}
    for slug, (path, metadata, body) in TOPICS.items():
        assert body.strip(), f"{path} has no description"
        for alias in model.split_list(metadata["aliases"]):
            alias = alias.lower()
            assert alias not in owner, f"alias {alias!r} in {path} and topic {owner.get(alias)}"
            owner[alias] = slug
    partner = {a.lower() for a in model.split_list(TOPICS["partner"][1]["aliases"])}
    assert {"spouse", "husband", "wife", "boyfriend", "girlfriend"} <= partner
    assert {"fight", "argument", "disagreement"} <= set(model.split_list(TOPICS["conflict"][1]["aliases"]))
    assert {"hug", "kiss", "touch"} <= set(model.split_list(TOPICS["affection"][1]["aliases"]))
    assert {"money", "finances"} <= set(model.split_list(TOPICS["financial-stress"][1]["aliases"]))


def test_every_seed_question_has_an_faq_entry():
    for question, slug in SEED_QUESTIONS.items():
        assert slug in FAQ, f"no FAQ entry answers: {question}"
        assert FAQ[slug][1]["title"].endswith("?")


def test_faq_answers_are_60_to_200_words_and_link_deeper():
    for _slug, (path, metadata, body) in FAQ.items():
        words = len(prose_of_markdown(body).split())
        assert 60 <= words <= 200, f"{path}: {words} words"
        deeper = model.split_list(metadata.get("related"))
        assert deeper and deeper[0] in ARTICLES | PAGES, f"{path}: first Related is not a chapter"
        assert WIKI.search(body), f"{path}: the answer links to no chapter"


def test_every_chapter_has_takeaways_sections_tips_and_an_exercise():
    for _slug, (path, _, body) in ARTICLES.items():
        assert "## Key takeaways" in body, path
        assert len(re.findall(r"^## ", body, re.M)) >= 4, path
        tips = len(re.findall(r"^> \[!TIP\]", body, re.M))
        assert 2 <= tips <= 5, f"{path}: {tips} tip cards"
        assert re.search(r"^> \[!TRY\]", body, re.M), f"{path}: no 'try this together'"


@pytest.mark.parametrize("slug", sorted(ARTICLES))
def test_chapters_read_plainly(slug):
    path, _, body = ARTICLES[slug]
    score = flesch_reading_ease(prose_of_markdown(body))
    assert score >= 60, f"{path}: Flesch reading ease {score:.0f} (needs 60+)"


def test_no_ad_or_affiliate_wording_anywhere():
    for path in sorted(CONTENT.rglob("*.md")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            match = AD_WORDING.search(line)
            assert not match, f"{path}:{number}: {match.group(0)!r}"


def test_sensitive_chapters_point_to_real_help():
    for slug in ("healing-from-past-trauma", "handling-conflict", "couples-therapy", "conflict-or-abuse"):
        assert "[[getting-help" in ARTICLES[slug][2], slug
    # /getting-help/ is built from the help directory (tests/test_safety.py checks the page).
    from reader_safety.directory import load

    directory, problems = load(CONTENT / "data" / "helplines.toml", "helplines.toml", datetime.date.today())
    assert not problems, [str(p) for p in problems]
    numbers = {line.phone for line in directory.lines}
    for number in ("1-800-799-7233", "0808 2000 247", "1800 737 732", "999", "911", "000", "111",
                   "116 123", "988", "13 11 14", "1737", "0800 027 1234", "0808 80 10 800", "0808 802 1414"):
        assert number in numbers, number


def test_no_run_of_eight_words_is_copied_from_the_seed_pages():
    # Checked against the committed fingerprints of the seed pages (tools/originality.py),
    # so the test needs nothing outside the repository.
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "originality.py"), "check", str(CONTENT)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]


def test_every_registry_source_is_valid_and_cited_and_every_citation_is_registered():
    """A source in the registry was verified to be cited: one nothing cites is dead weight
    (make lint warns as you edit; here the guide as a whole must have none)."""
    from sources.registry import cited_keys, parse_registry

    registry = CONTENT / "data" / "sources.toml"
    sources, problems = parse_registry(registry.read_text(encoding="utf-8"))
    assert not problems, problems
    cited = {}
    for path, metadata, _ in [*ARTICLES.values(), *FAQ.values()]:
        for key in cited_keys(metadata.get("sources")):
            cited.setdefault(key, path.name)
    assert set(cited) <= set(sources), f"not in the registry: {sorted(set(cited) - set(sources))}"
    assert set(sources) <= set(cited), f"cited by nothing: {sorted(set(sources) - set(cited))}"
    assert "gottman-silver-2015" in sources


def test_every_chapter_faq_entry_and_page_has_a_reviewed_date():
    for path, metadata, _ in [*ARTICLES.values(), *FAQ.values(), *PAGES.values()]:
        assert model.parse_date(metadata.get("reviewed", "")), path.name
def test_the_originality_check_finds_a_copied_run_from_fingerprints_alone(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "page.txt").write_text(
        "Ads here. Couples who share small daily rituals often feel closer over the years, "
        "the page said.\n", encoding="utf-8")
    prints = tmp_path / "prints.txt"
    tool = [sys.executable, str(ROOT / "tools" / "originality.py")]
    made = subprocess.run([*tool, "fingerprint", "--seeds", str(seeds), "--out", str(prints)],
                          capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    assert "rituals" not in prints.read_text(encoding="utf-8"), "fingerprints, not the text"
    content = tmp_path / "content"
    content.mkdir()
    # The same nine words in another case, across a line break, and with a comma after them.
    (content / "copied.md").write_text(
        "Title: Copied\nSlug: copied\n\nIntro line.\nCOUPLES who share small\ndaily rituals often "
        "feel closer, we think.\n", encoding="utf-8")
    (content / "own.md").write_text("Title: Own\n\nCouples who share small jokes laugh more.\n",
                                    encoding="utf-8")
    checked = subprocess.run([*tool, "check", str(content), "--fingerprints", str(prints)],
                             capture_output=True, text=True)
    assert checked.returncode == 1
    assert f"{content / 'copied.md'}:5: 9 words shared with the seed pages" in checked.stdout
    assert "own.md" not in checked.stdout
