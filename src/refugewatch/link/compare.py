"""Pairwise evidence that two incidents from different reports describe the same group.

Each rule adds or subtracts points; a few facts rule a pair out altogether (a hard conflict).
Reports of one group disagree all the time (9 vs 10 people, Oct 22 vs Oct 23), so small
disagreements cost little and only clear contradictions are hard conflicts.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from refugewatch.extract.gazetteer import Gazetteer
from refugewatch.link.items import LinkItem
from refugewatch.link.places import fold_text, place_words, text_words
from refugewatch.link.wording import cosine, tfidf_vectors
from refugewatch.model.counts import Count, Qualifier
from refugewatch.model.dates import FuzzyDate, Precision
from refugewatch.model.places import PlaceKind

# --- people counts -------------------------------------------------------------------------------
# Equal exact counts: one person or a couple is so common that equality says little; from three
# people up the figure starts to identify the group.
COUNT_EQUAL_SMALL_WEIGHT = {1: 0.5, 2: 1.0}
COUNT_EQUAL_WEIGHT = 2.0
# "about 60" vs "62", "over 50" vs "62": compatible but less telling than an equal figure.
COUNT_COMPATIBLE_WEIGHT = 1.0
# 9 vs 10, 169 vs 175: reporters count guides, minors or late arrivals differently. Within one in
# eight the figures are treated as a conflict between reports, not as different groups.
COUNT_NEAR_RATIO = 0.125
COUNT_NEAR_WEIGHT = 0.5

# --- dates ---------------------------------------------------------------------------------------
SAME_DAY_WEIGHT = 2.0
SAME_MONTH_WEIGHT = 1.0  # overlapping, the wider of the two at most a month
SAME_YEAR_WEIGHT = 0.25  # overlapping within a year: weak
MONTH_DAYS = 31
YEAR_DAYS = 366
# Oct 22 vs Oct 23: reports differ by a day or two on when an arrest happened (time zones, the day
# it was reported, a second arrest). Within three days it still counts as agreement.
DATE_SLACK_DAYS = 3
DATE_SLACK_WEIGHT = 1.0
# Further apart than the slack but within two months: suspicious but possible (a re-arrest).
DATE_DISAGREE_DAYS = 60
DATE_DISAGREE_WEIGHT = -1.5
# A report cannot describe an arrest made after it was published (one day for time zones).
PUBLICATION_SLACK_DAYS = 1
# Undated incident against a dated one: most reports of an arrest appear within a year of it.
REPORT_WINDOW_DAYS = 365
REPORT_WINDOW_WEIGHT = 0.5
# Both undated: reports published within two months of each other are likely about the same news.
PUBLISHED_CLOSE_DAYS = 60
PUBLISHED_CLOSE_WEIGHT = 0.5
# Years apart with no dates to compare: follow-ups exist, but a fresh group is likelier.
STALE_DAYS = 3 * 365
STALE_WEIGHT = -1.0
# Nothing to say when either event happened: neither report dated, or one undated report with no
# publication date. Counts and places then coincide across years too easily, so such a pair needs
# the wording (or a rare place) to back it.
NO_TIME_ANCHOR_WEIGHT = -1.0

# --- places and countries ------------------------------------------------------------------------
# One incident's place (of arrest, a custody step, last known) is the other's, or stands in it
# ("Tumen" ~ "Tumen, Jilin"). A place few incidents in the batch mention (at most RARE_PLACE_SHARE
# of them, or just these two) identifies more than a border city that every other report names.
PLACE_SHARED_WEIGHT = 1.0
RARE_PLACE_WEIGHT = 2.0
RARE_PLACE_SHARE = 0.05
# A place of one incident named in the other's wording ("Phnom Penh's Hun Sen park").
PLACE_MENTIONED_WEIGHT = 0.75
# Both name the place of arrest, and nothing of either stands in the other.
PLACE_CLASH_WEIGHT = -1.5
SAME_COUNTRY_WEIGHT = 0.5
# Arrested in different countries, and neither country on the other's custody chain.
COUNTRY_CLASH_WEIGHT = -3.0

# --- wording and the rest ------------------------------------------------------------------------
# Cosine 0..1 of the contexts' character n-grams; 0.5 (clearly related wording) gives 2 points.
WORDING_WEIGHT = 4.0
# Same outlet or collector and near-identical wording: a syndicated copy or a repost of one report.
SYNDICATED_COSINE = 0.8
SYNDICATED_WEIGHT = 2.0
# Same vulnerable members reported (an infant in both): +0.5 per kind, at most 1.
VULNERABLE_SHARED_WEIGHT = 0.5
VULNERABLE_SHARED_MAX = 1.0
# A place of arrest the gazetteer puts inside the other ("Hun Sen Park", in Phnom Penh, and
# "Phnom Penh") is one locality told at two scales: as telling as a shared place name, not a clash.
# Containment, not distance: many small places carry their district's coordinates.
SPOT_KINDS = frozenset({PlaceKind.REGION, PlaceKind.DETENTION_FACILITY})


@dataclass(frozen=True)
class Profile:
    """What one item brings to comparisons, computed once."""

    item: LinkItem
    arrest_place: frozenset[str]
    places: tuple[frozenset[str], ...]  # words of each place the incident names
    rare_places: frozenset[frozenset[str]]  # those few other incidents in the batch name
    context_words: frozenset[str]
    countries: frozenset[str]
    vector: dict[str, float]
    arrest_area: frozenset[str] = frozenset()  # words of the gazetteer area holding the place

    @property
    def country(self) -> str | None:
        return self.item.incident.apprehended_country

    @property
    def all_places(self) -> frozenset[str]:
        return frozenset().union(*self.places)


@dataclass(frozen=True)
class PairScore:
    score: float
    conflict: str | None  # why the two cannot be one group, when they cannot
    reasons: tuple[str, ...]


def build_profiles(items: Sequence[LinkItem]) -> list[Profile]:
    vectors = tfidf_vectors([item.context for item in items])
    places = [_places(item) for item in items]
    frequency = Counter(p for named in places for p in named)
    most = max(2, int(RARE_PLACE_SHARE * len(items)))
    rare = frozenset(p for p, n in frequency.items() if n <= most)
    return [
        _profile(item, named, rare, vector)
        for item, named, vector in zip(items, places, vectors, strict=True)
    ]


def _places(item: LinkItem) -> tuple[frozenset[str], ...]:
    inc = item.incident
    names = [inc.apprehended_place, inc.last_known_place, *(s.place for s in inc.custody_chain)]
    words = {place_words(name) for name in names}
    return tuple(sorted((w for w in words if w), key=sorted))


def _profile(
    item: LinkItem,
    places: tuple[frozenset[str], ...],
    rare: frozenset[frozenset[str]],
    vector: dict[str, float],
) -> Profile:
    inc = item.incident
    chain_countries = {s.country for s in inc.custody_chain if s.country}
    countries = frozenset(c for c in {inc.apprehended_country, *chain_countries} if c)
    return Profile(
        item=item,
        arrest_place=place_words(inc.apprehended_place),
        places=places,
        rare_places=rare & frozenset(places),
        context_words=text_words(item.context),
        countries=countries,
        vector=vector,
        arrest_area=_area(inc.apprehended_place),
    )


def _area(name: str | None) -> frozenset[str]:
    """The municipality a named spot (a park, a facility) lies in. Towns and cities are left
    out: their province is far too large to say two arrests were in one place."""
    place = Gazetteer.default().lookup(name) if name else None
    if place is None or place.kind not in SPOT_KINDS or not place.province:
        return frozenset()
    return place_words(place.province)


def compare(a: Profile, b: Profile) -> PairScore:
    conflict = hard_conflict(a, b)
    if conflict:
        return PairScore(-math.inf, conflict, (conflict,))
    parts = [
        _count_evidence(a.item.incident.people, b.item.incident.people),
        _date_evidence(a.item, b.item),
        _place_evidence(a, b),
        _country_evidence(a, b),
        _vulnerable_evidence(a, b),
    ]
    similarity = cosine(a.vector, b.vector)
    parts.append((WORDING_WEIGHT * similarity, f"wording {similarity:.2f}"))
    if similarity >= SYNDICATED_COSINE and _same_outlet(a.item, b.item):
        parts.append((SYNDICATED_WEIGHT, "copy of one outlet's report"))
    reasons = tuple(f"{why} ({points:+.2f})" for points, why in parts if points)
    return PairScore(sum(points for points, _ in parts), None, reasons)


def _same_outlet(a: LinkItem, b: LinkItem) -> bool:
    return bool(a.outlet and b.outlet) and fold_text(a.outlet or "") == fold_text(b.outlet or "")


def hard_conflict(a: Profile, b: Profile) -> str | None:
    """Why two incidents cannot be the same group, or None when they could be."""
    ia, ib = a.item.incident, b.item.incident
    if ia.nationality and ib.nationality and ia.nationality != ib.nationality:
        return f"nationality {ia.nationality} vs {ib.nationality}"
    if not counts_could_match(ia.people, ib.people):
        return f"people {ia.people.describe()} vs {ib.people.describe()}"
    return _date_conflict(a.item, b.item)


def counts_could_match(a: Count, b: Count) -> bool:
    return a.is_compatible(b) or _counts_near(a, b)


def _counts_near(a: Count, b: Count) -> bool:
    x, y = a.headline, b.headline
    if x is None or y is None or max(x, y) == 0:
        return False
    return abs(x - y) / max(x, y) <= COUNT_NEAR_RATIO


def _count_evidence(a: Count, b: Count) -> tuple[float, str]:
    if Qualifier.UNKNOWN in (a.qualifier, b.qualifier):
        return (0.0, "")
    if a.qualifier is b.qualifier is Qualifier.EXACT and a.best == b.best and a.best is not None:
        weight = COUNT_EQUAL_SMALL_WEIGHT.get(a.best, COUNT_EQUAL_WEIGHT)
        return (weight, f"same count {a.best}")
    if a.is_compatible(b):
        return (COUNT_COMPATIBLE_WEIGHT, f"compatible counts {a.describe()} ~ {b.describe()}")
    return (COUNT_NEAR_WEIGHT, f"close counts {a.describe()} vs {b.describe()}")


def _days_apart(a: FuzzyDate, b: FuzzyDate) -> int:
    """Days between two known dates' windows; 0 when they overlap."""
    assert a.earliest and a.latest and b.earliest and b.latest
    if a.overlaps(b):
        return 0
    if a.latest < b.earliest:
        return (b.earliest - a.latest).days
    return (a.earliest - b.latest).days


