"""What an output for a given audience may use: pure filters over cases, claims and documents.

Audiences, from most to least trusted:
- internal: everything, including notes and confidential sources.
- un / partner: with the case's consent (Disclosure.UN_ONLY or wider / PARTNERS or wider), claims
  from confidential sources too, but never who collected them, file names, titles or links of
  confidential documents, nor internal notes.
- public / detaining_state: consent must be PUBLIC; only claims whose document AND claim are public,
  no quotes (they carry names), no labels or notes (typed by hand, may hold anything), only
  allow-listed values, and counts below a threshold withheld. A letter to a detaining state is read
  by the adversary, so it gets exactly what the public gets and no staff names.

Everything unknown is dropped rather than passed on: a new claim value or document field stays
internal until someone adds it to an allow-list here on purpose.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

from refugewatch.errors import ConsentRequiredError, ValidationError
from refugewatch.model.cases import Case, CaseState, Disclosure
from refugewatch.model.claims import Claim, Evidence, ReviewState, Scalar
from refugewatch.model.counts import Count, Qualifier
from refugewatch.model.documents import Document, Sensitivity


class Audience(StrEnum):
    INTERNAL = "internal"
    PARTNER = "partner"
    UN = "un"
    PUBLIC = "public"
    DETAINING_STATE = "detaining_state"


# Which recorded consents allow an output for each audience (DESIGN.md "Protection").
CONSENT_ALLOWS: Mapping[Audience, frozenset[Disclosure]] = {
    Audience.INTERNAL: frozenset(Disclosure),
    Audience.UN: frozenset({Disclosure.UN_ONLY, Disclosure.PARTNERS, Disclosure.PUBLIC}),
    Audience.PARTNER: frozenset({Disclosure.PARTNERS, Disclosure.PUBLIC}),
    Audience.PUBLIC: frozenset({Disclosure.PUBLIC}),
    Audience.DETAINING_STATE: frozenset({Disclosure.PUBLIC}),
}
# Audiences that see nothing from confidential sources and get small counts withheld.
OPEN_AUDIENCES = frozenset({Audience.PUBLIC, Audience.DETAINING_STATE})
# Audiences that are outside the organisation: rejected claims are never sent out as facts.
EXTERNAL_AUDIENCES = frozenset(Audience) - {Audience.INTERNAL}

# Claim values an open audience may see. Person names, notes and anything added later are not here;
# nor is an appeal's "asks", free text that often names the person the appeal is for.
OPEN_VALUE_KEYS = frozenset(
    {
        "people_low", "people_best", "people_high", "people_qualifier", "nationality", "place",
        "place_id", "country", "custodian", "subset_of", "status", "last_known_place", "kind",
        "count", "measure", "count_low", "count_best", "count_high", "qualifier",
        "period_start", "period_end", "addressee", "sender",
    }
)  # fmt: skip
# Count fields, as (low, best, high, qualifier) value keys, that small-count suppression applies to.
COUNT_GROUPS: tuple[tuple[str, str, str, str], ...] = (
    ("people_low", "people_best", "people_high", "people_qualifier"),
    ("count_low", "count_best", "count_high", "qualifier"),
)
# Vulnerability claims carry a single count ("2 children").
SINGLE_COUNT_KEYS = ("count",)
# Fewer than 3 people: small enough that family, village or cell-mates identify them.
DEFAULT_SMALL_COUNT_THRESHOLD = 3


@dataclass(frozen=True)
class RedactionPolicy:
    small_count_threshold: int = DEFAULT_SMALL_COUNT_THRESHOLD
    # Send only claims a reviewer accepted or edited (recommended for letters to a state).
    reviewed_only: bool = False

    def __post_init__(self) -> None:
        if self.small_count_threshold < 1:
            raise ValidationError(["the small-count threshold must be at least 1"])


@dataclass(frozen=True)
class SourceRef:
    """How an output may cite a document: public ones by outlet and link, confidential by type.

    `reference` is what the released claims carry as their document: the sha256 for public
    documents, an opaque "confidential-source-N" for confidential ones outside the organisation.
    """

    reference: str
    document_sha256: str | None
    confidential: bool
    source_type: str
    reliability: str
    published: str | None
    title: str | None = None
    outlet: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class CaseRelease:
    """Everything an output for `audience` may use about one case."""

    audience: Audience
    reference: str | None
    label: str | None
    disclosure: Disclosure
    consent_note: str | None
    claims: tuple[Claim, ...]
    sources: tuple[SourceRef, ...]
    # None for open audiences: the state folds confidential claims, so re-fold `claims` instead.
    state: CaseState | None
    withheld: tuple[str, ...] = field(default=())


def check_consent(case: Case, audience: Audience) -> None:
    if case.disclosure not in CONSENT_ALLOWS[audience]:
        raise ConsentRequiredError(
            f"case {case.id}: the recorded consent ({case.disclosure.value}) does not allow an "
            f"output for the {audience.value.replace('_', ' ')} audience; record the family's or "
            "reporter's consent first"
        )


def releasable_cases(cases: Sequence[Case], audience: Audience) -> list[Case]:
    """The cases whose consent allows this audience (for lists and aggregates)."""
    return [case for case in cases if case.disclosure in CONSENT_ALLOWS[audience]]


def claims_for(
    audience: Audience,
    claims: Sequence[Claim],
    documents: Mapping[str, Document],
    policy: RedactionPolicy = RedactionPolicy(),
) -> list[Claim]:
    """The claims this audience may see, redacted. Claims of unknown documents are dropped."""
    kept = [c for c in claims if _may_see(audience, c, documents.get(c.document_sha256), policy)]
    if audience in OPEN_AUDIENCES:
        kept = [_open_claim(c, policy.small_count_threshold) for c in kept]
    references = source_references(audience, kept, documents)
    return [_relabel(c, references[c.document_sha256]) for c in kept]


def source_references(
    audience: Audience, claims: Sequence[Claim], documents: Mapping[str, Document]
) -> dict[str, str]:
    """document sha256 -> how this output refers to it.

    Outside the organisation a confidential document's hash is never shown: whoever seizes the
    original (a contact's phone) could hash it and learn that it reached us.
    """
    references: dict[str, str] = {}
    for sha in sorted({c.document_sha256 for c in claims}):
        document = documents.get(sha)
        hidden = audience is not Audience.INTERNAL and (
            document is None or document.sensitivity is not Sensitivity.PUBLIC
        )
        references[sha] = f"confidential-source-{len(references) + 1}" if hidden else sha
    return references


def _relabel(claim: Claim, reference: str) -> Claim:
    if reference == claim.document_sha256:
        return claim
    evidence = replace(claim.evidence, document_sha256=reference)
    key = claim.incident_key
    relabelled_key = f"{reference}#{key.rsplit('#', 1)[-1]}" if key is not None else None
    return replace(claim, document_sha256=reference, evidence=evidence, incident_key=relabelled_key)


def _may_see(
    audience: Audience, claim: Claim, document: Document | None, policy: RedactionPolicy
) -> bool:
    if audience is Audience.INTERNAL:
        return True
    if document is None or claim.review is ReviewState.REJECTED:
        return False
    if policy.reviewed_only and claim.review not in (ReviewState.ACCEPTED, ReviewState.EDITED):
        return False
    if audience in OPEN_AUDIENCES:
        return (
            document.sensitivity is Sensitivity.PUBLIC and claim.sensitivity is Sensitivity.PUBLIC
        )
    return True


def _open_claim(claim: Claim, threshold: int) -> Claim:
    """Allow-listed values, small counts withheld, quote and reviewer notes removed."""
    values = {k: v for k, v in claim.effective_values.items() if k in OPEN_VALUE_KEYS}
    values = suppress_small_counts(values, threshold)
    evidence = Evidence(claim.evidence.document_sha256, claim.evidence.cleaner_version, 0, 0, "")
    return replace(claim, values=values, edited_values=None, evidence=evidence, rule="")


def suppress_small_counts(values: Mapping[str, Scalar], threshold: int) -> dict[str, Scalar]:
    """Withhold counts below the threshold; a `<group>_withheld` value says so in words."""
    out = dict(values)
    for low, best, high, qualifier in COUNT_GROUPS:
        if any(k in out for k in (low, best, high)):
            count = _count(out, low, best, high, qualifier)
            safe, note = suppress_count(count, threshold)
            out.update({low: safe.low, best: safe.best, high: safe.high, qualifier: safe.qualifier})
            if note:
                out[f"{low.rsplit('_', 1)[0]}_withheld"] = note
    for key in SINGLE_COUNT_KEYS:
        value = out.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool) and value < threshold:
            out[key] = None
            out[f"{key}_withheld"] = f"fewer than {threshold}"
    return out


def suppress_count(count: Count, threshold: int) -> tuple[Count, str | None]:
    """Return a count that states nothing below the threshold, and a note when one was withheld.

    Only true statements survive: "2 to 5" becomes "up to 5", "exactly 2" becomes "fewer than 3",
    "at least 1" becomes unknown (it said nothing a public reader needs).
    """
    if count.qualifier is Qualifier.UNKNOWN:
        return count, None
    upper = count.high if count.high is not None else _upper_of_about_or_up_to(count)
    if upper is not None and upper < threshold:
        return Count.unknown(), f"fewer than {threshold}"
    if count.low is not None and count.low < threshold:
        if count.high is not None:
            return Count.up_to(count.high), None
        return Count.unknown(), f"small number withheld (below {threshold} possible)"
    if count.best is not None and count.best < threshold:
        return Count.unknown(), f"fewer than {threshold}"
    return count, None


def _upper_of_about_or_up_to(count: Count) -> int | None:
    if count.qualifier in (Qualifier.ABOUT, Qualifier.UP_TO, Qualifier.EXACT):
        return count.best
    return None


def _count(values: Mapping[str, Scalar], low: str, best: str, high: str, qualifier: str) -> Count:
    raw_qualifier = str(values.get(qualifier) or Qualifier.UNKNOWN.value)
    try:
        parsed = Qualifier(raw_qualifier)
    except ValueError:
        parsed = Qualifier.UNKNOWN
    return Count(_int(values.get(low)), _int(values.get(best)), _int(values.get(high)), parsed)


def _int(value: Scalar) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value)


def source_ref(audience: Audience, document: Document, reference: str) -> SourceRef:
    """Cite a document: confidential sources only by type and reliability, never by identity."""
    confidential = document.sensitivity is not Sensitivity.PUBLIC
    published = document.published.to_edtf()
    if audience is Audience.INTERNAL or not confidential:
        return SourceRef(
            reference=reference,
            document_sha256=document.sha256,
            confidential=confidential,
            source_type=document.source_type.value,
            reliability=document.reliability,
            published=published,
            # Headlines often carry a name; open outputs cite outlet, date and link instead.
            title=None if audience in OPEN_AUDIENCES else document.title,
            outlet=document.outlet,
            url=document.url,
        )
    # A confidential document's hash would let whoever holds the original confirm that we hold it.
    return SourceRef(
        reference, None, True, document.source_type.value, document.reliability, published
    )


def release_case(
    case: Case,
    audience: Audience,
    claims: Sequence[Claim],
    documents: Mapping[str, Document],
    policy: RedactionPolicy = RedactionPolicy(),
    reference: str | None = None,
) -> CaseRelease:
    """Check consent, then keep what `audience` may use about the case.

    For open audiences the case id is replaced by `reference` (an export-scoped number the caller
    chooses): the id is a hash of document hashes, which a holder of a seized original could
    recompute to learn that it reached us.
    """
    check_consent(case, audience)
    visible = [c for c in claims if _may_see(audience, c, documents.get(c.document_sha256), policy)]
    references = source_references(audience, visible, documents)
    kept = claims_for(audience, visible, documents, policy)
    sources = tuple(
        source_ref(audience, documents[sha], reference)
        for sha, reference in references.items()
        if sha in documents
    )
    is_open = audience in OPEN_AUDIENCES
    return CaseRelease(
        audience=audience,
        reference=reference if is_open else case.id,
        label=None if is_open else case.label,
        disclosure=case.disclosure,
        consent_note=case.consent_note if audience is Audience.INTERNAL else None,
        claims=tuple(kept),
        sources=sources,
        state=None if is_open else case.state,
        withheld=_withheld_notes(kept),
    )


def _withheld_notes(claims: Sequence[Claim]) -> tuple[str, ...]:
    notes = {
        f"{c.kind.value} {key}: {value}"
        for c in claims
        for key, value in c.values.items()
        if key.endswith("_withheld")
    }
    return tuple(sorted(notes))


def render_json(release: CaseRelease) -> str:
    """A plain JSON serialisation of everything in a release (what an export would write)."""
    return json.dumps(_plain(release), ensure_ascii=False, sort_keys=True, default=str)


def _plain(value: object) -> object:
    if hasattr(value, "__dataclass_fields__"):
        return {name: _plain(getattr(value, name)) for name in value.__dataclass_fields__}
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


# -- export watermark and log ------------------------------------------------------------------


@dataclass(frozen=True)
class ExportRecord:
    """One line of the export log: who exported what for whom, and the hash of what left."""

    export_id: str
    user: str
    what: str
    audience: Audience
    at: dt.datetime
    sha256: str
    case_ids: tuple[str, ...] = ()


def new_export_id() -> str:
    """Random, so an export id reveals neither the order nor the number of exports."""
    return secrets.token_hex(8)


def watermark(user: str, audience: Audience, at: dt.datetime, export_id: str) -> str:
    """The line stamped on every export.

    Open audiences do not learn which staff member exported (a detaining state could target them);
    the export id leads back to the user through the export log.
    """
    when = _utc(at).isoformat(timespec="seconds")
    who = "" if audience in OPEN_AUDIENCES else f" by {_one_line(user)}"
    return f"Exported{who} for {audience.value.replace('_', ' ')} at {when}, export id {export_id}"


def export_record(
    user: str,
    what: str,
    audience: Audience,
    output: bytes,
    at: dt.datetime,
    export_id: str,
    case_ids: Sequence[str] = (),
) -> ExportRecord:
    return ExportRecord(
        export_id=export_id,
        user=user,
        what=what,
        audience=audience,
        at=_utc(at),
        sha256=hashlib.sha256(output).hexdigest(),
        case_ids=tuple(case_ids),
    )


def _utc(at: dt.datetime) -> dt.datetime:
    if at.tzinfo is None:
        raise ValidationError([f"export time {at.isoformat()} has no time zone; use UTC"])
    return at.astimezone(dt.UTC)


def _one_line(text: str) -> str:
    """A user name cannot forge a second watermark line."""
    return " ".join(text.split())
