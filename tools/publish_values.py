"""The values `make publish` and the deploy targets take, checked before anything runs.

    python tools/publish_values.py siteurl URL
    python tools/publish_values.py cname HOST

Make passes values as data: every variable is exported into the recipe's
environment and reaches commands as one quoted argument ("$$VAR"), never
pasted into a shell line. These checks are the second half: a SITEURL must be
an absolute http(s) URL and a CNAME a host name, or the target stops with a
message saying what is wrong.
"""

from __future__ import annotations

import re
import sys

from ada_url import URL

HOSTNAME = re.compile(r"^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(?:\.(?!-)[a-z0-9-]{1,63}(?<!-))+$")
FORBIDDEN = set("\"'`<>\\ \t\r\n$;|&(){}[]^")


def siteurl_problem(value: str) -> str | None:
    """Why ``value`` is not a usable SITEURL, or None."""
    if not value:
        return "SITEURL is not set. Run, for example:\n    make publish SITEURL=https://guide.example.org"
    bad = sorted({char for char in value if char in FORBIDDEN or ord(char) < 0x20 or ord(char) == 0x7f})
    if bad:
        shown = " ".join(repr(char) for char in bad)
        return f"SITEURL may not contain quotes, spaces or shell characters ({shown}): {value!r}"
    try:
        url = URL(value)
    except ValueError:
        return f"SITEURL must be an absolute http(s) URL, like https://guide.example.org: {value!r}"
    if url.protocol not in ("https:", "http:") or not url.hostname:
        return f"SITEURL must be an absolute http(s) URL, like https://guide.example.org: {value!r}"
    if url.username or url.password or url.search or url.hash:
        return f"SITEURL may not hold a user name, password, query or fragment: {value!r}"
    return None


def cname_problem(value: str) -> str | None:
    """Why ``value`` is not a host name for GitHub Pages' CNAME file, or None."""
    if not HOSTNAME.match(value):
        return f"CNAME must be one host name, like guide.example.org (lower-case letters, digits, " \
               f"hyphens and dots): {value!r}"
    return None


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2 or args[0] not in ("siteurl", "cname"):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    kind, value = args
    problem = siteurl_problem(value) if kind == "siteurl" else cname_problem(value)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
