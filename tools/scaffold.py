"""Start a new chapter, FAQ entry or topic from a template.

    python tools/scaffold.py article "Title of the chapter"
    python tools/scaffold.py faq "The reader's question?"
    python tools/scaffold.py topic "Name of the topic"

The file gets every required field (slug from the title, today's date as
Reviewed, Status: draft where the type has one, placeholder summary), so the
preview builds it at once. An existing file is never overwritten.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
from pathlib import Path

from guide_core.frontmatter import read_front_matter
from pelican.utils import slugify

ROOT = Path(__file__).resolve().parent.parent

SLUG_SUBSTITUTIONS = [(r"[^\w\s-]", ""), (r"(?u)\A\s*", ""), (r"(?u)\s*\Z", ""), (r"[-\s]+", "-")]

ARTICLE = """\
Title: {title}
Slug: {slug}
Summary: One plain sentence that says what this chapter gives the reader.
Topics: {topic}
Order: {order}
Part: {part}
Reviewed: {today}
Status: draft

Open with a short paragraph that speaks to "you": what this chapter helps with.

## Key takeaways

- The first thing to remember.
- The second thing to remember.
- The third thing to remember.

## A first section

Short sentences. One idea per paragraph.

> [!TIP] A practical tip with a short title
> What to do, in one or two sentences.

## A second section

More plain words. Link to another chapter by putting its slug in double
square brackets, with link text after a bar if you like (see docs/editing.md).

> [!TRY] An exercise to try together
> 1. The first step.
> 2. The second step.
> 3. Talk about how it went.
"""

FAQ = """\
Title: {title}
Slug: {slug}
Topics: {topic}
Reviewed: {today}
Related: {chapter}
Status: draft

Answer the question in 60 to 200 words. Start with the most useful sentence.
Keep it warm and plain, and speak to "you". End by pointing to the chapter that
goes deeper.

Read more in [[{chapter}]].
"""

TOPIC = """\
Title: {title}
Slug: {slug}
Aliases: {aliases}

One or two plain sentences that say what this topic covers. The first sentence
is used as the short description on the topics page.
"""


TEMPLATES = {"article": ("articles", ARTICLE), "faq": ("faq", FAQ), "topic": ("topics", TOPIC)}


def metadata_values(folder: Path, key: str) -> list[tuple[str, str]]:
    """(file name, value) of one metadata key in every file of a folder, read by the
    build's own front-matter parser (guide_core/frontmatter.py)."""
    values = []
    for path in sorted(folder.glob("*.md")):
        value = read_front_matter(path.read_text(encoding="utf-8")).value(key)
        if value:
            values.append((path.name, value))
    return values


def fields(kind: str, title: str, content: Path) -> dict[str, str]:
    title = " ".join(title.split())
    if kind == "faq" and not title.endswith("?"):
        title += "?"
    orders = {name: int(v) for name, v in metadata_values(content / "articles", "Order") if v.isdigit()}
    parts = dict(metadata_values(content / "articles", "Part"))
    last = max(orders, key=orders.get, default=None)
    slugs = [v for _, v in metadata_values(content / "articles", "Slug")]
    topics = sorted(v for _, v in metadata_values(content / "topics", "Slug"))
    return {
        "title": title,
        "slug": slugify(title.rstrip("?"), regex_subs=SLUG_SUBSTITUTIONS),
        "today": datetime.date.today().isoformat(),
        "order": str(max(orders.values(), default=0) + 1),
        "part": parts.get(last, "Foundations"),
        "topic": "emotional-intimacy" if "emotional-intimacy" in topics else (topics[0] if topics else ""),
        "chapter": slugs[0] if slugs else "",
        "aliases": title.lower(),
    }


def scaffold(kind: str, title: str, content: Path = ROOT / "content") -> Path:
    folder, template = TEMPLATES[kind]
    if not title.strip():
        raise SystemExit(f"scaffold: give the {kind} a title, e.g. make new-{kind} "
                         f"{'QUESTION' if kind == 'faq' else 'NAME' if kind == 'topic' else 'TITLE'}=\"...\"")
    values = fields(kind, title, content)
    path = content / folder / f"{values['slug']}.md"
    if path.exists():
        raise SystemExit(f"scaffold: {os.path.relpath(path)} already exists; nothing was written")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as handle:  # "x": never overwrite, even in a race
        handle.write(template.format(**values))
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=["article", "faq", "topic"])
    parser.add_argument("title")
    parser.add_argument("--content", type=Path, default=ROOT / "content")
    args = parser.parse_args(argv)
    path = scaffold(args.kind, args.title, args.content)
    then = "remove 'Status: draft' to publish" if args.kind != "topic" else "name it in a chapter's Topics"
    print(f"created {os.path.relpath(path)}: fill in the placeholders, then {then}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
