"""Exports that leave the organisation: cases for an audience, and keyed pseudonym lists.

Every export is redacted for its audience (security.redact), carries a watermark of who made it,
is logged (who, what, audience, sha256 of the bytes) in export_log and the audit chain, and is
written owner-only to a new file. Cases whose recorded consent does not allow the audience are
skipped, counted in the result and named to the person exporting, never silently included.
"""

from __future__ import annotations

import base64
import binascii
import csv
import datetime as dt
import hashlib
import io
import json
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from refugewatch.errors import RefugewatchError, ValidationError
from refugewatch.model.cases import Case
from refugewatch.model.claims import Claim
from refugewatch.model.documents import Document
from refugewatch.security.crypto import FieldCipher
from refugewatch.security.pseudonyms import (
    MIN_PARTNERSHIP_KEY_BYTES,
    PartnershipKey,
    SharedPerson,
    generate_partnership_key,
    match,
    pseudonym,
)
from refugewatch.security.redact import (
    CONSENT_ALLOWS,
    OPEN_AUDIENCES,
    Audience,
    CaseRelease,
    RedactionPolicy,
    new_export_id,
    release_case,
    render_json,
    watermark,
)
from refugewatch.services.audit import record
from refugewatch.services.protection_keys import reveal_names
from refugewatch.store.protocols import ExportEntry, UnitOfWork

UowFactory = Callable[[], UnitOfWork]

EXPORT_FORMAT = "refugewatch-export"
PSEUDONYM_FORMAT = "refugewatch-pseudonyms"
PARTNERSHIP_KEY_FORMAT = "refugewatch-partnership-key"
FORMAT_VERSION = 1
# Owner read/write only: an export holds what it holds until it is sent.
EXPORT_FILE_MODE = 0o600
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection); such cells
# are prefixed with an apostrophe, which spreadsheets show as text.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_COLUMNS = ("case", "kind", "date", "review", "source", "values")


class ExportFormat(StrEnum):
    JSON = "json"
    CSV = "csv"


@dataclass(frozen=True)
class ExportResult:
    content: bytes
    entry: ExportEntry
    watermark: str
    exported: tuple[str, ...]  # internal case ids (or person ids) that went out
    skipped: tuple[str, ...] = ()  # case ids left out: consent does not allow the audience
    problems: tuple[str, ...] = ()  # other things left out, in words


def parse_audience(text: str) -> Audience:
    """internal, partner, un, public, detaining-state (or detaining_state)."""
    try:
        return Audience(text.strip().casefold().replace("-", "_"))
    except ValueError:
        names = ", ".join(a.value.replace("_", "-") for a in Audience)
        raise ValidationError([f"unknown audience {text!r}; audiences are {names}"]) from None


def parse_format(text: str) -> ExportFormat:
    try:
        return ExportFormat(text.strip().casefold())
    except ValueError:
        raise ValidationError([f"unknown export format {text!r}; use json or csv"]) from None


# -- cases --------------------------------------------------------------------------------------


def export_cases(
    uow_factory: UowFactory,
    audience: Audience,
    fmt: ExportFormat,
    actor: str,
    *,
    small_count_threshold: int = RedactionPolicy().small_count_threshold,
    now: dt.datetime | None = None,
) -> ExportResult:
    """Every case the audience may see, redacted, watermarked and logged (not yet written)."""
    at = now or dt.datetime.now(dt.UTC)
    export_id = new_export_id()
    mark = watermark(actor, audience, at, export_id)
    policy = RedactionPolicy(small_count_threshold=small_count_threshold)
    with uow_factory() as uow:
        cases = uow.cases.list()
        allowed = [c for c in cases if c.disclosure in CONSENT_ALLOWS[audience]]
        skipped = tuple(c.id for c in cases if c.disclosure not in CONSENT_ALLOWS[audience])
        releases = _releases(allowed, audience, uow.claims.list(), _documents(uow), policy)
        content = _render(releases, fmt, mark, export_id, audience, len(skipped))
        entry = _log(uow, actor, f"cases ({fmt.value})", audience, at, export_id, content, allowed)
        uow.commit()
    return ExportResult(content, entry, mark, tuple(c.id for c in allowed), skipped)


def _documents(uow: UnitOfWork) -> dict[str, Document]:
    # Exports cite metadata; the original bytes stay in the store.
    return {d.sha256: d for d in uow.documents.list(with_originals=False)}


