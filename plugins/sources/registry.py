"""The source registry: content/data/sources.toml, one table per source.

    [aron-2000]
    authors = "Arthur Aron, Christina C. Norman, ..."
    title = "Couples' shared participation in novel and arousing activities ..."
    year = 2000
    journal = "Journal of Personality and Social Psychology"   # or publisher = "..."
    doi = "10.1037/0022-3514.78.2.273"                           # or isbn = "..." or url = "https://..."
    verified = "2026-12-01: checked against the APA PsycNet record"

Pure functions: the file is parsed once with tomllib, every entry is checked,
and each problem carries the line of the table header or of the key, so the
build and `make lint` report ``content/data/sources.toml:LINE: error: ...``.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from urllib.parse import quote

from ada_url import URL
from guide_core.problems import did_you_mean

KEY = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Crossref's recommended pattern for modern DOIs.
DOI = re.compile(r"^10\.\d{4,9}/[-._;()/:A-Za-z0-9<>\[\]]+$")
VERIFIED = re.compile(r"^\d{4}-\d{2}-\d{2}: \S")
HEADER = re.compile(r"""^\s*\[\s*(?:"(?P<quoted>[^"]+)"|(?P<bare>[A-Za-z0-9_-]+))\s*\]\s*(?:#.*)?$""")
ASSIGNMENT = re.compile(r"^\s*(?P<key>[A-Za-z0-9_-]+)\s*=")
TOML_LINE = re.compile(r"at line (\d+)")

REQUIRED = ("authors", "title", "year", "verified")
CONTAINERS = ("journal", "publisher")
LOCATORS = ("doi", "isbn", "url")
OPTIONAL = ("edition", "volume", "issue", "pages")
FIELDS = (*REQUIRED, *CONTAINERS, *LOCATORS, *OPTIONAL)
ISBN_URL = "https://openlibrary.org/isbn/{isbn}"


@dataclass(frozen=True)
class Source:
    """One verified source, as the registry holds it and the templates show it."""

    key: str
    authors: str
    title: str
    year: int
    verified: str
    journal: str = ""
    publisher: str = ""
    doi: str = ""
    isbn: str = ""
    url: str = ""
    edition: str = ""
    volume: str = ""
    issue: str = ""
    pages: str = ""
    line: int = 1
    isbn_url_format: str = field(default=ISBN_URL, repr=False, compare=False)

    @property
    def doi_url(self) -> str:
        # The DOI handbook's URL form; characters a URL cannot carry as they are are escaped.
        return "https://doi.org/" + quote(self.doi, safe="/:;()._-") if self.doi else ""

    @property
    def isbn_digits(self) -> str:
        return isbn_digits(self.isbn)

    @property
    def isbn_url(self) -> str:
        return self.isbn_url_format.format(isbn=self.isbn_digits) if self.isbn else ""

    @property
    def is_book(self) -> bool:
        return bool(self.isbn or (self.publisher and not self.journal))

    def json_ld(self) -> dict:
        """schema.org for the chapter's ``citation`` list."""
        data: dict = {
            "@type": "Book" if self.is_book else "ScholarlyArticle" if self.journal else "CreativeWork",
            "name": self.title,
            "author": self.authors,
            "datePublished": str(self.year),
        }
        if self.journal:
            data["isPartOf"] = {"@type": "Periodical", "name": self.journal}
        if self.publisher:
            data["publisher"] = {"@type": "Organization", "name": self.publisher}
        if self.isbn:
            data["isbn"] = self.isbn_digits
        if self.edition:
            data["bookEdition"] = self.edition
        same_as = [url for url in (self.doi_url, self.url) if url]
        if same_as:
            data["url"] = same_as[0]
        if self.doi:
            data["identifier"] = {"@type": "PropertyValue", "propertyID": "DOI", "value": self.doi}
        return data


@dataclass(frozen=True, order=True)
class RegistryProblem:
    line: int
    message: str


def isbn_digits(isbn: str) -> str:
    return re.sub(r"[\s-]", "", isbn).upper()


def isbn_problem(isbn: str) -> str | None:
    """Why an ISBN-10 or ISBN-13 is not well formed, or None."""
    digits = isbn_digits(isbn)
    if re.fullmatch(r"\d{9}[\dX]", digits):
        total = sum((10 - i) * int(d) for i, d in enumerate(digits[:9]))
        expected = (11 - total % 11) % 11
        check = "X" if expected == 10 else str(expected)
    elif re.fullmatch(r"97[89]\d{10}", digits):
        total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits[:12]))
        check = str((10 - total % 10) % 10)
    else:
        return f'isbn "{isbn}" is not an ISBN-10 or ISBN-13 (10 or 13 digits, hyphens allowed)'
    if digits[-1] != check:
        return f'isbn "{isbn}" has a wrong check digit: it should end in {check}'
    return None


