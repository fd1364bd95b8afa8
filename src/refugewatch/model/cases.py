"""Cases: one group of people, linked across documents; its state is a fold over its claims."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from refugewatch.model.counts import Count
from refugewatch.model.dates import FuzzyDate
from refugewatch.model.extraction import CustodyStep, Status


class Disclosure(StrEnum):
    """What the family or reporter consented to; outputs for an audience check it first."""

    NONE = "none"
    UN_ONLY = "un_only"
    PARTNERS = "partners"
    PUBLIC = "public"


class ChoiceRule(StrEnum):
    """Which rule picked the displayed value among conflicting claims."""

    ONLY_VALUE = "only value"
    REVIEWER = "reviewer's choice"
    MOST_RECENT = "most recent"
    MOST_PRECISE = "most precise"
    MOST_SOURCES = "most sources"
    # Vulnerable members: the highest count reported, so a risk flag is never dropped because one
    # report left a child out.
    HIGHEST = "highest count"
    # Every rule tied (say two undated reports from unknown outlets): the alphabetically first
    # value is shown so the fold stays order-independent, and the reviewer is told it is a tie.
    TIE = "tie"


@dataclass(frozen=True)
class ConflictOption:
    value: str
    claim_ids: tuple[str, ...]
    document_sha256s: tuple[str, ...]


@dataclass(frozen=True)
class Conflict:
    field: str
    options: tuple[ConflictOption, ...]
    chosen: str
    rule: ChoiceRule


@dataclass(frozen=True)
class TimelineEntry:
    date: FuzzyDate
    kind: str
    description: str
    claim_id: str
    document_sha256: str


@dataclass(frozen=True)
class SubGroup:
    label: str
    count: Count
    status: Status
    claim_ids: tuple[str, ...]


@dataclass(frozen=True)
class CaseState:
    """Derived, never typed in: re-running the fold over the same claims gives the same state."""

    size: Count = field(default_factory=Count.unknown)
    status: Status = Status.UNKNOWN
    status_date: FuzzyDate = field(default_factory=FuzzyDate.unknown)
    apprehended_date: FuzzyDate = field(default_factory=FuzzyDate.unknown)
    apprehended_place: str | None = None
    apprehended_country: str | None = None
    last_known_place: str | None = None
    custody_chain: tuple[CustodyStep, ...] = ()
    vulnerable: tuple[tuple[str, int], ...] = ()
    conflicts: tuple[Conflict, ...] = ()
    timeline: tuple[TimelineEntry, ...] = ()
    undated: tuple[TimelineEntry, ...] = ()
    subgroups: tuple[SubGroup, ...] = ()
    document_sha256s: tuple[str, ...] = ()


@dataclass(frozen=True)
class Case:
    id: str
    label: str  # pseudonymous, e.g. "Group of 9, Mong Cai, Oct 2015"
    incident_keys: tuple[str, ...]
    state: CaseState = field(default_factory=CaseState)
    disclosure: Disclosure = Disclosure.NONE
    consent_note: str | None = None
