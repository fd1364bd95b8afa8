"""The case fold: a case's state derived from its claims, the same whatever order they come in.

Rejected claims are ignored; reviewers' edits replace the values they correct. Where reports
disagree the state shows one value and keeps every option with its sources as a Conflict that
names the rule that chose (see choose.py). A sub-group (an incident reported as part of a larger
one: "3 of the 19 were moved to Payao") keeps its own count and status instead of contradicting
the group's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from refugewatch.cases.chain import custody_chain
from refugewatch.cases.choose import (
    Option,
    Rules,
    Sources,
    choose,
    group_options,
    highest,
    later_in_course,
    most_precise,
    most_recent,
    most_sources,
    reviewer,
    same_report_as,
)
from refugewatch.cases.timeline import timeline
from refugewatch.cases.values import (
    claim_date,
    int_value,
    people_count,
    status_value,
    subset_of,
    text_value,
)
from refugewatch.link.places import place_words
from refugewatch.model.cases import CaseState, ChoiceRule, Conflict, SubGroup
from refugewatch.model.claims import Claim, ClaimKind
from refugewatch.model.counts import Count, Qualifier
from refugewatch.model.dates import FuzzyDate
from refugewatch.model.extraction import CustodyStep, Status


def _date_refines(a: Option, b: Option) -> bool:
    da, db = claim_date(a.claims[0]), claim_date(b.claims[0])
    return da != db and db.contains(da)


def _place_refines(a: Option, b: Option) -> bool:
    return isinstance(a.key, frozenset) and isinstance(b.key, frozenset) and b.key < a.key


def _count_refines(a: Option, b: Option) -> bool:
    ca, cb = people_count(a.claims[0]), people_count(b.claims[0])
    return ca != cb and ca.is_compatible(cb) and _spread(ca) < _spread(cb)


def _spread(count: Count) -> float:
    if count.qualifier is Qualifier.EXACT:
        return 0.0
    if count.low is not None and count.high is not None:
        return float(count.high - count.low)
    return float("inf")


# Rule order per field. A reviewer's decision always comes first. Facts about the arrest prefer
# the more precise of compatible values, then the value more independent sources give, then the
# latest report. The state of the group (status, where it was last seen) prefers the latest.
ARREST_DATE_RULES: Rules = (
    (ChoiceRule.REVIEWER, reviewer),
    (ChoiceRule.MOST_PRECISE, most_precise(_date_refines)),
    (ChoiceRule.MOST_SOURCES, most_sources),
    (ChoiceRule.MOST_RECENT, most_recent),
)
PLACE_RULES: Rules = (
    (ChoiceRule.REVIEWER, reviewer),
    (ChoiceRule.MOST_PRECISE, most_precise(_place_refines)),
    (ChoiceRule.MOST_SOURCES, most_sources),
    (ChoiceRule.MOST_RECENT, most_recent),
)
SIZE_RULES: Rules = (
    (ChoiceRule.REVIEWER, reviewer),
    (ChoiceRule.MOST_PRECISE, most_precise(_count_refines)),
    (ChoiceRule.MOST_SOURCES, most_sources),
    (ChoiceRule.MOST_RECENT, most_recent),
)


def country_rules(place: Option | None) -> Rules:
    """The country of arrest follows the report that named the displayed place of arrest: a
    follow-up that only says where the group is held now ("in China") must not move Mong Cai to
    China."""
    return (
        (ChoiceRule.REVIEWER, reviewer),
        (ChoiceRule.MOST_PRECISE, same_report_as(place)),
        (ChoiceRule.MOST_SOURCES, most_sources),
        (ChoiceRule.MOST_RECENT, most_recent),
    )


STATUS_RULES: Rules = (
    (ChoiceRule.REVIEWER, reviewer),
    (ChoiceRule.MOST_RECENT, most_recent),
    (ChoiceRule.MOST_RECENT, later_in_course),
    (ChoiceRule.MOST_SOURCES, most_sources),
)


def last_place_rules(status: Option | None) -> Rules:
    """Where the group was last seen follows the report that gave the displayed status."""
    return (
        (ChoiceRule.REVIEWER, reviewer),
        (ChoiceRule.MOST_RECENT, same_report_as(status)),
        (ChoiceRule.MOST_RECENT, most_recent),
        (ChoiceRule.MOST_PRECISE, most_precise(_place_refines)),
        (ChoiceRule.MOST_SOURCES, most_sources),
    )


VULNERABLE_RULES: Rules = (
    (ChoiceRule.REVIEWER, reviewer),
    (ChoiceRule.HIGHEST, highest),
)


@dataclass(frozen=True)
class _Parts:
    """The claims of a case sorted by what they are about."""

    main: tuple[Claim, ...]  # claims about the whole group
    subgroups: Mapping[str, tuple[Claim, ...]]  # incident key -> claims about a sub-group

    def of(self, kind: ClaimKind) -> list[Claim]:
        return [c for c in self.main if c.kind is kind]


class _Picker:
    """Chooses displayed values and collects the conflicts behind them."""

    def __init__(self, sources: Sources) -> None:
        self.sources = sources
        self.conflicts: list[Conflict] = []

    def __call__(self, field: str, options: Sequence[Option], rules: Rules) -> Option | None:
        if not options:
            return None
        chosen, conflict = choose(field, options, rules, self.sources)
        if conflict is not None:
            self.conflicts.append(conflict)
        return chosen


def fold_case(
    claims: Sequence[Claim],
    outlets: Mapping[str, str] | None = None,
    published: Mapping[str, FuzzyDate] | None = None,
) -> CaseState:
    """Derive a case's state from its claims (rejected ones ignored; edits applied).

    `outlets` maps a document to its outlet or collector, so syndicated copies count as one source
    under "most sources"; `published` gives documents' publication dates for "most recent"
    (for a document not in it, its latest claim date stands in: the status date, which the
    extractor sets to the publication date).
    """
    live = [c for c in claims if c.counts_for_case]
    sources = Sources(outlets or {}, {**_report_dates(live), **(published or {})})
    parts = _split(live)
    pick = _Picker(sources)
    arrests = parts.of(ClaimKind.APPREHENSION)
    statuses = parts.of(ClaimKind.STATUS)
    size = pick("size", _count_options(arrests), SIZE_RULES)
    arrest_date = pick("apprehended_date", _date_options(arrests), ARREST_DATE_RULES)
    place = pick("apprehended_place", _place_options(arrests, "place"), PLACE_RULES)
    country = pick("apprehended_country", _country_options(arrests), country_rules(place))
    status = pick("status", _status_options(statuses), STATUS_RULES)
    last_place = pick(
        "last_known_place", _place_options(statuses, "last_known_place"), last_place_rules(status)
    )
    vulnerable = _vulnerable(parts.of(ClaimKind.VULNERABILITY), pick)
    chain = custody_chain(parts.of(ClaimKind.TRANSFER))
    dated, undated = timeline(live)
    return CaseState(
        size=_size(size, arrests),
        status=Status(str(status.key)) if status else Status.UNKNOWN,
        status_date=_latest_date(status.claims) if status else FuzzyDate.unknown(),
        apprehended_date=claim_date(arrest_date.claims[0]) if arrest_date else FuzzyDate.unknown(),
        apprehended_place=place.display if place else None,
        apprehended_country=country.display if country else None,
        last_known_place=_last_known_place(last_place, chain, place),
        custody_chain=chain,
        vulnerable=vulnerable,
        conflicts=tuple(sorted(pick.conflicts, key=lambda c: c.field)),
        timeline=dated,
        undated=undated,
        subgroups=_subgroups(parts.subgroups, sources),
        document_sha256s=tuple(sorted({c.document_sha256 for c in live})),
    )


def _report_dates(claims: Sequence[Claim]) -> dict[str, FuzzyDate]:
    """A document's latest claim date: its status date, which is its publication date."""
    latest: dict[str, FuzzyDate] = {}
    for claim in claims:
        date = claim_date(claim)
        current = latest.get(claim.document_sha256)
        if date.latest is not None and (current is None or _later(date, current)):
            latest[claim.document_sha256] = date
    return latest