def url_problem(url: str) -> str | None:
    """Why a source's URL is not a full https:// (or http://) address, or None."""
    try:
        parsed = URL(url)
    except ValueError:
        return f'url "{url}" is not a valid URL'
    if parsed.protocol not in ("https:", "http:") or not parsed.hostname or "." not in parsed.hostname:
        return f'url "{url}" must be a full web address starting with https://'
    return None


def line_numbers(text: str) -> tuple[dict[str, int], dict[tuple[str, str], int]]:
    """Line of each table header, and of each ``key =`` inside a table."""
    headers: dict[str, int] = {}
    keys: dict[tuple[str, str], int] = {}
    table = ""
    for number, line in enumerate(text.splitlines(), 1):
        header = HEADER.match(line)
        if header:
            table = header["quoted"] or header["bare"]
            headers.setdefault(table, number)
            continue
        assignment = ASSIGNMENT.match(line)
        if assignment and table:
            keys.setdefault((table, assignment["key"]), number)
    return headers, keys


def parse_registry(text: str, isbn_url: str = ISBN_URL) -> tuple[dict[str, Source], list[RegistryProblem]]:
    """Every valid source by key, and every problem with its line."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        found = TOML_LINE.search(str(error))
        return {}, [RegistryProblem(int(found[1]) if found else 1, f"this is not valid TOML: {error}")]
    headers, keys = line_numbers(text)
    sources: dict[str, Source] = {}
    problems: list[RegistryProblem] = []
    for key, entry in data.items():
        header = headers.get(key, 1)

        def add(message: str, field_name: str | None = None, *, key=key, header=header) -> None:
            problems.append(RegistryProblem(keys.get((key, field_name), header) if field_name else header,
                                            f'source "{key}": {message}'))

        if not isinstance(entry, dict):
            problems.append(RegistryProblem(header, f'"{key}" must be a table: [{key}] and its fields'))
            continue
        before = len(problems)
        if not KEY.match(key):
            add("the key must be lower-case letters, digits and hyphens, such as aron-2000")
        for name in entry:
            if name not in FIELDS:
                add(f'unknown field "{name}"{did_you_mean(name, FIELDS)}', name)
        for name in REQUIRED:
            if name not in entry:
                add(f'missing required field "{name}"')
        for name in (*REQUIRED, *CONTAINERS, *LOCATORS, *OPTIONAL):
            value = entry.get(name)
            if name == "year" or value is None:
                continue
            if not isinstance(value, str) or not value.strip():
                add(f'"{name}" must be text in quotes, not {value!r}', name)
        year = entry.get("year")
        if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
            add(f'"year" must be a whole number such as 2015, not {year!r}', "year")
        elif isinstance(year, int) and not 1000 <= year <= 9999:
            add(f'"year" {year} is not a four-digit year', "year")
        if not any(entry.get(name) for name in CONTAINERS):
            add('give the "journal" (an article) or the "publisher" (a book, a report, a web page)')
        if not any(entry.get(name) for name in LOCATORS):
            add('give at least one of "doi", "isbn" or "url", so a reader can find it')
        doi = entry.get("doi")
        if isinstance(doi, str) and doi.strip():
            if doi.lower().startswith(("http:", "https:", "doi:")):
                add(f'doi "{doi}": write the DOI alone, from 10. on (no https://doi.org/)', "doi")
            elif not DOI.match(doi):
                add(f'doi "{doi}" is not a DOI (10.<registrant>/<suffix>)', "doi")
        isbn = entry.get("isbn")
        if isinstance(isbn, str) and isbn.strip():
            message = isbn_problem(isbn)
            if message:
                add(message, "isbn")
        url = entry.get("url")
        if isinstance(url, str) and url.strip():
            message = url_problem(url)
            if message:
                add(message, "url")
        verified = entry.get("verified")
        if isinstance(verified, str) and verified.strip() and not VERIFIED.match(verified):
            add('"verified" must start with the date of the check and say how: '
                '"2026-12-01: checked against the publisher\'s page"', "verified")
        if len(problems) > before:
            continue
        sources[key] = Source(
            key=key, line=header, isbn_url_format=isbn_url,
            **{name: (entry[name].strip() if isinstance(entry[name], str) else entry[name])
               for name in FIELDS if name in entry},
        )
    return sources, sorted(problems)


def cited_keys(value: object) -> list[str]:
    """``"a, b"`` or ``["a", "b"]`` -> ``["a", "b"]``."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        value = ",".join(str(v) for v in value)
    return [item.strip() for item in str(value).split(",") if item.strip()]
