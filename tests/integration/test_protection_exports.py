"""Exports by audience and keyed pseudonyms on both backends: consent, redaction, small counts,
watermark, export log, hostile paths and cells."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from refugewatch.errors import CryptoError, ValidationError
from refugewatch.model.cases import Case, Disclosure
from refugewatch.model.documents import Sensitivity
from refugewatch.security.keys import KdfParams
from refugewatch.security.redact import Audience
from refugewatch.services import protection_exports as exports
from refugewatch.services import protection_keys as keys
from refugewatch.store.sql import SqlUnitOfWork, dispose_engines, migrate
from refugewatch.store.sql import uow_factory as make_factory
from tests.integration.conftest import make_claim, make_document

Factory = Callable[[], SqlUnitOfWork]
FAST_KDF = KdfParams(time_cost=1, memory_cost_kib=1024, parallelism=1)
PASSPHRASE = "correct horse battery staple"
SECRET_PLACE = "Safehouse-Street-17"


@pytest.fixture
def store(database_url: str) -> Iterator[Factory]:
    migrate(database_url)
    yield make_factory(database_url)
    dispose_engines()


def _seed(store: Factory) -> dict[str, Case]:
    """Three cases: public consent with a public and a confidential source, partners-only
    consent, and no consent."""
    public_doc = make_document("public")
    secret_doc = make_document("secret", sensitivity=Sensitivity.CONFIDENTIAL)
    claims = {
        "open": [
            make_claim(
                public_doc,
                {"people_best": 9, "people_qualifier": "exact", "place": "Shenyang"},
                incident_key="a#0",
            ),
            make_claim(
                public_doc, {"people_best": 2, "people_qualifier": "exact"}, incident_key="a#1"
            ),
            make_claim(
                secret_doc,
                {"people_best": 4, "place": SECRET_PLACE},
                incident_key="b#0",
                sensitivity=Sensitivity.CONFIDENTIAL,
            ),
        ],
        "partners": [make_claim(public_doc, {"people_best": 5}, incident_key="c#0", seq=1)],
        "none": [make_claim(public_doc, {"people_best": 6}, incident_key="d#0", seq=2)],
    }
    cases = {
        "open": Case(
            "case-open", '=HYPERLINK("evil")', ("a#0", "a#1", "b#0"), disclosure=Disclosure.PUBLIC
        ),
        "partners": Case(
            "case-partners", "Partner group", ("c#0",), disclosure=Disclosure.PARTNERS
        ),
        "none": Case("case-none", "No consent", ("d#0",)),
    }
    with store() as uow:
        uow.documents.add(public_doc)
        uow.documents.add(secret_doc)
        uow.claims.replace_for_document(
            public_doc.sha256, [*claims["open"][:2], *claims["partners"], *claims["none"]]
        )
        uow.claims.replace_for_document(secret_doc.sha256, claims["open"][2:])
        uow.cases.replace_all(list(cases.values()))
        uow.commit()
    return cases


@pytest.mark.parametrize(
    ("audience", "exported", "skipped"),
    [
        pytest.param(Audience.INTERNAL, 3, 0, id="internal"),
        pytest.param(Audience.PARTNER, 2, 1, id="partner"),
        pytest.param(Audience.UN, 2, 1, id="un"),
        pytest.param(Audience.PUBLIC, 1, 2, id="public"),
        pytest.param(Audience.DETAINING_STATE, 1, 2, id="detaining-state"),
    ],
)
def test_cases_without_consent_are_left_out_and_named(
    store: Factory, audience: Audience, exported: int, skipped: int
) -> None:
    _seed(store)
    result = exports.export_cases(store, audience, exports.ExportFormat.JSON, "mina")
    assert len(result.exported) == exported and len(result.skipped) == skipped
    body = json.loads(result.content)
    assert len(body["cases"]) == exported
    assert body["cases_without_consent_left_out"] == skipped


def test_public_export_hides_confidential_facts_small_counts_and_ids(store: Factory) -> None:
    cases = _seed(store)
    result = exports.export_cases(store, Audience.PUBLIC, exports.ExportFormat.JSON, "mina")
    text = result.content.decode()
    assert SECRET_PLACE not in text and cases["open"].id not in text and "mina" not in text
    values = [c["values"] for case in json.loads(text)["cases"] for c in case["claims"]]
    assert {"people_best": 9, "place": "Shenyang"}.items() <= values[0].items()
    assert values[1]["people_best"] is None and values[1]["people_withheld"] == "fewer than 3"


def test_small_count_threshold_is_configurable(store: Factory) -> None:
    _seed(store)
    result = exports.export_cases(
        store, Audience.PUBLIC, exports.ExportFormat.JSON, "mina", small_count_threshold=10
    )
    values = [c["values"] for case in json.loads(result.content)["cases"] for c in case["claims"]]
    assert all(v["people_best"] is None for v in values)


def test_every_export_is_watermarked_and_logged(store: Factory) -> None:
    _seed(store)
    result = exports.export_cases(store, Audience.PARTNER, exports.ExportFormat.JSON, "mina")
    body = json.loads(result.content)
    assert body["watermark"] == result.watermark and "by mina for partner" in result.watermark
    with store() as uow:
        (entry,) = uow.exports.list()
        event = uow.audit.list()[-1]
    assert entry.sha256 == hashlib.sha256(result.content).hexdigest()
    assert (entry.actor, entry.audience, entry.export_id) == ("mina", "partner", body["export_id"])
    assert set(entry.case_ids) == {"case-open", "case-partners"}
    assert event.action == "export" and entry.sha256 in (event.after or "")


def test_csv_export_carries_the_watermark_and_defuses_formulas(store: Factory) -> None:
    _seed(store)
    with store() as uow:  # a hostile value extracted from a report
        uow.cases.set_disclosure("case-none", Disclosure.PUBLIC, None)
        uow.commit()
    result = exports.export_cases(store, Audience.INTERNAL, exports.ExportFormat.CSV, "mina")
    lines = result.content.decode().splitlines()
    assert lines[0] == f"# {result.watermark}"
    rows = list(csv.reader(io.StringIO("\n".join(lines[1:]))))
    assert rows[0] == list(exports.CSV_COLUMNS) and len(rows) == 6
    assert all(not cell.startswith(exports.FORMULA_PREFIXES) for row in rows for cell in row)


@pytest.mark.parametrize(
    ("cell", "shown"),
    [("=1+1", "'=1+1"), ("+cmd", "'+cmd"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"), ("ok", "ok")],
    ids=["equals", "plus", "minus", "at", "plain"],
)
def test_defuse_cell(cell: str, shown: str) -> None:
    assert exports.defuse_cell(cell) == shown


@pytest.mark.parametrize(
    "name", ["../escape.json", "a/../../b.json", "nul\x00.json"], ids=["up", "nested-up", "nul"]
)
def test_output_paths_that_climb_out_are_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(ValidationError, match="may not contain"):
        exports.write_new_file(tmp_path / name, b"x")


def test_exports_never_overwrite_and_are_owner_only(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    exports.write_new_file(target, b"first")
    assert stat.S_IMODE(target.stat().st_mode) == exports.EXPORT_FILE_MODE
    with pytest.raises(ValidationError, match="already exists"):
        exports.write_new_file(target, b"second")
    assert target.read_bytes() == b"first"


@pytest.mark.parametrize(
    ("text", "audience"),
    [
        ("detaining-state", Audience.DETAINING_STATE),
        ("UN", Audience.UN),
        ("public", Audience.PUBLIC),
    ],
    ids=["hyphen", "upper", "plain"],
)
def test_parse_audience(text: str, audience: Audience) -> None:
    assert exports.parse_audience(text) is audience


def test_unknown_audience_lists_the_known_ones() -> None:
    with pytest.raises(ValidationError, match="detaining-state"):
        exports.parse_audience("press")


# -- pseudonyms ----------------------------------------------------------------------------------


def _people(store: Factory, names: list[str]) -> keys.FieldCipher:
    keys.init_keys(store, PASSPHRASE, "admin", FAST_KDF)
    cipher = keys.unlock(store, PASSPHRASE)
    with store() as uow:
        uow.cases.replace_all([Case("case-1", "Group", ("k#0",))])
        uow.commit()
    for number, name in enumerate(names):
        keys.add_person(store, cipher, "case-1", f"Person {number}", name, "admin")
    return cipher


def test_pseudonym_exports_of_two_organisations_match_shared_people(
    store: Factory, tmp_path: Path
) -> None:
    cipher = _people(store, ["김철수", "Ri Yong-ho", "Pak Sun Hui"])
    key_file = tmp_path / "partner.key"
    key = exports.new_partnership_key_file(key_file, "NGO-B 2026")
    ours = exports.export_pseudonyms(store, cipher, exports.load_partnership_key(key_file), "mina")
    (tmp_path / "ours.json").write_bytes(ours.content)
    assert b"Chol" not in ours.content and "김" not in ours.content.decode()
    # The partner holds "Kim Chol-su" and "Choe Myong-nam" under the same key.
    theirs = {
        "format": exports.PSEUDONYM_FORMAT,
        "version": 1,
        "label": key.label,
        "tokens": [
            {"id": "B-7", "token": exports.pseudonym("Kim Chol-su", key)},
            {"id": "B-8", "token": exports.pseudonym("Choe Myong-nam", key)},
        ],
    }
    (tmp_path / "theirs.json").write_text(json.dumps(theirs))
    shared = exports.match_exports(tmp_path / "ours.json", tmp_path / "theirs.json")
    with store() as uow:
        kim = [p.id for p in uow.persons.list() if p.pseudonym == "Person 0"]
        decryptions = [e for e in uow.audit.list() if e.action == "person.decrypt"]
        (entry,) = uow.exports.list()
    assert [(s.local_id_a, s.local_id_b) for s in shared] == [(kim[0], "B-7")]
    assert len(decryptions) == 3 and entry.what == "pseudonyms"


def test_pseudonym_export_needs_the_data_key(store: Factory, tmp_path: Path) -> None:
    _people(store, ["김철수"])
    key = exports.new_partnership_key_file(tmp_path / "k", "x")
    with pytest.raises(CryptoError, match="locked"):
        exports.export_pseudonyms(store, None, key, "mina")


def test_unfoldable_names_are_left_out_by_id_only(store: Factory, tmp_path: Path) -> None:
    cipher = _people(store, ["金正男", "Kim Chol-su"])
    key = exports.new_partnership_key_file(tmp_path / "k", "x")
    result = exports.export_pseudonyms(store, cipher, key, "mina")
    assert len(result.exported) == 1 and len(result.problems) == 1
    assert "金" not in result.problems[0]


def test_exports_under_different_keys_are_not_compared(tmp_path: Path) -> None:
    for name, label in (("a.json", "one"), ("b.json", "two")):
        body = {"format": exports.PSEUDONYM_FORMAT, "version": 1, "label": label, "tokens": []}
        (tmp_path / name).write_text(json.dumps(body))
    with pytest.raises(ValidationError, match="different partnership keys"):
        exports.match_exports(tmp_path / "a.json", tmp_path / "b.json")


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        pytest.param(b"00" * 16, "at least 32", id="too-short"),
        pytest.param(b"not a key at all", "at least 32", id="garbage"),
    ],
)
def test_bad_partnership_keys_are_refused(tmp_path: Path, content: bytes, problem: str) -> None:
    (tmp_path / "k").write_bytes(content)
    with pytest.raises(ValidationError, match=problem):
        exports.load_partnership_key(tmp_path / "k")


def test_a_bare_hex_partnership_key_is_accepted(tmp_path: Path) -> None:
    (tmp_path / "partner.key").write_text("ab" * 32 + "\n")
    key = exports.load_partnership_key(tmp_path / "partner.key")
    assert key.material == bytes.fromhex("ab" * 32) and key.label == "partner"
