"""The facts a draft may state about a case, for one audience, in words.

Order of filters: the case's own claims; reviewed claims only (or, where nobody has reviewed any,
the proposed ones, and the draft says UNREVIEWED); then the audience's redaction
(security.redact.claims_for: open audiences get public sources only, no quotes, small counts
withheld). The state is re-folded from what is left, so nothing from a filtered claim can leak
through a folded value.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from refugewatch.cases import fold_case
from refugewatch.cases.values import int_value, text_value
from refugewatch.errors import DraftingError
from refugewatch.extract.gazetteer import Gazetteer
from refugewatch.model.cases import Case, CaseState
from refugewatch.model.claims import Claim, ClaimKind, ReviewState
from refugewatch.model.counts import Count, Qualifier
from refugewatch.model.dates import FuzzyDate, Precision
from refugewatch.model.documents import Document
from refugewatch.model.extraction import Status
from refugewatch.outputs.treaties import TreatyTable
from refugewatch.security.redact import Audience, SourceRef, release_case

# Country of a place name, e.g. "Tumen" -> "CN" (the gazetteer's, by default).
CountryOf = Callable[[str], str | None]

REVIEWED = frozenset({ReviewState.ACCEPTED, ReviewState.EDITED})

# How a draft names vulnerable members: (one, several) per kind.
VULNERABLE_NOUNS: Mapping[str, tuple[str, str]] = {
    "infants": ("infant", "infants"),
    "children": ("child", "children"),
    "elderly": ("elderly person", "elderly people"),
    "ill_or_injured": ("person who is ill or injured", "people who are ill or injured"),
    "pregnant": ("pregnant woman", "pregnant women"),
    "trafficking_survivors": ("survivor of trafficking", "survivors of trafficking"),
}
NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
STATUS_WORDS: Mapping[Status, str] = {
    Status.DETAINED: "in detention",
    Status.MISSING: "missing",
    Status.UNKNOWN: "of unknown whereabouts",
    Status.REPATRIATED: "forcibly returned to North Korea",
    Status.RELEASED: "released",
    Status.REACHED_SAFE_COUNTRY: "safe in a third country",
}
APPREHENSION_ROLE = "state of apprehension"
CUSTODY_ROLE = "held the group in custody"


@dataclass(frozen=True)
class Step:
    when: str
    place: str
    custodian: str | None


@dataclass(frozen=True)
class CaseFacts:
    """What one draft may say, already in words."""

    audience: Audience
    unreviewed: bool
    state: CaseState
    people: str  # "9", "at least 41", "a small number of"
    vulnerable: tuple[str, ...]  # "one infant", "infants (fewer than 3)"
    apprehended_on: str
    apprehended_at: str | None
    apprehended_by: str | None
    steps: tuple[Step, ...]
    status: str
    status_on: str
    last_known_place: str | None
    detaining_state: str | None  # ISO2 of the state holding the group now
    countries: tuple[tuple[str, str], ...]  # (ISO2, role) along the custody chain, in order
    sources: tuple[SourceRef, ...]
    claim_ids: tuple[str, ...]


def gather_facts(
    case: Case,
    claims: Sequence[Claim],
    documents: Mapping[str, Document],
    audience: Audience,
    country_of: CountryOf | None = None,
    treaties: TreatyTable | None = None,
) -> CaseFacts:
    """The case's facts for `audience`; refuses (ConsentRequiredError) without the consent."""
    chosen, unreviewed = usable_claims(case, claims)
    release = release_case(case, audience, chosen, documents)
    visible = list(release.claims)
    if not any(c.kind is ClaimKind.APPREHENSION for c in visible):
        raise DraftingError(
            f"case {case.id}: no claim about the arrest may be used for the "
            f"{audience.value.replace('_', ' ')} audience (they come from confidential sources, "
            "were rejected, or their documents are missing); nothing to draft from"
        )
    published = {s.reference: FuzzyDate.parse_edtf(s.published) for s in release.sources}
    state = fold_case(visible, published=published)
    locate = country_of or Gazetteer.default().country_of
    names = treaties or TreatyTable.default()
    return CaseFacts(
        audience=audience,
        unreviewed=unreviewed,
        state=state,
        people=people_words(state.size),
        vulnerable=vulnerable_words(state, visible),
        apprehended_on=date_words(state.apprehended_date),
        apprehended_at=_place_in(state.apprehended_place, state.apprehended_country, names),
        apprehended_by=_custodian(visible),
        steps=tuple(
            Step(
                date_words(s.date) if s.date.is_known else "",
                s.place or names.state_name(s.country or ""),
                s.custodian,
            )
            for s in state.custody_chain
        ),
        status=STATUS_WORDS[state.status],
        status_on=date_words(state.status_date),
        last_known_place=state.last_known_place,
        detaining_state=detaining_state(state, locate),
        countries=custody_countries(state, locate),
        sources=release.sources,
        claim_ids=tuple(sorted(c.id for c in visible)),
    )


