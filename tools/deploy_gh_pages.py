"""Commit a production build to the gh-pages branch and push it: `make deploy-gh-pages`.

    python tools/deploy_gh_pages.py --output output [--content content] [--cname HOST]

The custom domain is ``--cname`` (make's CNAME) or else the one line of
``<content>/extra/CNAME``; either way it must be a host name
(tools/publish_values.py), and it reaches ghp-import as one argument, never
through a shell.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from publish_values import cname_problem

ROOT = Path(__file__).resolve().parent.parent


def custom_domain(cname: str | None, content: Path) -> str:
    if cname:
        return cname.strip()
    path = content / "extra" / "CNAME"
    return path.read_text(encoding="utf-8", errors="replace").strip() if path.is_file() else ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=Path("output"))
    parser.add_argument("--content", type=Path, default=Path("content"))
    parser.add_argument("--cname", default="")
    args = parser.parse_args(argv)
    domain = custom_domain(args.cname, args.content)
    problem = cname_problem(domain) if domain else None
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    command = [str(Path(sys.executable).with_name("ghp-import")), "--no-jekyll", "--push", "--force",
               "--message", "Publish the guide"]
    if domain:
        command += ["--cname", domain]
    return subprocess.call([*command, "--", str(args.output)])


if __name__ == "__main__":
    sys.exit(main())
