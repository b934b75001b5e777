"""CONTACT (an email address or an https:// form) and the "Report a problem" link.

The link only prefills a message: a ``mailto:`` link opens the reader's own
mail program with the subject and body written, and a form address gets the
page's title, address and Reviewed date in its query. Nothing is sent until
the reader sends it, and the page loads nothing to make the link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, urlencode

from ada_url import URL

# The HTML standard's "valid e-mail address" (what <input type=email> accepts).
EMAIL = re.compile(
    r"^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
    r"(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)+$"
)
# RFC 6068: line breaks in a mailto body are CRLF, percent-encoded.
CRLF = "\r\n"


class ContactError(ValueError):
    pass


@dataclass(frozen=True)
class Contact:
    kind: str  # "email" or "form"
    address: str  # the email address, or the form's https:// URL

    def report_url(self, title: str, page_url: str, reviewed: str = "") -> str:
        """A link that prefills a report about one page (title, address, Reviewed date)."""
        if self.kind == "email":
            subject = f"Problem with a page: {title}"
            lines = [f"Page: {title}", f"Address: {page_url}"]
            if reviewed:
                lines.append(f"Last reviewed: {reviewed}")
            lines += ["", "What is wrong, or what could be clearer:", ""]
            return (f"mailto:{quote(self.address, safe='@!$*+=._~-')}"
                    f"?subject={quote(subject, safe='')}&body={quote(CRLF.join(lines), safe='')}")
        form = URL(self.address)
        fields = parse_qsl(form.search.lstrip("?"), keep_blank_values=True)
        fields += [("title", title), ("url", page_url)] + ([("reviewed", reviewed)] if reviewed else [])
        form.search = "?" + urlencode(fields, quote_via=quote)
        return form.href


def parse_contact(value: object) -> Contact | None:
    """The CONTACT setting as a Contact; None when it is empty; ContactError when malformed."""
    text = str(value or "").strip()
    if not text:
        return None
    address = text[len("mailto:"):] if text.lower().startswith("mailto:") else text
    if "://" not in address and "@" in address:
        if EMAIL.match(address):
            return Contact("email", address)
        raise ContactError(f'CONTACT "{text}" is not a valid email address (for example editors@example.org)')
    try:
        form = URL(text)
    except ValueError:
        form = None
    if form is None or form.protocol != "https:" or not form.hostname or "." not in form.hostname:
        raise ContactError(
            f'CONTACT "{text}" is neither an email address (editors@example.org) nor an https:// '
            "address of a contact form (https://example.org/report)"
        )
    if form.username or form.password:
        raise ContactError(f'CONTACT "{text}" must not carry a user name or password')
    return Contact("form", form.href)
