"""Runs of words the guide shares with the seed pages, checked from fingerprints.

    python tools/originality.py check content/               # what `make test` runs
    python tools/originality.py fingerprint [--seeds DIR]    # after the seed pages change

The seed pages (``../shared/seeds/*.txt``, beside the project) are where the
guide's subjects come from; they are never part of the project. What the project
keeps is ``tests/data/seed-fingerprints.txt``: one short hash per 8-word run of
the seeds, so the originality check works on any clone and the seeds' text
cannot be read back from it.

Words are normalised exactly as ``../shared/tools/originality.py`` does (lower
case, curly apostrophes folded to straight ones, runs of ``[a-z0-9]`` with an
optional ``'s``-style tail, the metadata block blanked), so both tools find the
same runs: ``check`` prints ``path:line: N words shared with the seed pages``
and exits 1 when there is any.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FINGERPRINTS = ROOT / "tests" / "data" / "seed-fingerprints.txt"
SEEDS = ROOT.parent / "shared" / "seeds"
RUN = 8
WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
METADATA = re.compile(r"^[A-Za-z_-]+:\s")
HEADER = "# blake2b-64 of every {n}-word run of the seed pages; made by tools/originality.py fingerprint\n"


def words(text: str) -> Iterator[tuple[str, int]]:
    """Every word of ``text`` with its line number, normalised like the shared tool."""
    for number, line in enumerate(text.splitlines(), 1):
        for word in WORD.findall(line.lower().replace("’", "'")):
            yield word, number


def without_metadata(text: str) -> str:
    """Blank the leading ``Key: value`` block (or ``---`` YAML block), keeping line numbers."""
    lines = text.splitlines()
    if lines and lines[0].strip() == "---":
        end = next((i for i, line in enumerate(lines[1:], 1) if line.strip() == "---"), 0)
        return "\n" * (end + 1) + "\n".join(lines[end + 1:])
    kept: list[str] = []
    in_metadata = True
    for line in lines:
        if in_metadata and METADATA.match(line):
            kept.append("")
            continue
        in_metadata = False
        kept.append(line)
    return "\n".join(kept)


def fingerprint(run: Iterable[str]) -> str:
    # 64 bits: with a few thousand runs per side a false match is about 1 in 10^12.
    return hashlib.blake2b(" ".join(run).encode("utf-8"), digest_size=8).hexdigest()


def run_fingerprints(tokens: list[str], n: int = RUN) -> list[str]:
    return [fingerprint(tokens[i:i + n]) for i in range(len(tokens) - n + 1)]


def seed_fingerprints(seeds: Path, n: int = RUN) -> set[str]:
    found: set[str] = set()
    for seed in sorted(seeds.glob("*.txt")):
        found.update(run_fingerprints([w for w, _ in words(seed.read_text(encoding="utf-8"))], n))
    return found


def write_fingerprints(prints: set[str], target: Path, n: int = RUN) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(HEADER.format(n=n) + "".join(f"{p}\n" for p in sorted(prints)), encoding="utf-8")


def read_fingerprints(source: Path) -> set[str]:
    lines = source.read_text(encoding="utf-8").splitlines()
    return {line for line in lines if line and not line.startswith("#")}


def shared_runs(text: str, prints: set[str], n: int = RUN) -> list[tuple[int, int]]:
    """(line, length in words) of each maximal run of ``n``+ words whose windows are all in ``prints``."""
    pairs = list(words(without_metadata(text)))
    tokens = [w for w, _ in pairs]
    hashes = run_fingerprints(tokens, n)
    runs: list[tuple[int, int]] = []
    i = 0
    while i < len(hashes):
        if hashes[i] not in prints:
            i += 1
            continue
        j = i + 1
        while j < len(hashes) and hashes[j] in prints:
            j += 1
        runs.append((pairs[i][1], j - i + n - 1))
        i = j + n - 1  # the next run starts after this one's last word, as in the shared tool
    return runs


def check(paths: list[Path], prints: set[str]) -> list[str]:
    files: list[Path] = []
    for path in paths:
        files.extend(sorted(path.rglob("*.md")) if path.is_dir() else [path])
    return [
        f"{file}:{line}: {length} words shared with the seed pages"
        for file in files
        for line, length in shared_runs(file.read_text(encoding="utf-8"), prints)
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("fingerprint", help="regenerate the fingerprints from the seed pages")
    make.add_argument("--seeds", type=Path, default=SEEDS)
    make.add_argument("--out", type=Path, default=FINGERPRINTS)
    test = commands.add_parser("check", help="report runs shared with the seed pages")
    test.add_argument("paths", nargs="+", type=Path)
    test.add_argument("--fingerprints", type=Path, default=FINGERPRINTS)
    args = parser.parse_args(argv)

    if args.command == "fingerprint":
        if not any(args.seeds.glob("*.txt")):
            print(f"{args.seeds}: no seed pages (*.txt) here; the fingerprints were left as they are",
                  file=sys.stderr)
            return 2
        prints = seed_fingerprints(args.seeds)
        write_fingerprints(prints, args.out)
        print(f"wrote {len(prints)} fingerprints of {RUN}-word runs to {args.out}")
        return 0

    problems = check(args.paths, read_fingerprints(args.fingerprints))
    for problem in problems:
        print(problem)
    print(f"{len(problems)} run(s) of {RUN}+ words shared with the seed pages")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
