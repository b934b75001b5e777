"""The topic registry: content/topics/*.md read through Pelican's readers.

``TopicGenerator`` reads every topic (so content_model's metadata checks
apply to topics as to every other file), puts ``topics`` and
``topic_index`` on the shared context, and writes ``/topics/`` with the topic
map and one ``/topics/<slug>/`` page per topic.
"""

from __future__ import annotations

import logging
import re

from guide_core.tree import page_text
from pelican.contents import Content
from pelican.generators import Generator

from .topicmap import connections, topic_map

logger = logging.getLogger(__name__)

SEE_ALSO = 6  # related topics shown on a topic page
FIRST_SENTENCE = re.compile(r"^(.+?[.!?])(?:\s|$)", re.S)


class Topic(Content):
    """One topic: what chapters, questions and tip cards are filed under."""

    mandatory_properties = ("title", "slug")
    default_status = "published"
    default_template = "topic"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.aliases: list[str] = list(getattr(self, "aliases", []))
        self.related: list[str] = list(getattr(self, "related", []))
        self.related_topics: list[Topic] = []
        self.chapters: list = []
        self.faq_entries: list = []
        self.tip_cards: list = []
        self.connections: list[tuple[Topic, int]] = []
        self.see_also: list[Topic] = []

    @property
    def description(self) -> str:
        """The first sentence of the topic's text, as plain text (from its Markdown tree's
        records; templates escape it)."""
        text = page_text(self)
        match = FIRST_SENTENCE.match(text)
        return match.group(1) if match else text

    @property
    def terms(self) -> list[str]:
        """The words readers use for this topic: its title and its aliases."""
        return [self.title, *self.aliases]


def attach_content(topics: list[Topic], context: dict) -> None:
    """File the chapters, questions and tip cards of this build under their topics.

    Idempotent, so it can run again once every plugin has added its content.
    """
    index = {topic.slug: topic for topic in topics}
    for topic in topics:
        topic.chapters, topic.faq_entries, topic.tip_cards = [], [], []
        topic.related_topics = [index[slug] for slug in topic.related if slug in index]
    for chapter in context.get("chapters", []):
        for slug in _unique(chapter.topics):
            if slug in index:
                index[slug].chapters.append(chapter)
    for entry in context.get("faq_entries") or []:
        for slug in _unique(getattr(entry, "topics", [])):
            if slug in index:
                index[slug].faq_entries.append(entry)
    for card in context.get("tip_cards") or []:
        for slug in _unique(getattr(card, "topics", [])):
            if slug in index:
                index[slug].tip_cards.append(card)
    links = connections(topics)
    for topic in topics:
        topic.connections = links[topic.slug]
        # The editor's Related first, then the topics it shares most with.
        see_also = [*topic.related_topics, *(other for other, _shared in topic.connections)]
        topic.see_also = list(dict.fromkeys(see_also))[:SEE_ALSO]


def _unique(slugs) -> list[str]:
    return list(dict.fromkeys(slugs or []))


class TopicGenerator(Generator):
    """Reads content/topics/ and writes /topics/ and /topics/<slug>/."""

    def __init__(self, *args, **kwargs) -> None:
        self.topics: list[Topic] = []
        super().__init__(*args, **kwargs)

    def generate_context(self) -> None:
        topics = []
        for path in sorted(self.get_files(self.settings["TOPIC_PATHS"])):
            try:
                topic = self.readers.read_file(
                    base_path=self.path, path=path, content_class=Topic, context=self.context,
                )
            except Exception:
                # Like Pelican's own generators: report the file and carry on.
                logger.exception("%s: could not read this topic", path)
                continue
            if not topic.is_valid():
                continue
            self.add_source_path(topic)
            topics.append(topic)
        topics.sort(key=lambda topic: (topic.title.lower(), topic.slug))
        self.topics = topics
        self.context["topics"] = topics
        self.context["topic_index"] = {topic.slug: topic for topic in topics}

    def generate_output(self, writer) -> None:
        # Again here: a plugin may have added its tip cards after our
        # all_generators_finalized handler ran.
        attach_content(self.topics, self.context)
        relative = self.settings["RELATIVE_URLS"]
        writer.write_file(
            self.settings["TOPICS_SAVE_AS"], self.get_template("topics"), self.context,
            relative_urls=relative, url=self.settings["TOPICS_URL"], page_name="topics",
            topic_map=topic_map(self.topics),
            has_faq=self.context.get("faq_entries") is not None,
            has_tips=self.context.get("tip_cards") is not None,
        )
        for topic in self.topics:
            writer.write_file(
                topic.save_as, self.get_template(topic.template), self.context,
                relative_urls=relative, url=topic.url, topic=topic,
                has_faq=self.context.get("faq_entries") is not None,
                has_tips=self.context.get("tip_cards") is not None,
            )