def _width(d: FuzzyDate) -> int:
    assert d.earliest and d.latest
    return (d.latest - d.earliest).days + 1


def _date_conflict(a: LinkItem, b: LinkItem) -> str | None:
    da, db = a.incident.apprehended_date, b.incident.apprehended_date
    if da.is_known and db.is_known and _days_apart(da, db) > DATE_DISAGREE_DAYS:
        return f"arrested {da.to_edtf_interval()} vs {db.to_edtf_interval()}"
    for event, report in ((a, b), (b, a)):
        if _reported_before(event.incident.apprehended_date, report.published):
            return "one report was published before the other's arrest date"
    return None


def _reported_before(event: FuzzyDate, published: FuzzyDate) -> bool:
    if not (event.earliest and published.latest):
        return False
    return event.earliest > published.latest + dt.timedelta(days=PUBLICATION_SLACK_DAYS)


def _date_evidence(a: LinkItem, b: LinkItem) -> tuple[float, str]:
    da, db = a.incident.apprehended_date, b.incident.apprehended_date
    if da.is_known and db.is_known:
        return _arrest_dates(da, db)
    if da.is_known or db.is_known:
        arrest, report = (da, b.published) if da.is_known else (db, a.published)
        if report.is_known:
            return _arrest_against_report(arrest, report)
    elif a.published.is_known and b.published.is_known:
        return _reports_apart(a.published, b.published)
    return (NO_TIME_ANCHOR_WEIGHT, "no dates to compare")


