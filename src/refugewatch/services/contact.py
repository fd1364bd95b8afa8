"""First-hand contact reports: a researcher's record of a call from a relative, pastor or activist.

A report becomes a CONFIDENTIAL document (source type contact_report, text/plain) whose text is
written from a fixed template, so its sha256 identifies it and evidence offsets point into it.
Its claims come straight from the structured fields, not from the news extractor: the fields are
what the researcher checked with the caller, and the "what was said" part is kept verbatim as the
account behind them but not mined (a second incident drawn from it would be a second group in one
document, which the linker keeps apart). Because the template is fixed, the claims can be derived
again from the stored text alone (`contact_claims`), so re-extraction gives the same fingerprints
and reviewers' decisions stay attached.

The claims link like any other, so the case shows news and first-hand accounts side by side. The
case the report links to takes the report's consent as its disclosure when that is stricter.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import TypeVar

from refugewatch.errors import ValidationError
from refugewatch.extract.gazetteer import Gazetteer
from refugewatch.model.cases import Case, Disclosure
from refugewatch.model.claims import Claim, claims_from_extraction, incident_key
from refugewatch.model.counts import Count
from refugewatch.model.dates import FuzzyDate
from refugewatch.model.documents import Document, Sensitivity, SourceType
from refugewatch.model.extraction import (
    Confidence,
    Extraction,
    Incident,
    Span,
    Status,
    VulnerabilityKind,
)
from refugewatch.model.places import PlaceKind
from refugewatch.security.crypto import FieldCipher
from refugewatch.services.cases import UowFactory, rebuild_in, stricter
from refugewatch.services.protection_keys import seal_document, seal_quotes
from refugewatch.services.review import append_event
from refugewatch.store.protocols import UnitOfWork


class ReporterRelation(StrEnum):
    """Who the caller is to the group; never their name."""

    RELATIVE = "relative"
    PASTOR = "pastor"
    ACTIVIST = "activist"
    BROKER = "broker"
    OTHER = "other"


@dataclass(frozen=True)
class GroupMember:
    """One person in the group, by pseudonym only, with what makes them vulnerable."""

    pseudonym: str
    vulnerabilities: tuple[VulnerabilityKind, ...] = ()


@dataclass(frozen=True)
class ContactReport:
    relation: ReporterRelation
    reliability: str  # admiralty grade of this caller and account, e.g. "B2"
    group_size: Count
    status: Status  # as the caller knows it at the last contact
    last_contact: FuzzyDate
    statement: str  # what was said, in the researcher's notes; pseudonyms only
    consent: Disclosure  # what the caller agreed may be shared
    received_at: dt.datetime  # when the call was taken (aware)
    last_contact_place: str | None = None
    members: tuple[GroupMember, ...] = ()
    apprehended_on: FuzzyDate = field(default_factory=FuzzyDate.unknown)
    apprehended_place: str | None = None


# Bump when the template changes: evidence offsets point into text written by this version.
TEMPLATE_VERSION = "contact-1"
TITLE_LINE = "CONTACT REPORT - CONFIDENTIAL first-hand account, not for publication"
STATEMENT_LABEL = "What was said:"
# Field labels in template order. Apprehension facts sit together, then status facts, so each
# claim's evidence is one contiguous block of the text.
LABELS = (
    "Received",
    "Reporter",
    "Reliability",
    "Consent",
    "Group size",
    "Members",
    "Detained on",
    "Detained at",
    "Status",
    "Last contact",
    "Last contact place",
)
APPREHENSION_BLOCK = ("Group size", "Detained at")
STATUS_BLOCK = ("Status", "Last contact place")
NO_VALUE = "unknown"
NO_MEMBERS = "none listed"
# Admiralty scale: source reliability A-F, information credibility 1-6.
ADMIRALTY_GRADE = re.compile(r"[A-F][1-6]")
# Characters the Members line uses to separate pseudonyms and their vulnerabilities.
MEMBER_SEPARATORS = frozenset(";[],")
MAX_PSEUDONYM_LENGTH = 100
# The people reported are North Koreans; that is what the project documents.
NATIONALITY = "KP"
RULE = "contact_report.fields"
_COUNT_FORMS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], Count]], ...] = (
    (re.compile(r"(\d+) to (\d+)"), lambda m: Count.between(int(m[1]), int(m[2]))),
    (re.compile(r"at least (\d+)"), lambda m: Count.at_least(int(m[1]))),
    (re.compile(r"about (\d+)"), lambda m: Count.about(int(m[1]))),
    (re.compile(r"up to (\d+)"), lambda m: Count.up_to(int(m[1]))),
    (re.compile(r"(\d+)"), lambda m: Count.exact(int(m[1]))),
)
E = TypeVar("E", bound=StrEnum)
_MEMBER = re.compile(r"(?P<name>[^\[\]]+?)(?: \[(?P<kinds>[^\]]*)\])?")


def record_contact_report(
    uow_factory: UowFactory,
    report: ContactReport,
    *,
    actor: str,
    cipher: FieldCipher | None = None,
) -> Document:
    """Store a contact report as a confidential document with its claims, link it, and tighten
    the linked case's disclosure to the caller's consent. Recording the same report twice is a
    no-op that returns the stored document.

    The account is sealed under the data key (`cipher`; refused without it) and its evidence
    quotes are stored as hashes: only pseudonyms and structured facts stay readable."""
    report = tidy(report)
    problems = contact_report_problems(report)
    if not actor.strip():
        problems.append("say who took the call (actor)")
    if problems:
        raise ValidationError(problems)
    document = contact_document(report, actor=actor)
    with uow_factory() as uow:
        stored = uow.documents.get(document.sha256)
        if stored is not None:
            return stored
        seal_document(uow, cipher, document)
        uow.claims.replace_for_document(document.sha256, seal_quotes(contact_claims(document)))
        append_event(
            uow,
            actor,
            "document.contact_report",
            document.sha256,
            None,
            _audit_view(document, report),
            "first-hand contact report",
            {},
        )
        rebuild_in(uow, actor)
        _apply_consent(uow, uow.cases.list(), document, report.consent, actor)
        uow.commit()
    return document


def _apply_consent(
    uow: UnitOfWork, cases: Sequence[Case], document: Document, consent: Disclosure, actor: str
) -> None:
    key = incident_key(document.sha256, 0)
    case = next((c for c in cases if key in c.incident_keys), None)
    if case is None:
        return
    details = {"document": document.sha256}
    append_event(
        uow,
        actor,
        "case.contact_report",
        case.id,
        None,
        {"document": document.sha256},
        "first-hand contact report linked to this case",
        details,
    )
    if stricter(consent, case.disclosure) == case.disclosure:
        return
    note = f"consent given with contact report {document.short_id}"
    uow.cases.set_disclosure(case.id, consent, note)
    append_event(
        uow,
        actor,
        "case.disclosure",
        case.id,
        {"disclosure": case.disclosure.value},
        {"disclosure": consent.value},
        "the caller's consent is stricter",
        details,
    )


def _audit_view(document: Document, report: ContactReport) -> dict[str, object]:
    """Identity and handling of the report; never its text (the audit log is not confidential)."""
    return {
        "sha256": document.sha256,
        "source_type": document.source_type.value,
        "sensitivity": document.sensitivity.value,
        "reliability": document.reliability,
        "consent": report.consent.value,
        "template": TEMPLATE_VERSION,
    }


# --- the document --------------------------------------------------------------------------------


def contact_document(report: ContactReport, *, actor: str) -> Document:
    """The confidential document for a (tidied, valid) report; identity = sha256 of its text."""
    text = render_contact_report(report)
    data = text.encode("utf-8")
    sha256 = hashlib.sha256(data).hexdigest()
    received = report.received_at.astimezone(dt.UTC)
    return Document(
        sha256=sha256,
        filename=f"contact-report-{sha256[:12]}.txt",
        media_type="text/plain",
        original=data,
        clean_text=text,
        cleaner_version=TEMPLATE_VERSION,
        title=f"Contact report from a {report.relation.value}, {received.date().isoformat()}",
        source_type=SourceType.CONTACT_REPORT,
        published=FuzzyDate.from_date(received.date()),
        language="en",
        sensitivity=Sensitivity.CONFIDENTIAL,
        reliability=report.reliability,
        ingested_at=dt.datetime.now(dt.UTC),
        ingested_by=actor,
    )


def render_contact_report(report: ContactReport) -> str:
    """The fixed template: one "Label: value" line per field, then the statement verbatim."""
    values = {
        "Received": report.received_at.astimezone(dt.UTC).isoformat(timespec="seconds"),
        "Reporter": report.relation.value,
        "Reliability": report.reliability,
        "Consent": report.consent.value,
        "Group size": report.group_size.describe(),
        "Members": _members_text(report.members),
        "Detained on": report.apprehended_on.to_edtf_interval() or NO_VALUE,
        "Detained at": report.apprehended_place or NO_VALUE,
        "Status": report.status.value,
        "Last contact": report.last_contact.to_edtf_interval() or NO_VALUE,
        "Last contact place": report.last_contact_place or NO_VALUE,
    }
    lines = [TITLE_LINE, *(f"{label}: {values[label]}" for label in LABELS), STATEMENT_LABEL]
    return "\n".join(lines) + "\n" + report.statement


def _members_text(members: Sequence[GroupMember]) -> str:
    if not members:
        return NO_MEMBERS
    parts = []
    for member in members:
        kinds = ", ".join(k.value for k in member.vulnerabilities)
        parts.append(f"{member.pseudonym} [{kinds}]" if kinds else member.pseudonym)
    return "; ".join(parts)


def parse_contact_report(text: str) -> ContactReport:
    """The report a template text was written from (inverse of render_contact_report)."""
    fields, statement = _split_template(text)
    problems: list[str] = []
    report = ContactReport(
        relation=_enum(ReporterRelation, fields["Reporter"], "reporter", problems),
        reliability=fields["Reliability"],
        group_size=_parse_count(fields["Group size"], problems),
        status=_enum(Status, fields["Status"], "status", problems),
        last_contact=_parse_date(fields["Last contact"], "last contact", problems),
        statement=statement,
        consent=_enum(Disclosure, fields["Consent"], "consent", problems),
        received_at=_parse_time(fields["Received"], problems),
        last_contact_place=_optional(fields["Last contact place"]),
        members=_parse_members(fields["Members"], problems),
        apprehended_on=_parse_date(fields["Detained on"], "detained on", problems),
        apprehended_place=_optional(fields["Detained at"]),
    )
    if problems:
        raise ValidationError(problems)
    return report


def _split_template(text: str) -> tuple[dict[str, str], str]:
    header, marker, statement = text.partition("\n" + STATEMENT_LABEL + "\n")
    lines = header.split("\n")
    if not marker or lines[0] != TITLE_LINE:
        raise ValidationError(["this text was not written from the contact report template"])
    fields = dict(line.partition(": ")[::2] for line in lines[1:])
    missing = [label for label in LABELS if label not in fields]
    if missing:
        raise ValidationError([f"the contact report has no {label!r} line" for label in missing])
    return fields, statement


def _enum(kind: type[E], raw: str, what: str, problems: list[str]) -> E:
    try:
        return kind(raw)
    except ValueError:
        problems.append(f"{what} {raw!r} is not one of {', '.join(kind)}")
        return list(kind)[-1]


def _parse_count(raw: str, problems: list[str]) -> Count:
    if raw == Count.unknown().describe():
        return Count.unknown()
    for pattern, build in _COUNT_FORMS:
        if match := pattern.fullmatch(raw):
            return build(match)
    problems.append(f"group size {raw!r} is not a number, 'at least N', 'about N' or 'N to M'")
    return Count.unknown()


def _parse_date(raw: str, what: str, problems: list[str]) -> FuzzyDate:
    if raw == NO_VALUE:
        return FuzzyDate.unknown()
    try:
        return FuzzyDate.parse_edtf(raw)
    except ValueError:
        problems.append(f"{what} {raw!r} is not an EDTF date")
        return FuzzyDate.unknown()


def _parse_time(raw: str, problems: list[str]) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(raw)
    except ValueError:
        problems.append(f"received time {raw!r} is not an ISO 8601 timestamp")
        return dt.datetime.min.replace(tzinfo=dt.UTC)


def _parse_members(raw: str, problems: list[str]) -> tuple[GroupMember, ...]:
    if raw == NO_MEMBERS:
        return ()
    members = []
    for part in raw.split("; "):
        match = _MEMBER.fullmatch(part)
        if match is None:
            problems.append(f"member {part!r} is not 'pseudonym [vulnerabilities]'")
            continue
        kinds = match["kinds"].split(", ") if match["kinds"] else []
        vulnerable = tuple(_enum(VulnerabilityKind, k, "vulnerability", problems) for k in kinds)
        members.append(GroupMember(match["name"], vulnerable))
    return tuple(members)


def _optional(raw: str) -> str | None:
    return None if raw == NO_VALUE else raw


# --- the claims ----------------------------------------------------------------------------------


def contact_claims(document: Document, gazetteer: Gazetteer | None = None) -> list[Claim]:
    """The claims of a stored contact report, derived from its text alone (same every time)."""
    report = parse_contact_report(document.clean_text)
    incident = _incident(report, document.clean_text, gazetteer or Gazetteer.default())
    return claims_from_extraction(
        Extraction(incidents=(incident,)),
        document.sha256,
        document.cleaner_version,
        sensitivity=document.sensitivity,
        reliability=document.reliability,
    )


def _incident(report: ContactReport, text: str, gazetteer: Gazetteer) -> Incident:
    spans = _line_spans(text)
    arrest = _resolve(report.apprehended_place, gazetteer)
    last = _resolve(report.last_contact_place, gazetteer)
    status_span = _block(text, spans, STATUS_BLOCK)
    vulnerable = _vulnerable_counts(report.members)
    return Incident(
        people=report.group_size,
        evidence=_block(text, spans, APPREHENSION_BLOCK),
        nationality=NATIONALITY,
        apprehended_date=report.apprehended_on,
        apprehended_place=arrest.place,
        apprehended_place_id=arrest.place_id,
        # Where no arrest place is known, the group was at least last heard of in that country.
        apprehended_country=arrest.country or last.country,
        status=report.status,
        status_date=report.last_contact,
        last_known_place=report.last_contact_place and (last.place or report.last_contact_place),
        vulnerable=vulnerable,
        confidence=Confidence.HIGH,
        rule=RULE,
        field_evidence=(
            ("status", status_span),
            *((f"vulnerable.{kind.value}", spans["Members"]) for kind, _n in vulnerable),
        ),
    )


@dataclass(frozen=True)
class _Resolved:
    place: str | None
    place_id: str | None
    country: str | None


def _resolve(name: str | None, gazetteer: Gazetteer) -> _Resolved:
    """A place as the gazetteer spells it (so it matches news reports), with its country."""
    if name is None:
        return _Resolved(None, None, None)
    place = gazetteer.lookup(name)
    if place is None:
        return _Resolved(name, None, gazetteer.country_of(name))
    if place.kind is PlaceKind.COUNTRY:
        return _Resolved(None, None, place.country)
    return _Resolved(place.name, place.id, place.country)


def _vulnerable_counts(
    members: Sequence[GroupMember],
) -> tuple[tuple[VulnerabilityKind, int], ...]:
    counts = Counter(kind for m in members for kind in set(m.vulnerabilities))
    return tuple((kind, counts[kind]) for kind in VulnerabilityKind if counts[kind])


def _line_spans(text: str) -> dict[str, Span]:
    """Each field line's span (the whole "Label: value" line) in the template text."""
    spans: dict[str, Span] = {}
    start = 0
    for line in text.split("\n"):
        label = line.partition(": ")[0]
        if label in LABELS and label not in spans:
            spans[label] = Span(start, start + len(line), line)
        if line == STATEMENT_LABEL:
            break
        start += len(line) + 1
    return spans