def _releases(
    cases: Sequence[Case],
    audience: Audience,
    claims: Sequence[Claim],
    documents: Mapping[str, Document],
    policy: RedactionPolicy,
) -> list[CaseRelease]:
    by_key: dict[str, list[Claim]] = {}
    for claim in claims:
        if claim.incident_key is not None:
            by_key.setdefault(claim.incident_key, []).append(claim)
    releases: list[CaseRelease] = []
    for number, case in enumerate(cases, start=1):
        case_claims = [c for key in case.incident_keys for c in by_key.get(key, [])]
        reference = f"case-{number}" if audience in OPEN_AUDIENCES else None
        releases.append(release_case(case, audience, case_claims, documents, policy, reference))
    return releases


def _render(
    releases: Sequence[CaseRelease],
    fmt: ExportFormat,
    mark: str,
    export_id: str,
    audience: Audience,
    skipped: int,
) -> bytes:
    if fmt is ExportFormat.CSV:
        return _render_csv(releases, mark)
    document = {
        "format": EXPORT_FORMAT,
        "version": FORMAT_VERSION,
        "watermark": mark,
        "export_id": export_id,
        "audience": audience.value,
        "cases_without_consent_left_out": skipped,
        "cases": [json.loads(render_json(r)) for r in releases],
    }
    return json.dumps(document, ensure_ascii=False, sort_keys=True, indent=2).encode("utf-8")


def _render_csv(releases: Sequence[CaseRelease], mark: str) -> bytes:
    out = io.StringIO()
    out.write(f"# {mark}\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for release in releases:
        for claim in release.claims:
            values = json.dumps(claim.effective_values, ensure_ascii=False, sort_keys=True)
            row = (
                release.reference or "",
                claim.kind.value,
                claim.date.to_edtf() or "",
                claim.review.value,
                claim.document_sha256,
                values,
            )
            writer.writerow([defuse_cell(cell) for cell in row])
    return out.getvalue().encode("utf-8")


def defuse_cell(cell: str) -> str:
    """A cell a spreadsheet would run as a formula, made plain text."""
    return "'" + cell if cell.startswith(FORMULA_PREFIXES) else cell


def _log(
    uow: UnitOfWork,
    actor: str,
    what: str,
    audience: Audience,
    at: dt.datetime,
    export_id: str,
    content: bytes,
    cases: Sequence[Case] | Sequence[str],
) -> ExportEntry:
    ids = tuple(c if isinstance(c, str) else c.id for c in cases)
    sha = hashlib.sha256(content).hexdigest()
    entry = ExportEntry(export_id, actor, what, audience.value, at, sha, ids)
    uow.exports.add(entry)
    after = {"what": what, "audience": audience.value, "sha256": sha, "items": len(ids)}
    record(uow, actor, "export", f"export:{export_id}", after=after)
    return entry


# -- writing files ------------------------------------------------------------------------------


def check_output_path(path: Path) -> Path:
    """Refuse `..` components and NUL in an output path; the file itself must be new."""
    text = str(path)
    if "\x00" in text or ".." in Path(text).parts:
        raise ValidationError([f"{text[:200]!r}: an output path may not contain '..' or NUL"])
    if path.exists():
        raise ValidationError([f"{path} already exists; choose a new file name"])
    return path


def write_new_file(path: Path, content: bytes) -> None:
    """Write owner-only, never overwriting (O_EXCL), flushed to disk."""
    check_output_path(path)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, EXPORT_FILE_MODE)
    except OSError as exc:
        raise ValidationError([f"cannot create {path}: {exc.strerror}"]) from None
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())


# -- keyed pseudonyms ---------------------------------------------------------------------------


def new_partnership_key_file(path: Path, label: str) -> PartnershipKey:
    """A fresh partnership key in a new owner-only file, to hand to the partner by a safe way."""
    if not label.strip():
        raise ValidationError(["give the partnership a label (e.g. the partner's name and year)"])
    key = generate_partnership_key(label.strip())
    body = {"format": PARTNERSHIP_KEY_FORMAT, "label": key.label, "key": key.material.hex()}
    write_new_file(path, json.dumps(body, ensure_ascii=False).encode("utf-8"))
    return key


