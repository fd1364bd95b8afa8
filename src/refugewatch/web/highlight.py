"""Document text with every claim's evidence marked, built server-side and escaped.

Spans may overlap or nest (one sentence backs the count, the date and the status of an incident).
The text is cut at every span boundary; each piece is escaped and wrapped in one <mark> per span
covering it, so the HTML always nests properly. The first piece of each span carries the anchor
id="span-<claim id>" that claim lists link to. Nothing from the document reaches the page without
markupsafe.escape.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from refugewatch.model.claims import Claim

ANCHOR_PREFIX = "span-"
# Nesting deeper than this adds no information on screen (CSS shades up to three levels), and
# caps the markup a pathological document with hundreds of identical spans would produce.
MAX_NESTED_MARKS = 6


@dataclass(frozen=True)
class Mark:
    """One span to highlight: [start, end) in the text; `anchor` names it in the page."""

    anchor: str
    start: int
    end: int
    title: str = ""
    css_class: str = ""


def anchor_id(claim_id: str) -> str:
    return f"{ANCHOR_PREFIX}{claim_id}"


def locate(text: str, start: int, end: int, quote: str) -> tuple[int, int] | None:
    """Where the evidence is in this text, or None.

    The stored offsets are trusted when they still select the quote; otherwise (text re-cleaned by
    another cleaner version) the quote occurrence nearest the old offset is used. Nothing is
    highlighted at a guessed position.
    """
    if 0 <= start < end <= len(text) and (not quote or text[start:end] == quote):
        return start, end
    if not quote:
        return None
    found = list(_occurrences(text, quote))
    if not found:
        return None
    best = min(found, key=lambda i: abs(i - start))
    return best, best + len(quote)


def _occurrences(text: str, quote: str) -> Iterable[int]:
    i = text.find(quote)
    while i >= 0:
        yield i
        i = text.find(quote, i + 1)


def marks_for_claims(
    text: str, claims: Sequence[Claim], titles: Sequence[str] | None = None
) -> tuple[list[Mark], list[Claim]]:
    """Marks for the claims whose evidence is found in text, and the claims that were not."""
    marks: list[Mark] = []
    missing: list[Claim] = []
    for n, claim in enumerate(claims):
        ev = claim.evidence
        where = locate(text, ev.start, ev.end, ev.quote)
        if where is None:
            missing.append(claim)
            continue
        title = titles[n] if titles is not None else claim.kind.value
        marks.append(
            Mark(anchor_id(claim.id), where[0], where[1], title, f"kind-{claim.kind.value}")
        )
    return marks, missing


def highlight(text: str, marks: Sequence[Mark]) -> Markup:
    """Escaped text with nested <mark> elements; overlapping spans are split at boundaries."""
    valid = sorted(
        (m for m in marks if 0 <= m.start < m.end <= len(text)), key=lambda m: (m.start, -m.end)
    )
    cuts = sorted({0, len(text)} | {m.start for m in valid} | {m.end for m in valid})
    anchored: set[str] = set()
    pieces = [
        _render_piece(text[a:b], [m for m in valid if m.start <= a and b <= m.end], a, anchored)
        for a, b in itertools.pairwise(cuts)
    ]
    return Markup("").join(pieces)


def _render_piece(piece: str, covering: list[Mark], start: int, anchored: set[str]) -> Markup:
    html = escape(piece)
    for mark in reversed(_shown(covering, start)):
        html = _wrap(html, mark, first=mark.start == start and mark.anchor not in anchored)
        if mark.start == start:
            anchored.add(mark.anchor)
    return html


def _shown(covering: list[Mark], start: int) -> list[Mark]:
    """Marks drawn around a piece: every span starting here (it carries the anchor), then the
    enclosing ones up to MAX_NESTED_MARKS; order kept, outermost first."""
    starting = [m for m in covering if m.start == start]
    room = max(MAX_NESTED_MARKS - len(starting), 0)
    enclosing = [m for m in covering if m.start != start][:room]
    keep = {id(m) for m in starting + enclosing}
    return [m for m in covering if id(m) in keep]


def _wrap(inner: Markup, mark: Mark, *, first: bool) -> Markup:
    attrs = Markup("")
    if first:
        attrs += Markup(' id="{}"').format(mark.anchor)
    if mark.css_class:
        attrs += Markup(' class="{}"').format(mark.css_class)
    if mark.title:
        attrs += Markup(' title="{}"').format(mark.title)
    return Markup("<mark{}>{}</mark>").format(attrs, inner)