def _block(text: str, spans: Mapping[str, Span], labels: tuple[str, str]) -> Span:
    """The lines from one label to another (the template keeps them adjacent)."""
    start, end = spans[labels[0]].start, spans[labels[1]].end
    return Span(start, end, text[start:end])


# --- validation ----------------------------------------------------------------------------------


def tidy(report: ContactReport) -> ContactReport:
    """Trim the free-text fields and drop sub-second time, so the text is stable."""
    return replace(
        report,
        reliability=report.reliability.strip().upper(),
        statement=report.statement.strip(),
        received_at=report.received_at.replace(microsecond=0),
        last_contact_place=_blank_to_none(report.last_contact_place),
        apprehended_place=_blank_to_none(report.apprehended_place),
        members=tuple(replace(m, pseudonym=m.pseudonym.strip()) for m in report.members),
    )


def _blank_to_none(value: str | None) -> str | None:
    return value.strip() or None if value is not None else None


def contact_report_problems(report: ContactReport) -> list[str]:
    """Everything wrong with a report, in words for the researcher (empty when it can be stored)."""
    problems = _kind_problems(report)
    if not ADMIRALTY_GRADE.fullmatch(report.reliability):
        problems.append(
            f"reliability {report.reliability!r} is not an admiralty grade such as B2 "
            "(source A-F, information 1-6)"
        )
    if _parse_count(report.group_size.describe(), []) != report.group_size:
        problems.append(
            "group size must be a number, 'at least N', 'about N', 'up to N' or 'N to M'"
        )
    problems.extend(_date_problems(report))
    problems.extend(_text_problems(report))
    problems.extend(_member_problems(report))
    return problems


