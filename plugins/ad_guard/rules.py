"""The rules of rules.toml, compiled once, and the allowlist from the settings.

rules.toml is data an editor can read and extend (hosts, parameters, phrases);
this module only turns it into regular expressions and small lookups.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .links import ParsedUrl

RULES_FILE = Path(__file__).with_name("rules.toml")


@dataclass(frozen=True)
class LinkRule:
    """One kind of link the build refuses (an affiliate network, a redirector...)."""

    rule: str
    hosts: tuple[str, ...] = ()
    sites: frozenset[str] = frozenset()  # registrable domains' first labels: "amazon" covers amazon.co.za
    host_pattern: re.Pattern | None = None
    params: frozenset[str] = frozenset()
    path_pattern: re.Pattern | None = None

    def match(self, url: ParsedUrl) -> str | None:
        """The rule's message for this link, or None when the link is not of this kind."""
        host = url.host
        if self.hosts and not any(host == h or host.endswith("." + h) for h in self.hosts):
            return None
        # The registrable domain ends the host, so its first label is one of the host's: a
        # host without one of the sites' labels needs no look-up in the public suffix list.
        if self.sites and (self.sites.isdisjoint(host.split("."))
                           or url.domain.split(".", 1)[0] not in self.sites):
            return None
        if self.host_pattern and not self.host_pattern.search(host):
            return None
        param = ""
        if self.params:
            param = next((p for p in url.query if p in self.params), "")
            if not param:
                return None
        if self.path_pattern and not self.path_pattern.search(url.path):
            return None
        return self.rule.format(host=host, param=param)


@dataclass(frozen=True)
class WordingRule:
    rule: str
    pattern: re.Pattern | None  # the phrases as whole words, any spacing or markup between
    labels: frozenset[str]  # lower case: a whole block holding only this word
    phrases: tuple[str, ...]  # lower case, single spaces: a cheap first test on flattened text
    keywords: tuple[str, ...] = ()  # one in each phrase (keywords_for): a cheaper test before them

    @functools.cached_property
    def ascii_keywords(self) -> tuple[bytes, ...] | None:
        """The keywords as bytes, for a test on ASCII-folded UTF-8 (output_scan), or None when
        one of them is not ASCII (then only str.lower finds it)."""
        if all(word.isascii() for word in self.keywords):
            return tuple(word.encode() for word in self.keywords)
        return None


@dataclass(frozen=True)
class Rules:
    links: tuple[LinkRule, ...]
    tracking_params: frozenset[str]
    tracking_prefixes: tuple[str, ...]
    wording: tuple[WordingRule, ...]
    unsafe_schemes: frozenset[str]

    def is_tracking(self, param: str) -> bool:
        name = param.lower()
        return name in self.tracking_params or name.startswith(self.tracking_prefixes)


def words_pattern(phrase: str) -> str:
    """A phrase as a regex: its words with any white space between (markup is white space by then)."""
    return r"\s+".join(re.escape(word) for word in phrase.split())


def phrases_pattern(phrases: list[str]) -> re.Pattern | None:
    if not phrases:
        return None
    longest_first = sorted(phrases, key=len, reverse=True)
    return re.compile(r"\b(?:{})\b".format("|".join(words_pattern(p) for p in longest_first)), re.I)


def lowered(values) -> list[str]:
    return [str(v).lower() for v in values]


def keywords_for(phrases: list[str]) -> tuple[str, ...]:
    """Words to look for before the phrases: a text holding a phrase holds every piece of it
    without a space, so each phrase needs one of the keywords to be in it. Each phrase's
    longest word, less those whose phrases all hold another keyword ("continue" is in "story
    continues below advertisement"): each keyword is one more search of every page's text."""
    phrases = [" ".join(p.split()) for p in phrases if p.split()]
    chosen = sorted({max(p.split(), key=len) for p in phrases})
    for word in list(chosen):
        rest = [other for other in chosen if other != word]
        if all(any(other in phrase for other in rest) for phrase in phrases):
            chosen = rest
    return tuple(chosen)


@functools.cache
def load_rules(path: Path = RULES_FILE) -> Rules:
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    links = tuple(
        LinkRule(
            rule=entry["rule"],
            hosts=tuple(lowered(entry.get("hosts", []))),
            sites=frozenset(lowered(entry.get("sites", []))),
            host_pattern=re.compile(entry["host_pattern"], re.I) if "host_pattern" in entry else None,
            params=frozenset(lowered(entry.get("params", []))),
            path_pattern=re.compile(entry["path_pattern"], re.I) if "path_pattern" in entry else None,
        )
        for entry in data.get("link", [])
    )
    wording = tuple(
        WordingRule(
            rule=entry["rule"],
            pattern=phrases_pattern(lowered(entry.get("phrases", []))),
            labels=frozenset(" ".join(w.split()) for w in lowered(entry.get("labels", []))),
            phrases=tuple(" ".join(p.split()) for p in lowered(entry.get("phrases", []))),
            keywords=keywords_for(lowered(entry.get("phrases", []))),
        )
        for entry in data.get("wording", [])
    )
    tracking = data.get("tracking", {})
    unsafe = data.get("unsafe_html", {})
    return Rules(
        links=links,
        tracking_params=frozenset(lowered(tracking.get("params", []))),
        tracking_prefixes=tuple(lowered(tracking.get("prefixes", []))),
        wording=wording,
        unsafe_schemes=frozenset(lowered(unsafe.get("url_schemes", []))),
    )


@dataclass(frozen=True)
class AllowEntry:
    """One AD_GUARD_ALLOW entry: an exact URL or a regex, with the reason it is allowed."""

    reason: str
    url: str | None = None
    pattern: re.Pattern | None = None

    def allows(self, value: str) -> bool:
        if self.url is not None:
            return value == self.url
        return bool(self.pattern and self.pattern.search(value))


def read_allowlist(value: object) -> tuple[list[AllowEntry], list[str]]:
    """The valid entries of AD_GUARD_ALLOW, and a message for each invalid one."""
    key = "AD_GUARD_ALLOW"
    if value is None:
        return [], []
    if not isinstance(value, (list, tuple)):
        return [], [f"{key} must be a list of {{'url' or 'pattern': ..., 'reason': ...}} entries"]
    entries, problems = [], []
    for index, item in enumerate(value):
        where = f"{key}[{index}]"
        if not isinstance(item, dict):
            problems.append(f"{where} must be a dict with 'url' or 'pattern' and 'reason'")
            continue
        unknown = sorted(set(item) - {"url", "pattern", "reason"})
        if unknown:
            problems.append(f"{where} has unknown key(s) {', '.join(map(repr, unknown))}")
            continue
        reason = item.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            problems.append(f"{where} needs a 'reason': say why this is allowed")
            continue
        if ("url" in item) == ("pattern" in item):
            problems.append(f"{where} needs exactly one of 'url' or 'pattern'")
            continue
        if "url" in item:
            entries.append(AllowEntry(reason.strip(), url=str(item["url"])))
            continue
        try:
            entries.append(AllowEntry(reason.strip(), pattern=re.compile(str(item["pattern"]))))
        except re.error as error:
            problems.append(f"{where} 'pattern' is not a valid regular expression: {error}")
    return entries, problems