def usable_claims(case: Case, claims: Sequence[Claim]) -> tuple[list[Claim], bool]:
    """The case's reviewed claims; if none was reviewed, its proposed ones (flag: unreviewed)."""
    keys = set(case.incident_keys)
    own = [c for c in claims if c.incident_key in keys]
    reviewed = [c for c in own if c.review in REVIEWED]
    if reviewed:
        return reviewed, False
    return [c for c in own if c.review is ReviewState.PROPOSED], True


# -- words --------------------------------------------------------------------------------------


def date_words(date: FuzzyDate) -> str:
    """At the date's own precision: never a day that was not reported."""
    if date.earliest is None or date.latest is None:
        return "on an unknown date"
    if date.precision is Precision.DAY:
        return f"on {date.earliest.day} {date.earliest:%B %Y}"
    if date.precision is Precision.MONTH:
        return f"in {date.earliest:%B %Y}"
    if date.precision is Precision.YEAR:
        return f"in {date.earliest.year}"
    return f"between {date.earliest.day} {date.earliest:%B %Y} and {date.latest.day} {date.latest:%B %Y}"


def people_words(size: Count) -> str:
    if size.qualifier is Qualifier.UNKNOWN or size.headline is None:
        return "a number of"
    return size.describe()


def vulnerable_words(state: CaseState, claims: Sequence[Claim]) -> tuple[str, ...]:
    """Counted kinds from the fold, and kinds whose small count an open audience may not see."""
    words = [_counted(kind, count) for kind, count in state.vulnerable]
    counted = {kind for kind, _ in state.vulnerable}
    for claim in claims:
        kind = text_value(claim, "kind")
        withheld = text_value(claim, "count_withheld")
        missing = int_value(claim, "count") is None
        is_kind = claim.kind is ClaimKind.VULNERABILITY and kind is not None
        if is_kind and kind and withheld and missing and kind not in counted:
            counted.add(kind)
            words.append(f"one or more {_nouns(kind)[1]} (exact number withheld)")
    return tuple(words)


def _counted(kind: str, count: int) -> str:
    one, several = _nouns(kind)
    if count == 1:
        return f"one {one}"
    number = NUMBER_WORDS[count] if count < len(NUMBER_WORDS) else str(count)
    return f"{number} {several}"


def _nouns(kind: str) -> tuple[str, str]:
    plain = kind.replace("_", " ")
    return VULNERABLE_NOUNS.get(kind, (plain, plain))


def _place_in(place: str | None, country: str | None, names: TreatyTable) -> str | None:
    if place and country:
        return f"{place} ({names.state_name(country)})"
    if place:
        return place
    return names.state_name(country) if country else None


def _custodian(claims: Sequence[Claim]) -> str | None:
    found = sorted(
        {
            v
            for c in claims
            if c.kind is ClaimKind.APPREHENSION and (v := text_value(c, "custodian"))
        }
    )
    return " / ".join(found) or None


# -- states along the chain ---------------------------------------------------------------------


def custody_countries(state: CaseState, country_of: CountryOf) -> tuple[tuple[str, str], ...]:
    """(ISO2, role) for the arrest and each transfer, in order; unknown countries left out."""
    pairs: list[tuple[str, str]] = []
    if state.apprehended_country:
        pairs.append((state.apprehended_country.upper(), APPREHENSION_ROLE))
    elif state.apprehended_place and (code := country_of(state.apprehended_place)):
        pairs.append((code, APPREHENSION_ROLE))
    for step in state.custody_chain:
        code = step.country or (country_of(step.place) if step.place else None)
        if code:
            pairs.append((code.upper(), CUSTODY_ROLE))
    holder = detaining_state(state, country_of)
    if holder and holder not in {code for code, _ in pairs}:
        pairs.append((holder, CUSTODY_ROLE))
    return tuple(pairs)


def detaining_state(state: CaseState, country_of: CountryOf) -> str | None:
    """Where the group was last known to be held: the last place's country, else the chain's."""
    if state.last_known_place and (code := country_of(state.last_known_place)):
        return code.upper()
    for step in reversed(state.custody_chain):
        if step.country:
            return step.country.upper()
    return state.apprehended_country.upper() if state.apprehended_country else None
