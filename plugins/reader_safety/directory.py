"""The help directory (content/data/helplines.toml): read it, check it, hand it to templates.

One table per help line, keyed by a short slug, plus ``[regions]`` (the
places lines are for, with the names readers see), ``[needs.<need>]`` (the
groups of /getting-help/, most urgent first, each with the words that route
a search to it) and ``[[pending]]`` (lines not yet checked, shown with no
number). The format is described at the top of the file itself and in
docs/editing.md.

Every problem is a ``Problem`` with the file's line, so the build and
``make lint`` report ``path:line: error: message``. A "checked" date older
than the review policy is a problem of its own kind (``stale``), because
it is an error in production builds and lint but only a notice in a
local preview (an editor fixing a typo should still see the site).
"""

from __future__ import annotations

import datetime
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from guide_core.problems import did_you_mean

DIRECTORY_FILE = Path("data") / "helplines.toml"
# The groups of /getting-help/, in the order a reader in trouble needs them.
NEEDS = ("danger", "suicide", "afraid", "sexual-violence", "own-behaviour")
REQUIRED = ("name", "for", "needs", "regions", "phone", "tty", "hours", "url", "checked", "checked_against")
OPTIONAL = ("text", "text_message", "chat", "compact", "note")
NEED_KEYS = ("title", "intro", "match")
PENDING_KEYS = ("name", "needs", "regions", "url", "reason")
DEFAULT_MAX_AGE_DAYS = 183
HEADER = re.compile(r"^\s*\[(?P<array>\[)?\s*(?P<name>[A-Za-z0-9_.-]+)\s*\]")
KEY = re.compile(r"^\s*(?P<key>[A-Za-z0-9_-]+)\s*=")
DIGITS = re.compile(r"\d")


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    level: str  # "error", or "stale" (an error only where dates are enforced)
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Need:
    slug: str
    title: str
    intro: str
    match: tuple[str, ...]


@dataclass(frozen=True)
class HelpLine:
    slug: str
    name: str
    audience: str
    needs: tuple[str, ...]
    regions: tuple[str, ...]
    phone: str
    tty: str
    hours: str
    url: str
    checked: datetime.date
    checked_against: str
    text: str = ""
    text_message: str = ""
    chat: str = ""
    compact: bool = False
    note: str = ""

    @property
    def label(self) -> str:
        """The name without a leading copy of the number ("988 Suicide ..." -> "Suicide ...")."""
        first, _, rest = self.name.partition(" ")
        if rest and dial(first.rstrip(",:")) == dial(self.phone):
            return rest
        return self.name

    @property
    def tel(self) -> str:
        return "tel:" + dial(self.phone)

    @property
    def tty_tel(self) -> str:
        return "tel:" + dial(self.tty) if self.has_tty else ""

    @property
    def has_tty(self) -> bool:
        return self.tty.strip().lower() != "none"

    @property
    def sms(self) -> str:
        if not self.text:
            return ""
        body = f"?body={self.text_message}" if self.text_message else ""
        return "sms:" + dial(self.text) + body

    @property
    def text_only(self) -> bool:
        """A line you can text but not call (Shout): its number is an sms: link only."""
        return bool(self.text) and dial(self.text) == dial(self.phone) and "text only" in self.hours.lower()


@dataclass(frozen=True)
class Pending:
    name: str
    needs: tuple[str, ...]
    regions: tuple[str, ...]
    url: str
    reason: str


