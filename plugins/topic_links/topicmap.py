"""The topic map: which topics share content, laid out at build time.

Two topics are connected when a chapter, a question or a tip card is filed
under both; the weight of the connection is how many such items there are.
The layout is deterministic: the topics sit on a circle in the order of the
topic list (by title), starting at the top and going clockwise, each label
runs outwards along its radius (so labels never overlap, however many topics
there are), and each connection is a curve bowed towards the centre. The template draws it as an
inline SVG; the same data gives the text alternative.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from itertools import combinations

RADIUS = 200.0
LABEL_GAP = 12.0
MARGIN = 190.0  # room for the longest label outside the circle
BOW = 0.55  # how far a curve's control point moves from the chord towards the centre


@dataclass(frozen=True)
class Node:
    topic: object
    x: float
    y: float
    r: float
    label_x: float
    label_y: float
    rotate: float  # degrees, about (label_x, label_y)
    anchor: str  # SVG text-anchor: "start" on the right half, "end" on the left


@dataclass(frozen=True)
class Edge:
    a: object
    b: object
    weight: int
    path: str  # SVG path data
    width: float


@dataclass(frozen=True)
class TopicMap:
    width: int
    height: int
    nodes: list[Node]
    edges: list[Edge]
    strongest: int


def shared_items(topics: list) -> Counter:
    """(slug, slug) -> how many chapters, questions and tip cards carry both topics."""
    items: dict[str, set[str]] = {}
    for topic in topics:
        for kind, members in (("c", topic.chapters), ("q", topic.faq_entries), ("t", topic.tip_cards)):
            for member in members:
                key = f"{kind}:{getattr(member, 'url', None) or id(member)}"
                items.setdefault(key, set()).add(topic.slug)
    weights: Counter = Counter()
    for slugs in items.values():
        for pair in combinations(sorted(slugs), 2):
            weights[pair] += 1
    return weights


def connections(topics: list) -> dict[str, list]:
    """slug -> [(other topic, shared items)], strongest first, then by title."""
    index = {topic.slug: topic for topic in topics}
    links: dict[str, list] = {topic.slug: [] for topic in topics}
    for (a, b), weight in shared_items(topics).items():
        links[a].append((index[b], weight))
        links[b].append((index[a], weight))
    for others in links.values():
        others.sort(key=lambda pair: (-pair[1], pair[0].title.lower()))
    return links


def topic_map(topics: list) -> TopicMap:
    count = max(len(topics), 1)
    cx = cy = MARGIN + RADIUS
    nodes: list[Node] = []
    for i, topic in enumerate(topics):
        angle = -math.pi / 2 + 2 * math.pi * i / count
        cos, sin = math.cos(angle), math.sin(angle)
        size = len(topic.chapters) + len(topic.faq_entries) + len(topic.tip_cards)
        right = cos > 1e-9 or (abs(cos) <= 1e-9 and sin < 0)
        degrees = math.degrees(angle)
        nodes.append(Node(
            topic=topic,
            x=_round(cx + RADIUS * cos), y=_round(cy + RADIUS * sin),
            r=_round(4 + min(math.sqrt(size), 6)),
            label_x=_round(cx + (RADIUS + LABEL_GAP) * cos),
            label_y=_round(cy + (RADIUS + LABEL_GAP) * sin),
            # Text on the left half turns half a circle more, so it never reads upside down.
            rotate=_round(degrees if right else degrees + 180),
            anchor="start" if right else "end",
        ))
    where = {node.topic.slug: node for node in nodes}
    weights = shared_items(topics)
    strongest = max(weights.values(), default=1)
    edges = []
    for (a, b), weight in sorted(weights.items()):
        start, end = where[a], where[b]
        mid_x, mid_y = (start.x + end.x) / 2, (start.y + end.y) / 2
        control_x, control_y = mid_x + (cx - mid_x) * BOW, mid_y + (cy - mid_y) * BOW
        path = (f"M{start.x:g} {start.y:g} Q{_round(control_x):g} {_round(control_y):g} "
                f"{end.x:g} {end.y:g}")
        edges.append(Edge(start.topic, end.topic, weight, path, _round(1 + 5 * weight / strongest)))
    # Heaviest last, so they are drawn on top.
    edges.sort(key=lambda edge: (edge.weight, edge.a.slug, edge.b.slug))
    return TopicMap(
        width=int(2 * (MARGIN + RADIUS)), height=int(2 * (MARGIN + RADIUS)),
        nodes=nodes, edges=edges, strongest=strongest,
    )


def _round(value: float) -> float:
    return round(value, 1)
