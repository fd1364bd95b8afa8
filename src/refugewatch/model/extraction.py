"""What the extractor finds in one document: incidents, statistics and appeals, each with evidence.

These are the pipeline's output before linking. `claims.claims_from_extraction` turns them into
atomic claims for storage, review and the case fold.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from refugewatch.model.counts import Count
from refugewatch.model.dates import FuzzyDate


class Status(StrEnum):
    DETAINED = "detained"
    REPATRIATED = "repatriated"
    RELEASED = "released"
    REACHED_SAFE_COUNTRY = "reached_safe_country"
    MISSING = "missing"
    UNKNOWN = "unknown"


ACTIVE_STATUSES = frozenset({Status.DETAINED, Status.MISSING, Status.UNKNOWN})


class VulnerabilityKind(StrEnum):
    INFANTS = "infants"
    CHILDREN = "children"
    ELDERLY = "elderly"
    ILL_OR_INJURED = "ill_or_injured"
    PREGNANT = "pregnant"
    TRAFFICKING_SURVIVORS = "trafficking_survivors"


class Measure(StrEnum):
    DETAINED = "detained"
    REPATRIATED = "repatriated"
    ARRIVED_SOUTH_KOREA = "arrived_south_korea"
    IN_HIDING = "in_hiding"
    OTHER = "other"


class Confidence(StrEnum):
    """Fixed levels per rule; docs/extraction.md gives what each means and its measured precision."""

    HIGH = "high"  # count, event verb and place/date in one sentence
    MEDIUM = "medium"  # count and event verb in one sentence, other facts from the paragraph
    LOW = "low"  # facts spread over the document, or a weak event verb


@dataclass(frozen=True)
class Span:
    """Evidence: [start, end) character offsets into the document's clean text, and the quote."""

    start: int
    end: int
    quote: str


@dataclass(frozen=True)
class CustodyStep:
    date: FuzzyDate
    place: str | None
    country: str | None
    custodian: str | None
    evidence: Span | None = None


@dataclass(frozen=True)
class Incident:
    people: Count
    evidence: Span
    nationality: str | None = "KP"
    apprehended_date: FuzzyDate = field(default_factory=FuzzyDate.unknown)
    apprehended_place: str | None = None
    apprehended_place_id: str | None = None
    apprehended_country: str | None = None
    apprehended_by: str | None = None
    custody_chain: tuple[CustodyStep, ...] = ()
    status: Status = Status.UNKNOWN
    status_date: FuzzyDate = field(default_factory=FuzzyDate.unknown)
    last_known_place: str | None = None
    vulnerable: tuple[tuple[VulnerabilityKind, int], ...] = ()
    confidence: Confidence = Confidence.MEDIUM
    rule: str = ""
    subset_of: int | None = None  # index of the parent incident when this is a sub-group
    # Further spans backing individual fields, by field name ("status", "vulnerable.infants", ...).
    field_evidence: tuple[tuple[str, Span], ...] = ()

    def vulnerable_count(self, kind: VulnerabilityKind) -> int:
        return sum(n for k, n in self.vulnerable if k is kind)


@dataclass(frozen=True)
class Statistic:
    measure: Measure
    count: Count
    evidence: Span
    period_start: FuzzyDate = field(default_factory=FuzzyDate.unknown)
    period_end: FuzzyDate = field(default_factory=FuzzyDate.unknown)
    place: str | None = None
    confidence: Confidence = Confidence.MEDIUM
    rule: str = ""


@dataclass(frozen=True)
class Appeal:
    sender: str | None
    addressee: str | None
    date: FuzzyDate
    asks: tuple[str, ...]
    evidence: Span
    confidence: Confidence = Confidence.MEDIUM
    rule: str = ""


@dataclass(frozen=True)
class Extraction:
    incidents: tuple[Incident, ...] = ()
    statistics: tuple[Statistic, ...] = ()
    appeals: tuple[Appeal, ...] = ()
    flags: tuple[str, ...] = ()  # e.g. "no_publication_date: years not resolved"
