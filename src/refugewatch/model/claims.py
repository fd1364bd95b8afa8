"""Claims: one fact a document asserts, with its evidence, precision, confidence and review state.

An extracted Incident becomes several claims (apprehension, transfers, status, vulnerabilities)
that share an `incident_key`, so the case fold can treat them one by one and a reviewer can accept
the count while rejecting the date.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

from refugewatch.model.counts import Count, Qualifier
from refugewatch.model.dates import FuzzyDate
from refugewatch.model.documents import Sensitivity
from refugewatch.model.extraction import (
    Appeal,
    Confidence,
    CustodyStep,
    Extraction,
    Incident,
    Span,
    Statistic,
    Status,
    VulnerabilityKind,
)

Scalar = str | int | float | bool | None
Values = Mapping[str, Scalar]


class ClaimKind(StrEnum):
    APPREHENSION = "apprehension"
    TRANSFER = "transfer"
    STATUS = "status"
    VULNERABILITY = "vulnerability"
    STATISTIC = "statistic"
    APPEAL = "appeal"


class ReviewState(StrEnum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    EDITED = "edited"


@dataclass(frozen=True)
class Evidence:
    document_sha256: str
    cleaner_version: str
    start: int
    end: int
    quote: str


@dataclass(frozen=True)
class Claim:
    document_sha256: str
    kind: ClaimKind
    values: Values
    evidence: Evidence
    date: FuzzyDate = field(default_factory=FuzzyDate.unknown)
    confidence: Confidence = Confidence.MEDIUM
    rule: str = ""
    incident_key: str | None = None  # "<doc sha256[:12]>#<n>": claims of one extracted incident
    seq: int = 0  # order within the incident (custody steps in order)
    review: ReviewState = ReviewState.PROPOSED
    edited_values: Values | None = None  # a reviewer's correction; `values` keeps the original
    sensitivity: Sensitivity = Sensitivity.PUBLIC
    reliability: str | None = None

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.kind, self.values, self.date, self.evidence.quote)

    @property
    def id(self) -> str:
        """Stable identity: the document plus the fingerprint (offsets may move on re-cleaning)."""
        digest = hashlib.sha256(f"{self.document_sha256}:{self.fingerprint}".encode())
        return digest.hexdigest()[:20]

    @property
    def effective_values(self) -> Values:
        return self.edited_values if self.edited_values is not None else self.values

    @property
    def effective_date(self) -> FuzzyDate:
        """The reviewer's corrected date (an EDTF string under "date") or the extracted one."""
        edited = self.edited_values.get("date") if self.edited_values is not None else None
        if not isinstance(edited, str) or not edited:
            return self.date
        try:
            return FuzzyDate.parse_edtf(edited)
        except ValueError:  # a malformed correction never hides the extracted date
            return self.date

    @property
    def counts_for_case(self) -> bool:
        return self.review is not ReviewState.REJECTED