def load_partnership_key(path: Path) -> PartnershipKey:
    """A key file from `new_partnership_key_file`, or hex/base64 text of at least 32 bytes."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValidationError([f"cannot read the partnership key {path}: {exc.strerror}"]) from None
    text = data.decode("utf-8", errors="replace").strip()
    try:
        raw = json.loads(text)
        if isinstance(raw, dict) and raw.get("format") == PARTNERSHIP_KEY_FORMAT:
            return PartnershipKey(str(raw["label"]), bytes.fromhex(str(raw["key"])))
    except (ValueError, KeyError):
        pass
    return PartnershipKey(path.stem, _key_bytes(text))


def _key_bytes(text: str) -> bytes:
    for decode in (bytes.fromhex, lambda t: base64.b64decode(t, validate=True)):
        try:
            material = decode(text)
        except (ValueError, binascii.Error):
            continue
        if len(material) >= MIN_PARTNERSHIP_KEY_BYTES:
            return material
    raise ValidationError(
        [
            f"the partnership key file holds no key of at least {MIN_PARTNERSHIP_KEY_BYTES} "
            "bytes (hex or base64); make one with `refugewatch pseudonyms new-key`"
        ]
    )


def export_pseudonyms(
    uow_factory: UowFactory,
    cipher: FieldCipher | None,
    key: PartnershipKey,
    actor: str,
    *,
    now: dt.datetime | None = None,
) -> ExportResult:
    """HMAC tokens of every recorded person's name under the partnership key (names decrypted in
    memory, each decryption audited); nothing but local ids and tokens leaves."""
    at = now or dt.datetime.now(dt.UTC)
    export_id = new_export_id()
    mark = watermark(actor, Audience.PARTNER, at, export_id)
    with uow_factory() as uow:
        people = uow.persons.list()
        named = reveal_names(uow, cipher, people, actor, f"pseudonym export {export_id}")
        tokens, problems = _tokens([(p.id, name) for p, name in named], key)
        body = {
            "format": PSEUDONYM_FORMAT,
            "version": FORMAT_VERSION,
            "label": key.label,
            "watermark": mark,
            "export_id": export_id,
            "tokens": [{"id": local_id, "token": token} for local_id, token in tokens],
        }
        content = json.dumps(body, ensure_ascii=False, indent=2).encode("utf-8")
        ids = [local_id for local_id, _ in tokens]
        entry = _log(uow, actor, "pseudonyms", Audience.PARTNER, at, export_id, content, ids)
        uow.commit()
    return ExportResult(content, entry, mark, tuple(ids), problems=tuple(problems))


def _tokens(
    people: Sequence[tuple[str, str]], key: PartnershipKey
) -> tuple[list[tuple[str, str]], list[str]]:
    tokens: list[tuple[str, str]] = []
    problems: list[str] = []
    for local_id, name in people:
        try:
            tokens.append((local_id, pseudonym(name, key)))
        except RefugewatchError:
            # The error quotes the name; only the id is reported.
            problems.append(f"person {local_id}: the name cannot be folded (not Hangul or Latin)")
    return tokens, problems


@dataclass(frozen=True)
class PseudonymList:
    label: str
    tokens: tuple[tuple[str, str], ...]


def read_pseudonym_export(path: Path) -> PseudonymList:
    try:
        raw = json.loads(path.read_bytes())
        if raw["format"] != PSEUDONYM_FORMAT or raw["version"] != FORMAT_VERSION:
            raise ValueError("not a refugewatch pseudonym export")
        tokens = tuple((str(t["id"]), str(t["token"])) for t in raw["tokens"])
        return PseudonymList(str(raw["label"]), tokens)
    except OSError as exc:
        raise ValidationError([f"cannot read {path}: {exc.strerror}"]) from None
    except (ValueError, KeyError, TypeError) as exc:
        raise ValidationError([f"{path} is not a pseudonym export ({exc})"]) from None


def match_exports(first: Path, second: Path) -> list[SharedPerson]:
    """Pairs of local ids with equal tokens: candidates for both teams to confirm by hand."""
    a, b = read_pseudonym_export(first), read_pseudonym_export(second)
    if a.label != b.label:
        raise ValidationError(
            [
                f"the two exports were made with different partnership keys ({a.label!r} and "
                f"{b.label!r}); tokens only match under the same key"
            ]
        )
    return match(a.tokens, b.tokens)
