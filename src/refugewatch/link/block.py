"""Blocking: which pairs are worth comparing at all, so linking stays far below n² comparisons.

An incident is filed under the countries it touches (place of arrest and custody steps) and the
years its arrest may fall in, and under each of its place words. Two incidents are compared when
they share a country-year cell or a place word. An incident with no country or no year cannot be
filed precisely, so it is compared with every incident that matches on what it does have.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from refugewatch.link.compare import Profile

# An undated arrest reported in year Y most likely happened in Y or the year before.
UNDATED_LOOKBACK_YEARS = 1
# A place word more incidents share than this ("Korea" of "South Korea", where many groups end up)
# no longer picks out candidates and would make blocking quadratic; such incidents are still
# compared when they share a country and year.
PLACE_BLOCK_LIMIT = 200

Pair = tuple[int, int]


def arrest_years(profile: Profile) -> frozenset[int]:
    date = profile.item.incident.apprehended_date
    if date.earliest and date.latest:
        return frozenset(range(date.earliest.year, date.latest.year + 1))
    published = profile.item.published
    if published.earliest and published.latest:
        first = published.earliest.year - UNDATED_LOOKBACK_YEARS
        return frozenset(range(first, published.latest.year + 1))
    return frozenset()


@dataclass
class _Index:
    cells: dict[tuple[str, int], list[int]] = field(default_factory=lambda: defaultdict(list))
    by_country: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    by_year: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    by_place: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    undated_by_country: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    countryless_by_year: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    countryless: list[int] = field(default_factory=list)
    undated: list[int] = field(default_factory=list)
    bare: list[int] = field(default_factory=list)  # neither country nor year
    size: int = 0

    def add(self, i: int, countries: frozenset[str], years: frozenset[int]) -> None:
        for c in countries:
            self.by_country[c].append(i)
            for y in years:
                self.cells[(c, y)].append(i)
            if not years:
                self.undated_by_country[c].append(i)
        for y in years:
            self.by_year[y].append(i)
            if not countries:
                self.countryless_by_year[y].append(i)
        if not countries:
            self.countryless.append(i)
        if not years:
            self.undated.append(i)
        if not countries and not years:
            self.bare.append(i)

    def neighbours(self, countries: frozenset[str], years: frozenset[int]) -> Iterable[int]:
        yield from self.bare
        if countries and years:
            for c in countries:
                yield from self.undated_by_country[c]
                for y in years:
                    yield from self.cells[(c, y)]
            for y in years:
                yield from self.countryless_by_year[y]
        elif countries:
            yield from self.countryless
            for c in countries:
                yield from self.by_country[c]
        elif years:
            yield from self.undated
            for y in years:
                yield from self.by_year[y]
        else:
            yield from range(self.size)


def candidate_pairs(profiles: Sequence[Profile]) -> set[Pair]:
    """Index pairs (i < j) from different documents that share a block."""
    index = _Index(size=len(profiles))
    keys = [(p.countries, arrest_years(p)) for p in profiles]
    for i, (countries, years) in enumerate(keys):
        index.add(i, countries, years)
        for word in profiles[i].all_places:
            index.by_place[word].append(i)
    pairs: set[Pair] = set()
    for i, (countries, years) in enumerate(keys):
        others = list(index.neighbours(countries, years))
        for word in profiles[i].all_places:
            if len(index.by_place[word]) <= PLACE_BLOCK_LIMIT:
                others.extend(index.by_place[word])
        document = profiles[i].item.document
        pairs.update(
            (min(i, j), max(i, j))
            for j in others
            if j != i and profiles[j].item.document != document
        )
    return pairs