@dataclass
class Directory:
    regions: dict[str, str] = field(default_factory=dict)
    needs: dict[str, Need] = field(default_factory=dict)
    lines: list[HelpLine] = field(default_factory=list)
    pending: list[Pending] = field(default_factory=list)

    def lines_for(self, need: str) -> list[HelpLine]:
        return [line for line in self.lines if need in line.needs]

    def pending_for(self, need: str) -> list[Pending]:
        return [item for item in self.pending if need in item.needs]

    @property
    def compact_lines(self) -> list[HelpLine]:
        return [line for line in self.lines if line.compact]

    def compact_for(self, need: str) -> list[HelpLine]:
        return [line for line in self.compact_lines if need in line.needs]

    @staticmethod
    def host(url: str) -> str:
        """The site's name as readers know it: www.samaritans.org -> samaritans.org."""
        host = urlsplit(url).netloc
        return host[4:] if host.startswith("www.") else host

    def region_names(self, regions) -> str:
        names = [self.regions.get(region, region) for region in regions]
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]

    def missing_regions(self, need: str) -> list[str]:
        """Places with no checked line for ``need``, a country once if none of its nations has one."""
        covered = {region for line in self.lines_for(need) for region in line.regions}
        missing = []
        for region in self.regions:
            if "-" in region:
                continue  # a nation: judged with its country below
            nations = [r for r in self.regions if r.startswith(region + "-")]
            if region in covered:
                continue
            uncovered = [nation for nation in nations if nation not in covered]
            if not nations or len(uncovered) == len(nations):
                missing.append(region)
            else:
                missing.extend(uncovered)
        return missing

    def dialled(self) -> set[str]:
        """Every number the directory publishes, digits only (tests compare pages with it)."""
        numbers = set()
        for line in self.lines:
            numbers.add(dial(line.phone))
            if line.text:
                numbers.add(dial(line.text))
            if line.has_tty:
                numbers.add(dial(line.tty))
        return numbers


def dial(number: str) -> str:
    """What a phone dials: the digits, with a leading + kept."""
    digits = "".join(ch for ch in number if ch.isdigit())
    return ("+" + digits) if number.strip().startswith("+") else digits


def line_numbers(text: str) -> dict[tuple[str, str], int]:
    """(table, key) -> line; (table, "") is the table's header; pending entries are pending#N."""
    found: dict[tuple[str, str], int] = {}
    table = ""
    pending = 0
    for number, line in enumerate(text.splitlines(), 1):
        header = HEADER.match(line)
        if header:
            table = header["name"]
            if header["array"]:
                table = f"{table}#{pending}"
                pending += 1
            found.setdefault((table, ""), number)
            continue
        key = KEY.match(line)
        if key:
            found.setdefault((table, key["key"]), number)
    return found


