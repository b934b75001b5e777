"""How much of a build topic_links takes, at scale. A measurement, not a test.

    .venv/bin/python tests/bench_topic_links.py [--chapters 1000] [--topics 40] [--questions 100]

Writes a synthetic guide (deterministic: the same arguments give the same
files) into a temporary folder, builds it in-process with pelicanconf.py,
with the time spent inside topic_links's hooks and Markdown extension summed
up, then builds it again without the plugin, and prints both, in CPU seconds
(so other work on the machine counts less). Each build runs in its own
Python process so neither warms the other's caches. "inside topic_links" is
measured within one build and is the steadier number; the difference between
two builds also carries the noise of a busy machine (``--repeat 3`` helps).
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from functools import wraps
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORDS = (
    "you your partner time day talk feel close small kind step week home walk cook share "
    "listen care calm hard easy plan note thank hope try start keep warm open honest simple "
    "moment evening morning question answer habit change grow room space quiet gentle"
).split()
PARTS = ["Foundations", "Everyday connection", "Through hard times", "Growing together"]


def sentence(rng: random.Random, extra: str = "") -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(6, 12))]
    if extra:
        words.insert(rng.randrange(len(words)), extra)
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random, mentions: list[str], links: list[str]) -> str:
    sentences = [sentence(rng, m) for m in mentions] + [sentence(rng) for _ in range(rng.randint(3, 6))]
    sentences += [f"See [[{slug}]] for more." for slug in links]
    rng.shuffle(sentences)
    return " ".join(sentences)


def write_guide(folder: Path, chapters: int, topics: int, questions: int) -> None:
    rng = random.Random(20261122)
    for sub in ("articles", "faq", "topics", "pages"):
        (folder / sub).mkdir(parents=True)
    topic_slugs = [f"topic-{n:02d}" for n in range(topics)]
    aliases = {slug: [f"alias{n}a", f"alias{n}b thing", f"alias{n}c"] for n, slug in enumerate(topic_slugs)}
    for n, slug in enumerate(topic_slugs):
        related = ", ".join(rng.sample([s for s in topic_slugs if s != slug], 2))
        (folder / "topics" / f"{slug}.md").write_text(
            f"Title: Topic {n}\nSlug: {slug}\nAliases: {', '.join(aliases[slug])}\nRelated: {related}\n\n"
            f"{sentence(rng)} {sentence(rng)}\n"
        )
    chapter_slugs = [f"chapter-{n:04d}" for n in range(chapters)]
    question_slugs = [f"question-{n:03d}" for n in range(questions)]
    for n, slug in enumerate(chapter_slugs):
        own = rng.sample(topic_slugs, rng.randint(1, 3))
        related = ", ".join(rng.sample(chapter_slugs, 3))
        sections = []
        for heading in range(4):
            mentioned = [rng.choice(aliases[rng.choice(topic_slugs)]) for _ in range(2)]
            sections.append(f"## Section {heading + 1}\n\n" + paragraph(rng, mentioned, []) + "\n\n"
                            + paragraph(rng, [], [rng.choice(chapter_slugs)]))
        cards = "\n\n".join(
            f"> [!TIP] Card {card} of chapter {n}\n> {sentence(rng)} {sentence(rng)}" for card in range(2)
        )
        (folder / "articles" / f"{slug}.md").write_text(
            f"Title: Chapter {n}\nSlug: {slug}\nSummary: A synthetic chapter number {n}.\n"
            f"Topics: {', '.join(own)}\nOrder: {n + 1}\nPart: {PARTS[n * len(PARTS) // chapters]}\n"
            f"Reviewed: 2026-01-10\nRelated: {related}\n\n"
            + paragraph(rng, [], [rng.choice(topic_slugs)]) + "\n\n" + "\n\n".join(sections)
            + "\n\n" + cards + "\n"
        )
    for n, slug in enumerate(question_slugs):
        own = ", ".join(rng.sample(topic_slugs, rng.randint(1, 2)))
        (folder / "faq" / f"{slug}.md").write_text(
            f"Title: Question {n}?\nSlug: {slug}\nTopics: {own}\nReviewed: 2026-01-10\n"
            f"Related: {rng.choice(chapter_slugs)}\n\n{paragraph(rng, [], [rng.choice(chapter_slugs)])}\n"
        )
    for page in ("about", "editorial-policy", "getting-help", "privacy"):
        (folder / "pages" / f"{page}.md").write_text(f"Title: {page}\nSlug: {page}\n\nA page.\n")


def instrument() -> dict[str, float]:
    """Wrap topic_links's entry points so the time spent in them adds up."""
    sys.path.insert(0, str(ROOT / "plugins"))
    import topic_links
    from topic_links import registry, wikilinks

    spent: dict[str, float] = defaultdict(float)

    def timed(name, function):
        @wraps(function)
        def wrapper(*args, **kwargs):
            started = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                spent[name] += time.process_time() - started
        return wrapper

    # register() connects these names, so wrap them where it looks them up.
    topic_links.link_site = timed("all_generators_finalized: checks, wiki links, related, auto-links",
                                  topic_links.link_site)
    topic_links.check_output = timed("finalized: no placeholder left", topic_links.check_output)
    generator = registry.TopicGenerator
    generator.generate_context = timed("reading topics", generator.generate_context)
    generator.generate_output = timed("writing /topics/ pages", generator.generate_output)
    for cls, method, name in (
        (wikilinks.LineTagger, "run", "Markdown: tagging lines"),
        (wikilinks.WikiLinkProcessor, "handleMatch", "Markdown: wiki-link placeholders"),
        (wikilinks.TagRemover, "run", "Markdown: removing tags"),
    ):
        setattr(cls, method, timed(name, getattr(cls, method)))
    return spent