def fingerprint(kind: ClaimKind, values: Values, date: FuzzyDate, quote: str) -> str:
    """kind + normalised values + normalised quote; survives re-cleaning and re-extraction."""
    norm_values = {k: _normalise(v) for k, v in sorted(values.items())}
    payload = json.dumps(
        [kind.value, norm_values, date.to_edtf_interval(), _normalise(quote)],
        ensure_ascii=False,
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


def _normalise(value: Scalar) -> Scalar:
    if isinstance(value, str):
        return re.sub(r"\s+", " ", value).strip().casefold()
    return value


def incident_key(document_sha256: str, index: int) -> str:
    return f"{document_sha256[:12]}#{index}"


def claims_from_extraction(
    extraction: Extraction,
    document_sha256: str,
    cleaner_version: str,
    sensitivity: Sensitivity = Sensitivity.PUBLIC,
    reliability: str | None = None,
) -> list[Claim]:
    """Split an extraction into atomic claims, each carrying the document's sensitivity."""
    base = _ClaimFactory(document_sha256, cleaner_version, sensitivity, reliability)
    claims: list[Claim] = []
    for index, incident in enumerate(extraction.incidents):
        claims.extend(base.from_incident(incident, incident_key(document_sha256, index)))
    claims.extend(base.from_statistic(s) for s in extraction.statistics)
    claims.extend(base.from_appeal(a) for a in extraction.appeals)
    return claims


@dataclass(frozen=True)
class _ClaimFactory:
    document_sha256: str
    cleaner_version: str
    sensitivity: Sensitivity
    reliability: str | None

    def evidence(self, span: Span) -> Evidence:
        return Evidence(
            self.document_sha256, self.cleaner_version, span.start, span.end, span.quote
        )

    def make(self, kind: ClaimKind, values: Values, span: Span, **kw: object) -> Claim:
        claim = Claim(
            document_sha256=self.document_sha256,
            kind=kind,
            values=values,
            evidence=self.evidence(span),
            sensitivity=self.sensitivity,
            reliability=self.reliability,
        )
        return replace(claim, **kw)  # type: ignore[arg-type]

    def from_incident(self, inc: Incident, key: str) -> list[Claim]:
        spans = dict(inc.field_evidence)
        common: dict[str, object] = {
            "confidence": inc.confidence,
            "rule": inc.rule,
            "incident_key": key,
        }
        claims = [
            self.make(
                ClaimKind.APPREHENSION,
                {
                    "people_low": inc.people.low,
                    "people_best": inc.people.best,
                    "people_high": inc.people.high,
                    "people_qualifier": inc.people.qualifier.value,
                    "nationality": inc.nationality,
                    "place": inc.apprehended_place,
                    "place_id": inc.apprehended_place_id,
                    "country": inc.apprehended_country,
                    "custodian": inc.apprehended_by,
                    "subset_of": inc.subset_of,
                },
                inc.evidence,
                date=inc.apprehended_date,
                **common,
            )
        ]
        for seq, step in enumerate(inc.custody_chain, start=1):
            claims.append(self._transfer(step, inc.evidence, seq, common))
        claims.append(
            self.make(
                ClaimKind.STATUS,
                {"status": inc.status.value, "last_known_place": inc.last_known_place},
                spans.get("status", inc.evidence),
                date=inc.status_date,
                **common,
            )
        )
        for kind, count in inc.vulnerable:
            span = spans.get(f"vulnerable.{kind.value}", inc.evidence)
            claims.append(
                self.make(
                    ClaimKind.VULNERABILITY, {"kind": kind.value, "count": count}, span, **common
                )
            )
        return claims

    def _transfer(
        self, step: CustodyStep, fallback: Span, seq: int, common: dict[str, object]
    ) -> Claim:
        return self.make(
            ClaimKind.TRANSFER,
            {"place": step.place, "country": step.country, "custodian": step.custodian},
            step.evidence or fallback,
            date=step.date,
            seq=seq,
            **common,
        )

    def from_statistic(self, stat: Statistic) -> Claim:
        return self.make(
            ClaimKind.STATISTIC,
            {
                "measure": stat.measure.value,
                "count_low": stat.count.low,
                "count_best": stat.count.best,
                "count_high": stat.count.high,
                "qualifier": stat.count.qualifier.value,
                "period_start": stat.period_start.to_edtf(),
                "period_end": stat.period_end.to_edtf(),
                "place": stat.place,
            },
            stat.evidence,
            confidence=stat.confidence,
            rule=stat.rule,
        )

    def from_appeal(self, appeal: Appeal) -> Claim:
        return self.make(
            ClaimKind.APPEAL,
            {
                "sender": appeal.sender,
                "addressee": appeal.addressee,
                "asks": "; ".join(appeal.asks),
            },
            appeal.evidence,
            date=appeal.date,
            confidence=appeal.confidence,
            rule=appeal.rule,
        )


def incident_from_claims(claims: Sequence[Claim]) -> Incident | None:
    """Rebuild one incident from its (possibly reviewed) claims; None if its apprehension is gone.

    Linking works on incidents; rebuilding them from stored claims means reviewers' edits and
    rejections change how cases link, without re-running extraction.
    """
    live = sorted((c for c in claims if c.counts_for_case), key=lambda c: (c.kind, c.seq))
    heads = [c for c in live if c.kind is ClaimKind.APPREHENSION]
    if not heads:
        return None
    head = heads[0]
    v = head.effective_values
    status = next((c for c in live if c.kind is ClaimKind.STATUS), None)
    return Incident(
        people=Count(
            _int(v.get("people_low")),
            _int(v.get("people_best")),
            _int(v.get("people_high")),
            Qualifier(str(v.get("people_qualifier") or "unknown")),
        ),
        evidence=Span(head.evidence.start, head.evidence.end, head.evidence.quote),
        nationality=_str(v.get("nationality")),
        apprehended_date=head.effective_date,
        apprehended_place=_str(v.get("place")),
        apprehended_place_id=_str(v.get("place_id")),
        apprehended_country=_str(v.get("country")),
        apprehended_by=_str(v.get("custodian")),
        custody_chain=tuple(
            CustodyStep(
                c.effective_date,
                _str(c.effective_values.get("place")),
                _str(c.effective_values.get("country")),
                _str(c.effective_values.get("custodian")),
                Span(c.evidence.start, c.evidence.end, c.evidence.quote),
            )
            for c in live
            if c.kind is ClaimKind.TRANSFER
        ),
        status=Status(str(status.effective_values.get("status"))) if status else Status.UNKNOWN,
        status_date=status.effective_date if status else FuzzyDate.unknown(),
        last_known_place=_str(status.effective_values.get("last_known_place")) if status else None,
        vulnerable=tuple(
            (
                VulnerabilityKind(str(c.effective_values["kind"])),
                _int(c.effective_values["count"]) or 0,
            )
            for c in live
            if c.kind is ClaimKind.VULNERABILITY
        ),
        confidence=head.confidence,
        rule=head.rule,
        subset_of=_int(v.get("subset_of")),
    )


def _int(value: Scalar) -> int | None:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _str(value: Scalar) -> str | None:
    return str(value) if value is not None else None
