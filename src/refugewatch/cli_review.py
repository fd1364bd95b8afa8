"""CLI commands for human review and first-hand reports; importing this registers them on the app.

`claims`, `review`, `merge`, `split`, `attach`, `disclosure`, `reliability` and `contact`: each
parses, calls one service and renders its result; domain errors become one line and an exit code
in cli._domain_errors.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated

import typer
from rich.table import Table

from refugewatch.bootstrap import open_store
from refugewatch.cli import _domain_errors, _settings, app, console
from refugewatch.errors import ValidationError
from refugewatch.extract.numbers import parse_count
from refugewatch.model.cases import Disclosure
from refugewatch.model.claims import Claim, Scalar
from refugewatch.model.counts import Count
from refugewatch.model.dates import FuzzyDate
from refugewatch.model.extraction import Status, VulnerabilityKind
from refugewatch.services import queries, review
from refugewatch.services.contact import (
    ContactReport,
    GroupMember,
    ReporterRelation,
    record_contact_report,
)
from refugewatch.services.render import claim_json

REASON_HELP = "Why (kept in the audit log)."


@app.command("claims")
def list_claims(
    case: Annotated[str | None, typer.Option("--case", help="Claims of this case.")] = None,
    document: Annotated[
        str | None, typer.Option("--document", help="Claims of this document.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """List claims with their ids, review state and evidence, to review them."""
    settings = _settings()
    with _domain_errors():
        if (case is None) == (document is None):
            raise ValidationError(["give exactly one of --case or --document"])
        store = open_store(settings)
        claims = (
            queries.get_case(store, case).claims
            if case is not None
            else queries.get_document(store, str(document)).claims
        )
    if as_json:
        console.print_json(json.dumps([claim_json(c) for c in claims]))
        return
    table = Table("claim id", "kind", "values", "date", "review", "quote")
    for c in claims:
        table.add_row(
            c.id,
            c.kind.value,
            _values_text(c),
            c.effective_date.to_edtf() or "-",
            c.review.value,
            c.evidence.quote[:80],
        )
    console.print(table)


def _values_text(claim: Claim) -> str:
    return ", ".join(f"{k}={v}" for k, v in claim.effective_values.items() if v is not None)


@app.command("review")
def review_claim(
    claim_id: Annotated[str, typer.Argument(help="Claim id as shown by `refugewatch claims`.")],
    decision: Annotated[str, typer.Argument(help="accept, reject or edit.")],
    reason: Annotated[str, typer.Option("--reason", help=REASON_HELP)],
    edit: Annotated[
        list[str] | None,
        typer.Option("--set", help="With edit: KEY=VALUE corrections (repeatable; date=2015-10)."),
    ] = None,
) -> None:
    """Accept, reject or edit one claim; the decision survives re-extraction."""
    settings = _settings()
    with _domain_errors():
        edits = _parse_edits(edit or [])
        claim = review.review_claim(
            open_store(settings),
            claim_id,
            decision,
            actor=settings.user,
            reason=reason,
            edits=edits or None,
        )
    console.print(f"claim {claim.id}: {claim.review.value}", markup=False)


def _parse_edits(pairs: list[str]) -> dict[str, Scalar]:
    problems = [f"--set {p!r} is not KEY=VALUE" for p in pairs if "=" not in p]
    if problems:
        raise ValidationError(problems)
    return {k.strip(): _scalar(v.strip()) for k, v in (p.split("=", 1) for p in pairs)}


def _scalar(raw: str) -> Scalar:
    """Numbers become ints, "null" clears a value, anything else stays text."""
    if raw.lower() in {"null", "none", ""}:
        return None
    return int(raw) if raw.lstrip("-").isdigit() else raw


@app.command("merge")
def merge(
    case_a: Annotated[str, typer.Argument(help="First case id.")],
    case_b: Annotated[str, typer.Argument(help="Second case id.")],
    reason: Annotated[str, typer.Option("--reason", help=REASON_HELP)],
) -> None:
    """Merge two cases that are the same group (kept across rebuilds)."""
    settings = _settings()
    with _domain_errors():
        case = review.merge_cases(
            open_store(settings), case_a, case_b, actor=settings.user, reason=reason
        )
    console.print(f"merged into {case.id}: {case.label}", markup=False)


@app.command("split")
def split(
    case_id: Annotated[str, typer.Argument(help="Case id.")],
    incident_keys: Annotated[list[str], typer.Argument(help="Incident keys to move out.")],
    reason: Annotated[str, typer.Option("--reason", help=REASON_HELP)],
) -> None:
    """Split incidents out of a case into a case of their own (kept across rebuilds)."""
    settings = _settings()
    with _domain_errors():
        parts = review.split_case(
            open_store(settings), case_id, incident_keys, actor=settings.user, reason=reason
        )
    for part in parts:
        console.print(f"{part.id}: {part.label}", markup=False)


@app.command("attach")
def attach(
    case_id: Annotated[str, typer.Argument(help="Case id.")],
    document: Annotated[str, typer.Argument(help="Document id (sha256 or a prefix).")],
    reason: Annotated[str, typer.Option("--reason", help=REASON_HELP)],
) -> None:
    """Attach a document's incidents to a case by hand (kept across rebuilds)."""
    settings = _settings()
    with _domain_errors():
        case = review.attach_document(
            open_store(settings), case_id, document, actor=settings.user, reason=reason
        )
    console.print(f"{case.id}: {case.label}", markup=False)


