"""Generate a synthetic guide of N chapters in our content model, deterministically.

    python tools/synth.py N DEST [--topics 40] [--seed 1]
    python tools/synth.py N DEST --replicate

Two kinds of guide. ``generate`` (the default) writes made-up chapters:

Proportions follow the real guide: per chapter about 1.2 FAQ entries, 4.6 tip
cards (TIP, TRY, CAUTION), 2-3 topics, wiki links to other chapters and FAQ
entries; a fixed number of topics (40 by default); the four pages. The words
are drawn from a small plain-English vocabulary so pages read like prose to
the indexer and the readability checks. The same N and seed always give the
same bytes.

``replicate`` (--replicate) copies the real guide in content/ until it has N
chapters: copy k of a chapter or FAQ entry keeps its text, title, topics and
sections and takes the slug ``<slug>-<k>`` (``replica_of`` maps a URL back to
the original's). Search benchmarks use it, because real prose has the word
frequencies, headings and questions readers search for, which an 80-word
vocabulary does not; its vocabulary is the guide's, whatever N.
"""

from __future__ import annotations

import argparse
import datetime
import random
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Metadata a copy must not repeat: one page owns an old URL; the order is the copy's own.
NOT_COPIED = re.compile(r"^(Redirects|Order):.*\n", re.M)
# Every generated chapter, FAQ entry and page says it was reviewed on this day.
REVIEWED = "2026-11-01"
REPLICA = re.compile(r"^(guide/|faq/#|faq/)([a-z0-9-]+?)-\d+(?=/|#|$)")

VOCABULARY = (
    "you your partner time talk listen feel feelings day week close trust share small kind "
    "words moment home walk meal phone quiet calm honest open safe warm care help notice "
    "thanks hug laugh plan dream goal change stress money work friend family rest sleep "
    "morning evening question answer story memory habit routine promise apology repair "
    "hard easy slow gentle clear simple often again together each other both start try"
).split()
PARTS = ["Foundations", "Everyday connection", "Through hard times", "Growing together"]
FAQ_PER_CHAPTER = 28 / 23
KINDS = ["TIP", "TIP", "TIP", "TRY", "CAUTION"]


def sentence(rng: random.Random) -> str:
    words = [rng.choice(VOCABULARY) for _ in range(rng.randint(6, 14))]
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random, sentences: int = 4) -> str:
    return " ".join(sentence(rng) for _ in range(sentences))


def topic_slugs(count: int) -> list[str]:
    return [f"topic-{i:02d}" for i in range(1, count + 1)]


def write_topics(dest: Path, count: int, rng: random.Random) -> list[str]:
    slugs = topic_slugs(count)
    for i, slug in enumerate(slugs):
        related = ", ".join(sorted(rng.sample([s for s in slugs if s != slug], 2)))
        (dest / "topics" / f"{slug}.md").write_text(
            f"Title: Theme {i + 1}\nSlug: {slug}\nAliases: alias{i + 1}a, alias{i + 1}b\n"
            f"Related: {related}\n\n{paragraph(rng, 2)}\n"
        )
    return slugs


