"""Everything the incident rules read about one document, computed once.

Dates and places are found in one pass over the whole text, counts and events in one pass
over each sentence (never per token), then everything is indexed by sentence, which keeps
extraction linear in the text length.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, replace
from functools import cached_property
from typing import TypeVar

from refugewatch.extract import patterns as p
from refugewatch.extract.dates import DateMention, find_dates
from refugewatch.extract.gazetteer import Gazetteer, PlaceMention
from refugewatch.extract.incidents_events import Event, find_events, is_generic
from refugewatch.extract.numbers import CountMention, find_counts
from refugewatch.extract.sentences import Sentence, split_sentences
from refugewatch.model.dates import FuzzyDate


@dataclass
class DocContext:
    text: str
    published: FuzzyDate
    sentences: list[Sentence]
    counts: dict[int, list[CountMention]]
    dates: dict[int, list[DateMention]]
    places: dict[int, list[PlaceMention]]
    events: dict[int, list[Event]]
    statistic_spans: list[tuple[int, int]]

    @cached_property
    def nk_sentences(self) -> frozenset[int]:
        return frozenset(i for i, s in enumerate(self.sentences) if p.NK_WORDS.search(s.text))

    @cached_property
    def generic_sentences(self) -> frozenset[int]:
        return frozenset(i for i, s in enumerate(self.sentences) if is_generic(s))

    def nk_context(self, index: int) -> bool:
        """The sentence or one of its neighbours is about North Koreans."""
        return bool({index - 1, index, index + 1} & self.nk_sentences)

    def in_statistic(self, start: int, end: int) -> bool:
        return any(a <= start and end <= b for a, b in self.statistic_spans)


def build_context(
    text: str,
    published: FuzzyDate,
    statistic_spans: list[tuple[int, int]],
    gazetteer: Gazetteer | None = None,
    anchor: FuzzyDate | None = None,
) -> DocContext:
    """`anchor` resolves relative dates when `published` is unknown (see pipeline.extract)."""
    sentences = split_sentences(text)
    starts = [s.start for s in sentences]
    gaz = gazetteer or Gazetteer.default()
    return DocContext(
        text=text,
        published=published,
        sentences=sentences,
        counts=_counts_by_sentence(sentences),
        dates=_bucket(find_dates(text, anchor or published), starts),
        places=_bucket(gaz.find(text), starts),
        events={i: find_events(s, i) for i, s in enumerate(sentences)},
        statistic_spans=statistic_spans,
    )


def _counts_by_sentence(sentences: list[Sentence]) -> dict[int, list[CountMention]]:
    """Counts found sentence by sentence, so a word ending the previous sentence ("the case")
    cannot change how a count opening the next one is read."""
    out: dict[int, list[CountMention]] = {}
    for index, sentence in enumerate(sentences):
        found = [
            replace(c, start=c.start + sentence.start, end=c.end + sentence.start)
            for c in find_counts(sentence.text)
        ]
        if found:
            out[index] = found
    return out


_T = TypeVar("_T", CountMention, DateMention, PlaceMention)


def _bucket(items: list[_T], starts: list[int]) -> dict[int, list[_T]]:
    out: dict[int, list[_T]] = {}
    for item in items:
        index = bisect.bisect_right(starts, item.start) - 1
        if index >= 0:
            out.setdefault(index, []).append(item)
    return out
