"""Live preview: build, serve on 127.0.0.1, rebuild and reload the browser on save.

    python tools/serve.py [--content content] [--output output] [--port 8000]

Each rebuild runs tools/build.py in a fresh process (so edited plugins and
settings are picked up). A failed rebuild prints its `path:line: error: ...`
lines here and leaves the last good site being served.
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import time
from pathlib import Path

from livereload import Server

ROOT = Path(__file__).resolve().parent.parent
WATCHED = ("theme", "plugins", "pelicanconf.py")


def port_is_free(host: str, port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def builder(content: Path, output: Path):
    runs = 0

    def build() -> None:
        nonlocal runs
        runs += 1
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, str(ROOT / "tools" / "build.py"), "--content", str(content),
             "--output", str(output), "--drafts"],
            cwd=ROOT,
        )
        elapsed = time.perf_counter() - started
        if result.returncode == 0:
            # build.py has said "built ... in N s"; a first build is not a rebuild.
            if runs > 1:
                print(f"rebuilt in {elapsed:.2f} s", flush=True)
        elif runs == 1:
            print("the first build failed: fix the problems above; the preview rebuilds when you save",
                  flush=True)
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
    # Checked before the first build, so a busy port is said at once and not as
    # livereload's OSError traceback after the build.
    if not port_is_free(args.host, args.port):
        print(f"serve: port {args.port} on {args.host} is already in use (another `make serve`?).\n"
              f"Stop that one, or pick another port: make serve PORT={args.port + 1}", file=sys.stderr)
        return 1
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