def _later(a: FuzzyDate, b: FuzzyDate) -> bool:
    assert a.latest is not None and b.latest is not None
    return (a.latest, a.earliest or a.latest) > (b.latest, b.earliest or b.latest)


def _split(claims: Sequence[Claim]) -> _Parts:
    sub_keys = {
        c.incident_key
        for c in claims
        if c.kind is ClaimKind.APPREHENSION and c.incident_key and subset_of(c) is not None
    }
    main = tuple(c for c in claims if c.incident_key not in sub_keys)
    subgroups = {k: tuple(c for c in claims if c.incident_key == k) for k in sub_keys if k}
    return _Parts(main, subgroups)


def _count_options(arrests: Sequence[Claim]) -> list[Option]:
    def key(claim: Claim) -> tuple[int | None, int | None, int | None, str] | None:
        count = people_count(claim)
        if count.qualifier is Qualifier.UNKNOWN:
            return None
        return (count.low, count.best, count.high, count.qualifier.value)

    return group_options(arrests, key, lambda cs: people_count(cs[0]).describe())


def _date_options(claims: Sequence[Claim]) -> list[Option]:
    return group_options(
        claims,
        lambda c: claim_date(c).to_edtf_interval(),
        lambda cs: claim_date(cs[0]).to_edtf_interval() or "",
    )


