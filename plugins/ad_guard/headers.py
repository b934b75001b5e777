"""The privacy headers: one Content-Security-Policy for the pages' meta and for ``_headers``.

The policy lives in the ``CONTENT_SECURITY_POLICY`` setting; base.html puts it
in a ``<meta http-equiv>`` on every page, and the plugin writes the same
policy, plus what only a real header can carry (frame-ancestors), into
``_headers`` for hosts that read one (Netlify, Cloudflare Pages).
"""

from __future__ import annotations

from pathlib import Path

SETTING = "CONTENT_SECURITY_POLICY"
REFERRER_POLICY = "no-referrer"
# Ignored by browsers in a <meta> policy (and reported as an error in the
# console), so these go only into the header.
HEADER_ONLY = {"frame-ancestors": "'none'"}
# livereload (make serve) injects one fixed inline script that loads
# /livereload.js from the same server. Its hash lets exactly that script run
# in the preview and nothing else; tests/test_ad_guard.py checks it against
# the snippet the pinned livereload really serves.
LIVERELOAD_SNIPPET = "'sha256-MclZcNa5vMtp/wzxRW6+KS3i8mRUf6thpmjT3pkIT5I='"
OTHER_HEADERS = {
    "Referrer-Policy": REFERRER_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": ", ".join(
        f"{feature}=()" for feature in (
            # Ad targeting and measurement APIs.
            "interest-cohort", "browsing-topics", "join-ad-interest-group", "run-ad-auction",
            "attribution-reporting", "private-aggregation",
            # Sensors and devices the guide never uses.
            "camera", "microphone", "geolocation", "payment", "usb", "serial", "bluetooth",
            "hid", "midi", "magnetometer", "gyroscope", "accelerometer", "display-capture",
        )
    ),
}


def directives(policy: str) -> dict[str, str]:
    """``"a x; b y"`` -> ``{"a": "x", "b": "y"}``, in order."""
    found: dict[str, str] = {}
    for part in policy.split(";"):
        name, _, sources = part.strip().partition(" ")
        if name:
            found[name.lower()] = sources.strip()
    return found


def policy_text(parts: dict[str, str]) -> str:
    return "; ".join(f"{name} {sources}".strip() for name, sources in parts.items())


def preview_policy(policy: str) -> str:
    """The policy plus the one inline script livereload needs to reload the preview."""
    parts = directives(policy)
    script = parts.get("script-src", parts.get("default-src", "'self'"))
    if LIVERELOAD_SNIPPET not in script.split():
        parts["script-src"] = f"{script} {LIVERELOAD_SNIPPET}"
    return policy_text(parts)


def problems_with(policy: object) -> list[str]:
    if not isinstance(policy, str) or not policy.strip():
        return [f"{SETTING} is not set: add the site's Content-Security-Policy to pelicanconf.py"]
    if "\n" in policy or "\r" in policy:
        return [f"{SETTING} must be one line"]
    if "default-src" not in directives(policy):
        return [f"{SETTING} needs a default-src directive"]
    return []


def headers_file(policy: str) -> str:
    """The ``_headers`` file (Netlify / Cloudflare Pages format) for every path."""
    parts = {**directives(policy), **HEADER_ONLY}
    lines = [
        "# Written by the ad_guard plugin from CONTENT_SECURITY_POLICY (pelicanconf.py).",
        "# Hosts that read this file (Netlify, Cloudflare Pages) send these headers with every file.",
        "/*",
        f"  Content-Security-Policy: {policy_text(parts)}",
        *(f"  {name}: {value}" for name, value in OTHER_HEADERS.items()),
    ]
    return "\n".join(lines) + "\n"


def write_headers(output_path: str, policy: str) -> Path:
    target = Path(output_path) / "_headers"
    target.write_text(headers_file(policy), encoding="utf-8")
    return target