def write_chapter(dest: Path, number: int, total: int, topics: list[str], faq_count: int,
                  rng: random.Random) -> None:
    slug = f"chapter-{number:04d}"
    part = PARTS[min(len(PARTS) - 1, (number - 1) * len(PARTS) // total)]
    own = sorted(rng.sample(topics, rng.randint(2, 3)))
    lines = [
        f"Title: Chapter {number}: {rng.choice(VOCABULARY)} and {rng.choice(VOCABULARY)}",
        f"Slug: {slug}",
        f"Summary: {sentence(rng)}",
        f"Topics: {', '.join(own)}",
        f"Order: {number}",
        f"Part: {part}",
        f"Reviewed: {REVIEWED}",
        "",
        paragraph(rng),
        "",
        "## Key takeaways",
        "",
        *(f"- {sentence(rng)}" for _ in range(4)),
    ]
    cards = 4 + (number % 5 == 0)
    for section in range(1, 5):
        lines += ["", f"## Section {section} of chapter {number}", "", paragraph(rng), ""]
        other = rng.randint(1, total)
        lines.append(f"See [[chapter-{other:04d}]] and {paragraph(rng, 1)}")
        if faq_count:
            lines.append(f"Also [[question-{rng.randint(1, faq_count):04d}|this question]].")
        lines += ["", f"### Subsection {section}", "", paragraph(rng, 3)]
        if section <= cards:
            kind = KINDS[(number + section) % len(KINDS)]
            lines += ["", f"> [!{kind}] Card {section} for chapter {number}", f"> {paragraph(rng, 2)}"]
            if kind == "TRY":
                lines += ["> ", "> 1. " + sentence(rng), "> 2. " + sentence(rng)]
    (dest / "articles" / f"{slug}.md").write_text("\n".join(lines) + "\n")


def write_faq(dest: Path, number: int, chapters: int, topics: list[str], rng: random.Random) -> None:
    slug = f"question-{number:04d}"
    chapter = rng.randint(1, chapters)
    (dest / "faq" / f"{slug}.md").write_text(
        f"Title: How do we {rng.choice(VOCABULARY)} {rng.choice(VOCABULARY)} number {number}?\n"
        f"Slug: {slug}\nTopics: {', '.join(sorted(rng.sample(topics, 2)))}\nReviewed: {REVIEWED}\n"
        f"Related: chapter-{chapter:04d}\n\n{paragraph(rng, 6)}\n\n"
        f"Read more in [[chapter-{chapter:04d}]].\n"
    )


def write_pages(dest: Path, rng: random.Random) -> None:
    for slug, title in (("about", "About"), ("editorial-policy", "Editorial policy"),
                        ("getting-help", "Getting help"), ("privacy", "Privacy")):
        (dest / "pages" / f"{slug}.md").write_text(
            f"Title: {title}\nSlug: {slug}\nReviewed: {REVIEWED}\n\n{paragraph(rng)}\n")


def build_environment() -> dict[str, str]:
    """SOURCE_DATE_EPOCH for building a generated guide: the day after REVIEWED, the day a build
    judges reviews as of (plugins/review), so no review of it is ever overdue."""
    day = datetime.datetime.fromisoformat(REVIEWED).replace(tzinfo=datetime.UTC) + datetime.timedelta(days=1)
    return {"SOURCE_DATE_EPOCH": str(int(day.timestamp()))}


def generate(chapters: int, dest: Path, topic_count: int = 40, seed: int = 1) -> Path:
    rng = random.Random(seed)
    shutil.rmtree(dest, ignore_errors=True)
    for folder in ("articles", "faq", "topics", "pages"):
        (dest / folder).mkdir(parents=True)
    topics = write_topics(dest, topic_count, rng)
    faq_count = round(chapters * FAQ_PER_CHAPTER)
    for number in range(1, chapters + 1):
        write_chapter(dest, number, chapters, topics, faq_count, rng)
    for number in range(1, faq_count + 1):
        write_faq(dest, number, chapters, topics, rng)
    write_pages(dest, rng)
    return dest


def replicate(chapters: int, dest: Path, source: Path = ROOT / "content") -> Path:
    """The real guide copied until it has ``chapters`` chapters (FAQ entries in proportion)."""
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(source, dest)
    articles = sorted((source / "articles").glob("*.md"))
    questions = sorted((source / "faq").glob("*.md"))
    order = 1000
    for kind, originals, wanted in (
        ("articles", articles, chapters),
        ("faq", questions, round(chapters * len(questions) / max(len(articles), 1))),
    ):
        for number in range(max(wanted - len(originals), 0)):
            original = originals[number % len(originals)]
            copy = number // len(originals) + 1
            text = NOT_COPIED.sub("", original.read_text(encoding="utf-8"))
            text = re.sub(r"^Slug: *(\S+)", rf"Slug: \g<1>-{copy}", text, count=1, flags=re.M)
            if kind == "articles":
                order += 1
                text = f"Order: {order}\n" + text
            (dest / kind / f"{original.stem}-{copy}.md").write_text(text, encoding="utf-8")
    return dest


def replica_of(url: str) -> str:
    """The URL of the original a replicated page was copied from (the URL itself for an original)."""
    return REPLICA.sub(lambda m: m[1] + m[2], url.lstrip("/"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chapters", type=int)
    parser.add_argument("dest", type=Path)
    parser.add_argument("--topics", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--replicate", action="store_true", help="copy the real guide instead")
    args = parser.parse_args()
    if args.replicate:
        replicate(args.chapters, args.dest)
    else:
        generate(args.chapters, args.dest, args.topics, args.seed)


if __name__ == "__main__":
    main()
