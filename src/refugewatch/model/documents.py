"""Documents: the original bytes and what ingest derived from them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from refugewatch.model.dates import FuzzyDate


class Sensitivity(StrEnum):
    PUBLIC = "public"
    CONFIDENTIAL = "confidential"


class SourceType(StrEnum):
    NEWS = "news"
    NGO_RELEASE = "ngo_release"
    UN_COMMUNICATION = "un_communication"
    LETTER = "letter"
    TESTIMONY = "testimony"
    CONTACT_REPORT = "contact_report"
    UNKNOWN = "unknown"


# Admiralty scale: source reliability A (reliable) .. F (cannot be judged) and information
# credibility 1 (confirmed) .. 6 (cannot be judged). Defaults by source type until a reviewer sets it.
DEFAULT_RELIABILITY: dict[SourceType, str] = {
    SourceType.UN_COMMUNICATION: "A2",
    SourceType.NGO_RELEASE: "B2",
    SourceType.LETTER: "B2",
    SourceType.NEWS: "C3",
    SourceType.TESTIMONY: "C3",
    SourceType.CONTACT_REPORT: "C3",
    SourceType.UNKNOWN: "F6",
}


@dataclass(frozen=True)
class Document:
    """One ingested file. Identity is the sha256 of the original bytes."""

    sha256: str
    filename: str
    media_type: str
    original: bytes
    clean_text: str
    cleaner_version: str
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    collector: str | None = None
    source_type: SourceType = SourceType.UNKNOWN
    published: FuzzyDate = field(default_factory=FuzzyDate.unknown)
    language: str | None = None
    sensitivity: Sensitivity = Sensitivity.PUBLIC
    reliability: str = DEFAULT_RELIABILITY[SourceType.UNKNOWN]
    encoding: str | None = None
    ingested_at: dt.datetime | None = None
    ingested_by: str | None = None
    flags: tuple[str, ...] = ()

    @property
    def short_id(self) -> str:
        return self.sha256[:12]