def _place_options(claims: Sequence[Claim], name: str) -> list[Option]:
    def display(group: Sequence[Claim]) -> str:
        """The spelling most claims use; ties to the longer, then alphabetically first."""
        spellings = [text_value(c, name) or "" for c in group]
        return min(set(spellings), key=lambda s: (-spellings.count(s), -len(s), s))

    return group_options(claims, lambda c: place_words(text_value(c, name)) or None, display)


def _country_options(claims: Sequence[Claim]) -> list[Option]:
    def key(claim: Claim) -> str | None:
        country = text_value(claim, "country")
        return country.upper() if country else None

    return group_options(claims, key, lambda cs: str(key(cs[0])))


def _status_options(claims: Sequence[Claim]) -> list[Option]:
    """Statuses by value; "unknown" only when no report says anything more."""
    options = group_options(
        claims, lambda c: status_value(c).value, lambda cs: status_value(cs[0]).value
    )
    known = [o for o in options if o.key != Status.UNKNOWN.value]
    return known or options


def _size(option: Option | None, arrests: Sequence[Claim]) -> Count:
    """The chosen count, widened to the range the reports' figures span (9 vs 10 -> 9 to 10)."""
    if option is None:
        return Count.unknown()
    chosen = people_count(option.claims[0])
    counts = [c for c in map(people_count, arrests) if c.qualifier is not Qualifier.UNKNOWN]
    if len(set(counts)) == 1:
        return chosen
    lows, highs = [c.low for c in counts], [c.high for c in counts]
    low = min((x for x in lows if x is not None), default=None) if None not in lows else None
    high = max((x for x in highs if x is not None), default=None) if None not in highs else None
    return Count(low, chosen.best, high, chosen.qualifier)


def _latest_date(claims: Sequence[Claim]) -> FuzzyDate:
    latest = FuzzyDate.unknown()
    for claim in claims:
        date = claim_date(claim)
        if date.latest is not None and (latest.latest is None or _later(date, latest)):
            latest = date
    return latest


def _last_known_place(
    last_place: Option | None, chain: Sequence[CustodyStep], arrest_place: Option | None
) -> str | None:
    """Where a report last placed the group; else the last custody step; else the arrest."""
    if last_place is not None:
        return last_place.display
    places = [step.place for step in chain if step.place]
    if places:
        return places[-1]
    return arrest_place.display if arrest_place else None


def _vulnerable(claims: Sequence[Claim], pick: _Picker) -> tuple[tuple[str, int], ...]:
    """Per kind, the highest count reported (or the reviewer's); kinds with 0 are left out."""
    result = []
    for kind in sorted({k for c in claims if (k := text_value(c, "kind"))}):
        options = group_options(
            [c for c in claims if text_value(c, "kind") == kind],
            lambda c: int_value(c, "count"),
            lambda cs: str(int_value(cs[0], "count")),
        )
        chosen = pick(f"vulnerable.{kind}", options, VULNERABLE_RULES)
        if chosen is not None and isinstance(chosen.key, int) and chosen.key > 0:
            result.append((kind, chosen.key))
    return tuple(result)


def _subgroups(groups: Mapping[str, tuple[Claim, ...]], sources: Sources) -> tuple[SubGroup, ...]:
    result = [_subgroup(claims, sources) for claims in groups.values()]
    return tuple(sorted(result, key=lambda g: (g.label, g.claim_ids)))


def _subgroup(claims: Sequence[Claim], sources: Sources) -> SubGroup:
    """A sub-group's own count, status and place, chosen by the same rules as the group's."""
    pick = _Picker(sources)
    size = pick(
        "size", _count_options([c for c in claims if c.kind is ClaimKind.APPREHENSION]), SIZE_RULES
    )
    statuses = [c for c in claims if c.kind is ClaimKind.STATUS]
    status = pick("status", _status_options(statuses), STATUS_RULES)
    last_place = pick(
        "last_known_place", _place_options(statuses, "last_known_place"), last_place_rules(status)
    )
    count = people_count(size.claims[0]) if size else Count.unknown()
    label = f"Sub-group of {count.describe()}" + (f", {last_place.display}" if last_place else "")
    return SubGroup(
        label=label,
        count=count,
        status=Status(str(status.key)) if status else Status.UNKNOWN,
        claim_ids=tuple(sorted(c.id for c in claims)),
    )
