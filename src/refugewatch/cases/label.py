"""Pseudonymous case labels: size, place and month of arrest, never a name."""

from __future__ import annotations

from refugewatch.model.cases import CaseState
from refugewatch.model.counts import Count, Qualifier
from refugewatch.model.dates import FuzzyDate, Precision

_QUALIFIER_WORDS = {
    Qualifier.ABOUT: "about ",
    Qualifier.AT_LEAST: "at least ",
    Qualifier.UP_TO: "up to ",
}


def label_case(state: CaseState) -> str:
    """E.g. "Group of 9, Mong Cai, Oct 2015"; parts nobody reported are left out."""
    parts = [_size_words(state.size)]
    place = state.apprehended_place or state.last_known_place or state.apprehended_country
    if place:
        parts.append(place)
    when = _month_words(state.apprehended_date)
    if when:
        parts.append(when)
    return ", ".join(parts)


def _size_words(size: Count) -> str:
    headline = size.headline
    if headline is None:
        return "Group of unknown size"
    if headline == 1 and size.qualifier is Qualifier.EXACT and size.high in (None, 1):
        return "One person"
    return f"Group of {_QUALIFIER_WORDS.get(size.qualifier, '')}{headline}"


def _month_words(date: FuzzyDate) -> str | None:
    """The arrest at month precision at most: a label is no place for a made-up day."""
    if date.earliest is None or date.latest is None:
        return None
    same_month = (date.earliest.year, date.earliest.month) == (date.latest.year, date.latest.month)
    if date.precision in (Precision.DAY, Precision.MONTH) or same_month:
        return date.earliest.strftime("%b %Y")
    if date.earliest.year == date.latest.year:
        return str(date.earliest.year)
    return f"{date.earliest.year}-{date.latest.year}"
