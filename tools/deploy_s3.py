"""Upload a production build to an S3 bucket with the AWS CLI, with the right headers.

    python tools/deploy_s3.py --bucket NAME[/PATH] [--output output] [--aws aws] [--dry-run]

S3 serves each object with the Content-Type, Content-Encoding and
Cache-Control it was uploaded with, and never picks a compressed variant by
itself. So the upload is one ``aws s3 sync`` per kind of file:

- plain files: the CLI guesses the type (the manifest's is given);
  ``assets/`` (fingerprinted) is cached for a year, the rest revalidates;
- every ``X.br`` / ``X.gz``: Content-Encoding br / gzip and the type of X, so
  a CDN rule that serves ``X.br`` for ``X`` (README, "Behind a CDN") sends
  the right headers;
- a last ``sync --delete`` removes what the new build no longer has.
"""

from __future__ import annotations

import argparse
import shlex
import subprocess
import sys
from pathlib import Path

FOREVER = "public, max-age=31536000, immutable"
REVALIDATE = "public, max-age=0, must-revalidate"
FINGERPRINTED = "assets/*"
ENCODINGS = {".br": "br", ".gz": "gzip"}
TYPES = {
    ".atom": "application/atom+xml",
    ".css": "text/css; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".txt": "text/plain; charset=utf-8",
    ".webmanifest": "application/manifest+json",
    ".xml": "application/xml",
}


def encoded_types(output: Path) -> list[tuple[str, str, bool]]:
    """(type suffix, encoding suffix, under assets/) for each compressed variant in the build."""
    found = set()
    for path in output.rglob("*"):
        if path.is_file() and path.suffix in ENCODINGS:
            original = Path(path.stem)
            under_assets = path.relative_to(output).parts[0] == "assets"
            found.add((original.suffix, path.suffix, under_assets))
    return sorted(found)


def commands(output: Path, bucket: str, aws: str) -> list[list[str]]:
    target = f"s3://{bucket.strip('/')}/"
    sync = [aws, "s3", "sync", f"{output}/", target, "--no-progress"]
    plain = ["--exclude", "*.br", "--exclude", "*.gz"]
    runs = [
        [*sync, *plain, "--exclude", FINGERPRINTED, "--exclude", "*.webmanifest",
         "--cache-control", REVALIDATE],
        [*sync, "--exclude", "*", "--include", FINGERPRINTED, *plain, "--cache-control", FOREVER],
        [*sync, "--exclude", "*", "--include", "*.webmanifest",
         "--content-type", TYPES[".webmanifest"], "--cache-control", REVALIDATE],
    ]
    for suffix, encoded, under_assets in encoded_types(output):
        if suffix not in TYPES:
            continue
        pattern = f"*{suffix}{encoded}"
        if under_assets:
            where = ["--include", f"assets/{pattern}"]
        else:
            where = ["--include", pattern, "--exclude", FINGERPRINTED]
        runs.append([
            *sync, "--exclude", "*", *where,
            "--content-type", TYPES[suffix], "--content-encoding", ENCODINGS[encoded],
            "--cache-control", FOREVER if under_assets else REVALIDATE,
        ])
    # Everything is uploaded by now (and newer on S3 than here), so this only deletes.
    runs.append([*sync, "--delete"])
    return runs


def aws_cli_works(aws: str) -> bool:
    try:
        return subprocess.run([aws, "--version"], capture_output=True).returncode == 0
    except OSError:
        return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bucket", default="")
    parser.add_argument("--output", default="output", type=Path)
    parser.add_argument("--aws", default="aws", help="the AWS CLI command")
    parser.add_argument("--dry-run", action="store_true", help="print the commands, run nothing")
    args = parser.parse_args(argv)
    if not args.bucket:
        print("deploy-s3: set the bucket, for example: make deploy-s3 BUCKET=my-bucket", file=sys.stderr)
        return 2
    if not (args.output / "sitemap.xml").is_file():
        print(f"deploy-s3: {args.output}/ is not a production build: "
              "run make publish SITEURL=https://... first", file=sys.stderr)
        return 2
    runs = commands(args.output, args.bucket, args.aws)
    if args.dry_run:
        print("\n".join(shlex.join(run) for run in runs))
        return 0
    if not aws_cli_works(args.aws):
        print(
            f"deploy-s3: the AWS CLI ({args.aws}) is not installed or does not run.\n"
            "Install it (https://aws.amazon.com/cli/, or `pip install awscli`), configure credentials "
            "(aws configure), then run make deploy-s3 BUCKET=... again. Nothing was uploaded.",
            file=sys.stderr,
        )
        return 3
    for run in runs:
        print("+", shlex.join(run), flush=True)
        result = subprocess.run(run)
        if result.returncode:
            print(f"deploy-s3: failed (exit {result.returncode}); the bucket may be half updated: "
                  "run it again", file=sys.stderr)
            return result.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
