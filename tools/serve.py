"""Live preview: build, serve on 127.0.0.1, rebuild and reload the browser on save.

    python tools/serve.py [--content content] [--output output] [--port 8000]

Each rebuild runs tools/build.py in a fresh process (so edited plugins and
settings are picked up). A failed rebuild prints its `path:line: error: ...`
lines here and leaves the last good site being served.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

from livereload import Server

ROOT = Path(__file__).resolve().parent.parent
WATCHED = ("theme", "plugins", "pelicanconf.py")


def builder(content: Path, output: Path):
    def build() -> None:
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, str(ROOT / "tools" / "build.py"), "--content", str(content),
             "--output", str(output), "--drafts"],
            cwd=ROOT,
        )
        elapsed = time.perf_counter() - started
        if result.returncode == 0:
            print(f"rebuilt in {elapsed:.2f} s", flush=True)
        else:
            print("the last good build is still being served; fix the problems above", flush=True)

    return build


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", default="content", type=Path)
    parser.add_argument("--output", default="output", type=Path)
    parser.add_argument("--port", default=8000, type=int)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args(argv)
    build = builder(args.content, args.output)
    build()
    args.output.mkdir(exist_ok=True)
    server = Server()
    server.watch(str(args.content), build, delay=0.2)
    for path in WATCHED:
        server.watch(str(ROOT / path), build, delay=0.2)
    print(f"serving http://{args.host}:{args.port}/ (Ctrl+C to stop)", flush=True)
    server.serve(root=str(args.output), host=args.host, port=args.port,
                 open_url_delay=None, default_filename="index.html")
    return 0


if __name__ == "__main__":
    sys.exit(main())