def _arrest_dates(da: FuzzyDate, db: FuzzyDate) -> tuple[float, str]:
    gap = _days_apart(da, db)
    if gap == 0:
        widest = max(_width(da), _width(db))
        both_days = da.precision is db.precision is Precision.DAY
        if both_days:
            return (SAME_DAY_WEIGHT, "same arrest day")
        if widest <= MONTH_DAYS:
            return (SAME_MONTH_WEIGHT, "arrest dates agree to the month")
        if widest <= YEAR_DAYS:
            return (SAME_YEAR_WEIGHT, "arrest dates agree to the year")
        return (0.0, "")
    if gap <= DATE_SLACK_DAYS:
        return (DATE_SLACK_WEIGHT, f"arrest dates {gap} day(s) apart")
    return (DATE_DISAGREE_WEIGHT, f"arrest dates {gap} days apart")


def _arrest_against_report(arrest: FuzzyDate, published: FuzzyDate) -> tuple[float, str]:
    assert arrest.latest and published.earliest
    lag = (published.earliest - arrest.latest).days
    if lag <= REPORT_WINDOW_DAYS:
        return (REPORT_WINDOW_WEIGHT, "undated report within a year of the arrest")
    if lag > STALE_DAYS:
        return (STALE_WEIGHT, "undated report years after the arrest")
    return (0.0, "")


