"""The custody chain of a case: transfers from every report, de-duplicated and put in order.

Each report gives its own ordered steps (Dongxing, Shenyang, Tumen; another only Dongxing,
Tumen). Steps naming the same place are one step ("Tumen" ~ "Tumen, Jilin"). The order comes from
the reports' own orders and, where steps are dated, from the dates; when reports contradict each
other the earlier-dated, then alphabetically first, step goes first.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from itertools import pairwise

from refugewatch.cases.values import claim_date, text_value
from refugewatch.link.places import place_words
from refugewatch.model.claims import Claim
from refugewatch.model.dates import FuzzyDate
from refugewatch.model.extraction import CustodyStep

StepKey = frozenset[str]


def custody_chain(transfers: Sequence[Claim]) -> tuple[CustodyStep, ...]:
    keyed = [(k, c) for c in transfers if (k := _step_key(c)) is not None]
    canonical = _canonical_keys({k for k, _ in keyed})
    steps: dict[StepKey, list[Claim]] = defaultdict(list)
    for key, claim in keyed:
        steps[canonical[key]].append(claim)
    order = _order(steps, _precedences(keyed, canonical))
    return tuple(_merged_step(steps[key]) for key in order)


def _step_key(claim: Claim) -> StepKey | None:
    """A step is identified by its place's words, or by its country when no place is named."""
    words = place_words(text_value(claim, "place"))
    if words:
        return words
    country = text_value(claim, "country")
    return frozenset({f"country:{country.upper()}"}) if country else None


def _canonical_keys(keys: Iterable[StepKey]) -> dict[StepKey, StepKey]:
    """Fold a place into the one longer name that contains it ("Tumen" -> "Tumen, Jilin")."""
    pool = sorted(set(keys), key=sorted)
    mapping = {}
    for key in pool:
        supersets = [other for other in pool if key < other]
        mapping[key] = supersets[0] if len(supersets) == 1 else key
    return mapping


def _precedences(
    keyed: Sequence[tuple[StepKey, Claim]], canonical: dict[StepKey, StepKey]
) -> set[tuple[StepKey, StepKey]]:
    """(before, after) pairs from each incident's own order of steps."""
    by_incident: dict[str, list[Claim]] = defaultdict(list)
    for _key, claim in keyed:
        by_incident[claim.incident_key or claim.document_sha256].append(claim)
    pairs: set[tuple[StepKey, StepKey]] = set()
    for claims in by_incident.values():
        ordered = sorted(claims, key=lambda c: (c.seq, c.id))
        keys = [canonical[k] for c in ordered if (k := _step_key(c)) is not None]
        pairs.update((a, b) for a, b in pairwise(keys) if a != b)
    return pairs


def _order(
    steps: dict[StepKey, list[Claim]], precedences: set[tuple[StepKey, StepKey]]
) -> list[StepKey]:
    """Topological order; dates and names break ties and cycles."""
    priority = {key: (_first_date(claims), sorted(key)) for key, claims in steps.items()}
    remaining = set(steps)
    order: list[StepKey] = []
    while remaining:
        free = [k for k in remaining if not any(b == k and a in remaining for a, b in precedences)]
        pick = min(free or remaining, key=lambda k: priority[k])
        order.append(pick)
        remaining.remove(pick)
    return order


def _first_date(claims: Sequence[Claim]) -> dt.date:
    dates = [d.earliest for c in claims if (d := claim_date(c)).earliest is not None]
    return min(dates, default=dt.date.max)


def _merged_step(claims: Sequence[Claim]) -> CustodyStep:
    return CustodyStep(
        date=_most_precise_date([claim_date(c) for c in claims]),
        place=_most_common(text_value(c, "place") for c in claims),
        country=_most_common(text_value(c, "country") for c in claims),
        custodian=_most_common(text_value(c, "custodian") for c in claims),
    )


def _most_precise_date(dates: Sequence[FuzzyDate]) -> FuzzyDate:
    known = [d for d in dates if d.earliest is not None and d.latest is not None]
    if not known:
        return FuzzyDate.unknown()
    return min(known, key=lambda d: (_width(d), d.earliest, d.latest))


def _width(d: FuzzyDate) -> int:
    assert d.earliest is not None and d.latest is not None
    return (d.latest - d.earliest).days


def _most_common(values: Iterable[str | None]) -> str | None:
    """The spelling most reports use; ties go to the longer, then alphabetically first."""
    counts = Counter(v for v in values if v)
    if not counts:
        return None
    return min(counts, key=lambda v: (-counts[v], -len(v), v))
