"""Cases: rebuilds replace cases but keep the consent and disclosure people gave."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
import sqlalchemy as sa

from refugewatch.errors import NotFoundError, StorageError, ValidationError
from refugewatch.model.cases import (
    Case,
    CaseState,
    ChoiceRule,
    Conflict,
    ConflictOption,
    Disclosure,
    SubGroup,
    TimelineEntry,
)
from refugewatch.model.counts import Count
from refugewatch.model.dates import FuzzyDate
from refugewatch.model.extraction import CustodyStep, Span, Status
from refugewatch.store.sql.tables import cases, persons
from tests.integration.conftest import UowFactory

FULL_STATE = CaseState(
    size=Count.between(7, 8),
    status=Status.DETAINED,
    status_date=FuzzyDate.day(2019, 4, 2),
    apprehended_date=FuzzyDate.month(2019, 3),
    apprehended_place="Shenyang",
    apprehended_country="CN",
    last_known_place="Dandong",
    custody_chain=(
        CustodyStep(FuzzyDate.unknown(), "Tumen", "CN", "border police", Span(3, 9, "Tumen.")),
        CustodyStep(FuzzyDate.year(2019), "Dandong", "CN", None),
    ),
    vulnerable=(("children", 2), ("elderly", 1)),
    conflicts=(
        Conflict(
            "size",
            (ConflictOption("7", ("c1",), ("d1",)), ConflictOption("8", ("c2", "c3"), ("d2",))),
            "8",
            ChoiceRule.MOST_SOURCES,
        ),
    ),
    timeline=(TimelineEntry(FuzzyDate.month(2019, 3), "apprehension", "9 held", "c1", "d1"),),
    undated=(TimelineEntry(FuzzyDate.unknown(), "transfer", "moved to Tumen", "c4", "d2"),),
    subgroups=(SubGroup("the minor", Count.exact(1), Status.RELEASED, ("c5",)),),
    document_sha256s=("d1", "d2"),
)


def _case(case_id: str, *keys: str, **kw: object) -> Case:
    return Case(id=case_id, label=f"Group {case_id}", incident_keys=keys, **kw)  # type: ignore[arg-type]


def test_case_with_full_state_round_trips(make_uow: UowFactory) -> None:
    case = _case("c-1", "aaa#0", "bbb#2", state=FULL_STATE, consent_note="family agreed")
    with make_uow() as uow:
        uow.cases.replace_all([case])
        uow.commit()
    with make_uow() as uow:
        assert uow.cases.get("c-1") == case
        assert uow.cases.list() == [case]
        assert uow.cases.get("c-2") is None


def test_rebuild_keeps_disclosure_of_surviving_cases(make_uow: UowFactory) -> None:
    with make_uow() as uow:
        uow.cases.replace_all([_case("keep", "a#0"), _case("gone", "b#0")])
        uow.cases.set_disclosure("keep", Disclosure.UN_ONLY, "sister consented, 2026-01-05")
        uow.commit()
    rebuilt = [_case("keep", "a#0", "c#1", state=FULL_STATE), _case("new", "d#0")]
    with make_uow() as uow:
        uow.cases.replace_all(rebuilt)
        uow.commit()
    with make_uow() as uow:
        stored = {case.id: case for case in uow.cases.list()}
    assert set(stored) == {"keep", "new"}
    assert stored["keep"] == replace(
        rebuilt[0], disclosure=Disclosure.UN_ONLY, consent_note="sister consented, 2026-01-05"
    )
    assert stored["new"] == rebuilt[1]


def test_rebuild_keeps_creation_time(make_uow: UowFactory) -> None:
    times = iter([dt.datetime(2026, 1, d, tzinfo=dt.UTC) for d in (1, 2)])
    with make_uow(clock=lambda: next(times)) as uow:
        uow.cases.replace_all([_case("c", "a#0")])
        uow.cases.replace_all([_case("c", "a#0", "b#0")])
        row = uow._db.execute(sa.select(cases.c.created_at, cases.c.updated_at)).one()
    assert tuple(row) == (
        dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        dt.datetime(2026, 1, 2, tzinfo=dt.UTC),
    )


def test_rebuild_refuses_to_orphan_recorded_people(make_uow: UowFactory) -> None:
    with make_uow() as uow:
        uow.cases.replace_all([_case("held", "a#0")])
        uow._db.execute(
            persons.insert().values(
                id="p1",
                case_id="held",
                pseudonym="Person A",
                vulnerabilities=[],
                created_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
            )
        )
        uow.commit()
    with make_uow() as uow:
        with pytest.raises(StorageError, match="held"):
            uow.cases.replace_all([_case("other", "a#0")])
        uow.rollback()
        assert [c.id for c in uow.cases.list()] == ["held"]


def test_repeated_case_ids_are_refused(make_uow: UowFactory) -> None:
    with make_uow() as uow, pytest.raises(ValidationError, match="'x' appears more than once"):
        uow.cases.replace_all([_case("x", "a#0"), _case("x", "b#0")])


def test_set_disclosure_of_unknown_case(make_uow: UowFactory) -> None:
    with make_uow() as uow, pytest.raises(NotFoundError, match="no case 'missing'"):
        uow.cases.set_disclosure("missing", Disclosure.PUBLIC, None)


def test_rebuild_to_nothing_removes_every_case(make_uow: UowFactory) -> None:
    with make_uow() as uow:
        uow.cases.replace_all([_case("a", "a#0")])
        uow.cases.replace_all([])
        assert uow.cases.list() == []