def _reports_apart(pa: FuzzyDate, pb: FuzzyDate) -> tuple[float, str]:
    gap = _days_apart(pa, pb)
    if gap <= PUBLISHED_CLOSE_DAYS:
        return (PUBLISHED_CLOSE_WEIGHT, "reports published close together")
    if gap > STALE_DAYS:
        return (STALE_WEIGHT, "reports published years apart")
    return (0.0, "")


def _place_evidence(a: Profile, b: Profile) -> tuple[float, str]:
    shared = [(pa, pb) for pa in a.places for pb in b.places if pa <= pb or pb <= pa]
    if shared:
        # Rarity of what the two share: "Vladivostok" inside "Vladivostok detention centre for
        # foreigners" is as common as the city, however rare the longer name is.
        rare_sets = a.rare_places | b.rare_places
        rare = any((pa if pa <= pb else pb) in rare_sets for pa, pb in shared)
        names = ", ".join(sorted(" ".join(sorted(pa | pb)) for pa, pb in shared))
        if rare:
            return (RARE_PLACE_WEIGHT, f"shared rare place {names}")
        return (PLACE_SHARED_WEIGHT, f"shared place {names}")
    mentioned = [p for p in a.places if p <= b.context_words]
    mentioned += [p for p in b.places if p <= a.context_words]
    if mentioned:
        name = " ".join(sorted(min(mentioned, key=sorted)))
        return (PLACE_MENTIONED_WEIGHT, f"place named in the other's wording: {name}")
    if _inside(a, b) or _inside(b, a):
        return (PLACE_SHARED_WEIGHT, "one place of arrest lies inside the other")
    if a.arrest_place and b.arrest_place:
        return (PLACE_CLASH_WEIGHT, "different places of arrest")
    return (0.0, "")


def _inside(inner: Profile, outer: Profile) -> bool:
    return bool(outer.arrest_place) and inner.arrest_area == outer.arrest_place


def _country_evidence(a: Profile, b: Profile) -> tuple[float, str]:
    if not (a.country and b.country):
        return (0.0, "")
    if a.country == b.country:
        return (SAME_COUNTRY_WEIGHT, f"same country {a.country}")
    if a.country in b.countries or b.country in a.countries:
        return (0.0, "")
    return (COUNTRY_CLASH_WEIGHT, f"arrested in {a.country} vs {b.country}")


def _vulnerable_evidence(a: Profile, b: Profile) -> tuple[float, str]:
    kinds_a = {k for k, n in a.item.incident.vulnerable if n}
    kinds_b = {k for k, n in b.item.incident.vulnerable if n}
    shared = kinds_a & kinds_b
    if not shared:
        return (0.0, "")
    points = min(VULNERABLE_SHARED_MAX, VULNERABLE_SHARED_WEIGHT * len(shared))
    return (points, "same vulnerable members: " + ", ".join(sorted(k.value for k in shared)))