def is_web_address(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme == "https" and bool(parts.netloc) and " " not in value


def load(path: Path, shown: str, today: datetime.date, max_age_days: int = DEFAULT_MAX_AGE_DAYS
         ) -> tuple[Directory, list[Problem]]:
    """The directory in ``path`` and every problem with it (``shown`` names the file in messages)."""
    text = path.read_text(encoding="utf-8")
    problems: list[Problem] = []
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        at = re.search(r"line (\d+)", str(error))
        line = int(at[1]) if at else 1
        return Directory(), [Problem(shown, line, "error", f"this is not valid TOML: {error}")]
    lines = line_numbers(text)

    def add(table: str, key: str, message: str, level: str = "error") -> None:
        number = lines.get((table, key)) or lines.get((table, ""), 1)
        problems.append(Problem(shown, number, level, message))

    directory = Directory()
    regions = data.pop("regions", None)
    if not isinstance(regions, dict) or not regions:
        add("regions", "", "the directory needs a [regions] table: region key = \"Name readers see\"")
        regions = {}
    directory.regions = {str(k): str(v) for k, v in regions.items()}

    needs = data.pop("needs", None)
    if not isinstance(needs, dict):
        add("needs", "", f"the directory needs a [needs.<need>] table for each of {', '.join(NEEDS)}")
        needs = {}
    for slug in NEEDS:
        spec = needs.get(slug)
        table = f"needs.{slug}"
        if not isinstance(spec, dict):
            problems.append(Problem(shown, 1, "error", f"missing [needs.{slug}] (title, intro, match)"))
            continue
        for key in NEED_KEYS:
            if not spec.get(key):
                add(table, key, f'missing "{key}" in [needs.{slug}]')
        directory.needs[slug] = Need(slug, str(spec.get("title", "")), str(spec.get("intro", "")),
                                     tuple(str(word).lower() for word in spec.get("match", [])))
    for slug in needs:
        if slug not in NEEDS:
            add(f"needs.{slug}", "",
                f'unknown need "{slug}"{did_you_mean(slug, NEEDS)}; the needs are {", ".join(NEEDS)}')

    for index, item in enumerate(data.pop("pending", []) or []):
        table = f"pending#{index}"
        for key in PENDING_KEYS:
            if not item.get(key):
                add(table, key, f'missing "{key}" in a [[pending]] line')
        for key in item:
            if key not in PENDING_KEYS:
                add(table, key,
                    f'unknown field "{key}" in a [[pending]] line{did_you_mean(key, PENDING_KEYS)}')
        check_names(item, table, directory, add)
        if item.get("url") and not is_web_address(str(item["url"])):
            add(table, "url", f'url "{item["url"]}" must be the organisation\'s https:// address')
        directory.pending.append(Pending(str(item.get("name", "")), tuple(item.get("needs", [])),
                                         tuple(item.get("regions", [])), str(item.get("url", "")),
                                         str(item.get("reason", ""))))

    for slug, entry in data.items():
        if not isinstance(entry, dict):
            add("", slug, f'"{slug}" must be a table: [{slug}] followed by its fields')
            continue
        before = len(problems)
        line = check_line(slug, entry, directory, add, today, max_age_days)
        if line is not None and not [p for p in problems[before:] if p.level == "error"]:
            directory.lines.append(line)
    return directory, problems


def check_names(entry: dict, table: str, directory: Directory, add) -> None:
    for key, known, what in (("needs", NEEDS, "need"), ("regions", directory.regions, "region")):
        values = entry.get(key)
        if values is None:
            continue
        if not isinstance(values, list) or not values:
            add(table, key, f'{key} must be a list such as ["{next(iter(known), "")}"]')
            continue
        for value in values:
            if value not in known:
                add(table, key, f'unknown {what} "{value}"{did_you_mean(str(value), known)}; '
                                f'the {key} are {", ".join(known)}')


def check_line(slug: str, entry: dict, directory: Directory, add, today: datetime.date,
               max_age_days: int) -> HelpLine | None:
    name = str(entry.get("name", slug))
    for key in entry:
        if key not in REQUIRED and key not in OPTIONAL:
            add(slug, key, f'unknown field "{key}" in [{slug}]{did_you_mean(key, REQUIRED + OPTIONAL)}')
    for key in REQUIRED:
        if key not in entry or entry[key] in ("", [], None):
            what = "no number" if key == "phone" else f'missing "{key}"'
            add(slug, key if key in entry else "", f"{name} has {what}" if key == "phone"
                else f"{what} in [{slug}] ({name})")
    check_names(entry, slug, directory, add)
    for key in ("phone", "text"):
        value = entry.get(key)
        if value and not DIGITS.search(str(value)):
            add(slug, key, f'{name}: "{value}" is not a number a phone can dial')
    tty = str(entry.get("tty", "none")).strip()
    if tty and tty.lower() != "none" and not DIGITS.search(tty):
        add(slug, "tty", f'{name}: tty must be "none" or the textphone number')
    for key in ("url", "chat"):
        if entry.get(key) and not is_web_address(str(entry[key])):
            add(slug, key, f'{name}: {key} "{entry[key]}" must be an https:// address of the organisation')
    checked = entry.get("checked")
    if isinstance(checked, str):
        try:
            checked = datetime.date.fromisoformat(checked)
        except ValueError:
            checked = None
    if isinstance(checked, datetime.datetime):
        checked = checked.date()
    if "checked" in entry and not isinstance(checked, datetime.date):
        add(slug, "checked", f'{name}: checked "{entry["checked"]}" is not a date in the form YYYY-MM-DD')
        checked = None
    elif isinstance(checked, datetime.date):
        age = (today - checked).days
        if age > max_age_days:
            add(slug, "checked", f"{name} was last checked on {checked.isoformat()}, {age} days ago; "
                                 f"the review policy is {max_age_days} days: check the number against "
                                 f"{entry.get('url', 'its own page')} again and update checked "
                                 "and checked_against",
                "stale")
        elif age < 0:
            add(slug, "checked", f"{name}: checked {checked.isoformat()} is in the future")
    if entry.get("compact") not in (None, True, False):
        add(slug, "compact", f"{name}: compact must be true or false")
    if checked is None or not isinstance(checked, datetime.date):
        return None
    return HelpLine(
        slug=slug, name=name, audience=str(entry.get("for", "")), needs=tuple(entry.get("needs", [])),
        regions=tuple(entry.get("regions", [])), phone=str(entry.get("phone", "")),
        tty=str(entry.get("tty", "none")), hours=str(entry.get("hours", "")), url=str(entry.get("url", "")),
        checked=checked, checked_against=str(entry.get("checked_against", "")),
        text=str(entry.get("text", "")), text_message=str(entry.get("text_message", "")),
        chat=str(entry.get("chat", "")), compact=bool(entry.get("compact", False)),
        note=str(entry.get("note", "")),
    )