@app.command("disclosure")
def disclosure(
    case_id: Annotated[str, typer.Argument(help="Case id.")],
    level: Annotated[Disclosure, typer.Argument(help="none, un_only, partners or public.")],
    reason: Annotated[str, typer.Option("--reason", help=REASON_HELP)],
    note: Annotated[str | None, typer.Option("--note", help="Who consented, how, when.")] = None,
) -> None:
    """Record the consent / disclosure level the family or reporter gave for a case."""
    settings = _settings()
    with _domain_errors():
        case = review.set_disclosure(
            open_store(settings), case_id, level, note, actor=settings.user, reason=reason
        )
    console.print(f"{case.id}: disclosure {case.disclosure.value}", markup=False)


@app.command("reliability")
def reliability(
    document: Annotated[str, typer.Argument(help="Document id (sha256 or a prefix).")],
    grade: Annotated[str, typer.Argument(help="Admiralty grade A1..F6, e.g. B2.")],
    reason: Annotated[str, typer.Option("--reason", help=REASON_HELP)],
) -> None:
    """Grade a document's source reliability (admiralty A1..F6); its claims take the grade."""
    settings = _settings()
    with _domain_errors():
        graded = review.set_reliability(
            open_store(settings), document, grade, actor=settings.user, reason=reason
        )
    console.print(f"document {graded.short_id}: reliability {graded.reliability}", markup=False)


@app.command("contact")
def contact(
    relation: Annotated[ReporterRelation, typer.Option("--relation", help="Who called.")],
    reliability: Annotated[str, typer.Option("--reliability", help="Admiralty grade, e.g. B2.")],
    people: Annotated[str, typer.Option("--people", help="Group size: 5, 'at least 4', '5 to 7'.")],
    status: Annotated[Status, typer.Option("--status", help="As the caller knows it.")],
    last_contact: Annotated[
        str, typer.Option("--last-contact", help="Date: 2026-11-20 or 2026-11.")
    ],
    statement: Annotated[str, typer.Option("--statement", help="What was said (pseudonyms only).")],
    consent: Annotated[Disclosure, typer.Option("--consent", help="What may be shared.")],
    place: Annotated[str | None, typer.Option("--place", help="Last contact place.")] = None,
    detained_on: Annotated[str | None, typer.Option("--detained-on", help="Arrest date.")] = None,
    detained_at: Annotated[str | None, typer.Option("--detained-at", help="Arrest place.")] = None,
    member: Annotated[
        list[str] | None,
        typer.Option(
            "--member", help="PSEUDONYM[:kind,kind] e.g. 'Mother A:elderly' (repeatable)."
        ),
    ] = None,
) -> None:
    """Record a first-hand contact report (confidential) and link it to its case."""
    from refugewatch.cli_protection import cipher_for  # sibling command module: import late

    settings = _settings()
    with _domain_errors():
        report = ContactReport(
            relation=relation,
            reliability=reliability,
            group_size=_count(people),
            status=status,
            last_contact=_date(last_contact, "--last-contact"),
            statement=statement,
            consent=consent,
            received_at=dt.datetime.now(dt.UTC),
            last_contact_place=place,
            members=tuple(_member(m) for m in member or []),
            apprehended_on=_date(detained_on, "--detained-on")
            if detained_on
            else FuzzyDate.unknown(),
            apprehended_place=detained_at,
        )
        store = open_store(settings)
        cipher = cipher_for(settings, store, required=True)
        document = record_contact_report(store, report, actor=settings.user, cipher=cipher)
    console.print(f"contact report recorded as confidential document {document.short_id}")


def _count(raw: str) -> Count:
    count = parse_count(raw)
    if count is None:
        raise ValidationError([f"--people {raw!r} is not a number of people"])
    return count


def _date(raw: str, option: str) -> FuzzyDate:
    try:
        return FuzzyDate.parse_edtf(raw)
    except ValueError:
        raise ValidationError(
            [f"{option} {raw!r} is not a date like 2026-11-20 or 2026-11"]
        ) from None


def _member(raw: str) -> GroupMember:
    name, _, kinds = raw.partition(":")
    try:
        vulnerable = tuple(VulnerabilityKind(k.strip()) for k in kinds.split(",") if k.strip())
    except ValueError:
        known = ", ".join(k.value for k in VulnerabilityKind)
        raise ValidationError(
            [f"--member {raw!r}: vulnerabilities must be among {known}"]
        ) from None
    return GroupMember(name.strip(), vulnerable)