def _kind_problems(report: ContactReport) -> list[str]:
    expected = {
        "relation": (report.relation, ReporterRelation),
        "status": (report.status, Status),
        "consent": (report.consent, Disclosure),
    }
    return [
        f"{name} {value!r} is not one of {', '.join(kind)}"
        for name, (value, kind) in expected.items()
        if not isinstance(value, kind)
    ]


def _date_problems(report: ContactReport) -> list[str]:
    if report.received_at.tzinfo is None:
        return ["the time the call was received needs a time zone (use UTC)"]
    problems = []
    received = report.received_at.astimezone(dt.UTC).date()
    if not report.last_contact.is_known:
        problems.append("say when the group was last in contact (a month or a range will do)")
    for what, date in (
        ("last contact", report.last_contact),
        ("detained on", report.apprehended_on),
    ):
        if date.is_known and FuzzyDate.parse_edtf(date.to_edtf_interval()) != date:
            problems.append(f"{what} must be a day, a month, a year or a range of days")
        elif date.earliest is not None and date.earliest > received:
            problems.append(f"{what} ({date.to_edtf_interval()}) is after the call was received")
    return problems


def _text_problems(report: ContactReport) -> list[str]:
    problems = []
    if not report.statement:
        problems.append("write down what was said")
    if "\x00" in report.statement:
        problems.append("what was said contains a NUL character; remove it")
    places = {
        "last contact place": report.last_contact_place,
        "detained at": report.apprehended_place,
    }
    for what, value in places.items():
        if value is not None and (not value.isprintable() or value == NO_VALUE):
            problems.append(f"{what} must be one line of plain text, got {value!r}")
    return problems


def _member_problems(report: ContactReport) -> list[str]:
    problems = []
    for n, member in enumerate(report.members, start=1):
        name = member.pseudonym
        if not name or not name.isprintable() or MEMBER_SEPARATORS & set(name):
            problems.append(
                f"member {n}: the pseudonym must be one line without ; [ ] or , (got {name!r})"
            )
        elif len(name) > MAX_PSEUDONYM_LENGTH or name == NO_MEMBERS:
            problems.append(f"member {n}: the pseudonym {name[:20]!r}... is not a usable pseudonym")
        bad = [k for k in member.vulnerabilities if not isinstance(k, VulnerabilityKind)]
        problems.extend(f"member {n}: {k!r} is not a vulnerability kind" for k in bad)
    high = report.group_size.high
    if high is not None and len(report.members) > high:
        problems.append(f"{len(report.members)} members are listed for a group of at most {high}")
    return problems