def build(content: Path, output: Path, with_plugin: bool) -> dict:
    """One build in this process; returns its timings."""
    sys.path.insert(0, str(ROOT))
    import logging

    from pelican import Pelican
    from pelican.settings import read_settings

    logging.disable(logging.WARNING)  # the synthetic prose is not meant to pass review
    spent = instrument() if with_plugin else {}
    settings = read_settings(str(ROOT / "pelicanconf.py"), override={
        "PATH": str(content), "OUTPUT_PATH": str(output), "THEME": str(ROOT / "theme"),
        "PLUGIN_PATHS": [str(ROOT / "plugins")],
    })
    if not with_plugin:
        settings["PLUGINS"] = [p for p in settings["PLUGINS"] if p != "topic_links"]
    started = time.process_time()
    Pelican(settings).run()
    return {"total": time.process_time() - started, "parts": dict(spent)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chapters", type=int, default=1000)
    parser.add_argument("--topics", type=int, default=40)
    parser.add_argument("--questions", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=1, help="builds per variant; the fastest counts")
    parser.add_argument("--one", choices=["with", "without"], help=argparse.SUPPRESS)
    parser.add_argument("--content", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        with tempfile.TemporaryDirectory() as out:
            print(json.dumps(build(args.content, Path(out), args.one == "with")))
        return
    with tempfile.TemporaryDirectory() as folder:
        content = Path(folder) / "content"
        write_guide(content, args.chapters, args.topics, args.questions)
        results: dict[str, dict] = {}
        for _ in range(args.repeat):
            for mode in ("with", "without"):
                run = subprocess.run(
                    [sys.executable, __file__, "--one", mode, "--content", str(content)],
                    capture_output=True, text=True, check=True, cwd=ROOT,
                )
                result = json.loads(run.stdout.strip().splitlines()[-1])
                if mode not in results or result["total"] < results[mode]["total"]:
                    results[mode] = result
    with_plugin, without = results["with"], results["without"]
    inside = sum(with_plugin["parts"].values())
    print(f"{args.chapters} chapters, {args.topics} topics, {args.questions} questions")
    print("CPU seconds (process time, so a busy machine counts less)")
    print(f"build with topic_links:    {with_plugin['total']:7.2f} s")
    print(f"build without topic_links: {without['total']:7.2f} s")
    print(f"difference:                {with_plugin['total'] - without['total']:7.2f} s")
    share = 100 * inside / with_plugin["total"]
    print(f"inside topic_links:        {inside:7.2f} s ({share:.1f}% of the build)")
    for name, seconds in sorted(with_plugin["parts"].items(), key=lambda kv: -kv[1]):
        print(f"  {seconds:7.3f} s  {name}")


if __name__ == "__main__":
    main()
