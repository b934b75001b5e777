"""Production settings: everything in pelicanconf.py, plus what a live site needs.

SITEURL comes from the environment (make publish SITEURL=https://example.org).
"""

import os
import sys

sys.path.append(os.path.dirname(os.path.abspath(__file__)))

from pelicanconf import *  # noqa: E402,F403

SITEURL = os.environ.get("SITEURL", "").strip().rstrip("/")
if not SITEURL.startswith(("https://", "http://")):
    raise SystemExit(
        "publishconf.py: SITEURL is not set. Run, for example:\n"
        "    make publish SITEURL=https://guide.example.org"
    )
RELATIVE_URLS = False
