"""Case overrides: the pure replay on the linker's clusters, and the SQL repository on both backends.

Service-level merges, splits and attachments (with audit events and rebuilds) are in
test_review.py; this module checks the rules they rest on.
"""

from __future__ import annotations

import datetime as dt
import random

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from refugewatch.errors import StorageError, ValidationError
from refugewatch.services.cases import apply_overrides
from refugewatch.store.protocols import CaseOverride, OverrideKind
from refugewatch.store.sql.tables import case_overrides, cases, interventions, persons
from tests.integration.conftest import UowFactory

A, B, C, D, E = (
    "aaaaaaaaaaaa#0",
    "bbbbbbbbbbbb#0",
    "cccccccccccc#0",
    "dddddddddddd#0",
    "eeeeeeeeeeee#0",
)


def _override(kind: OverrideKind, *keys: str, target: tuple[str, ...] = ()) -> CaseOverride:
    return CaseOverride(kind, tuple(keys), "reviewer", "because", target_keys=target)


def merge(*keys: str) -> CaseOverride:
    return _override(OverrideKind.MERGE, *keys)


def split(*keys: str) -> CaseOverride:
    return _override(OverrideKind.SPLIT, *keys)


def attach(*keys: str, to: tuple[str, ...]) -> CaseOverride:
    return _override(OverrideKind.ATTACH, *keys, target=to)


# --- replay (pure) -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("clusters", "overrides", "expected"),
    [
        pytest.param([[A], [B], [C]], [merge(A, C)], [[A, C], [B]], id="merge"),
        pytest.param(
            [[A, B], [C], [D]], [merge(B, C, D)], [[A, B, C, D]], id="merge-whole-clusters"
        ),
        pytest.param([[A], [B]], [merge(A, "gone#0")], [[A], [B]], id="merge-with-a-vanished-key"),
        pytest.param([[A, B, C]], [split(B, C)], [[A], [B, C]], id="split"),
        pytest.param(
            [[A, B], [C, D]], [split(B, D)], [[A], [B, D], [C]], id="split-across-clusters"
        ),
        pytest.param([[A, B]], [split("gone#0")], [[A, B]], id="split-of-vanished-keys"),
        pytest.param([[A, B], [C, D]], [attach(C, to=(A, B))], [[A, B, C], [D]], id="attach"),
        pytest.param(
            [[A], [B, C]], [attach(B, C, to=(A,))], [[A, B, C]], id="attach-empties-a-cluster"
        ),
        pytest.param(
            [[A], [B]], [attach(B, to=("gone#0",))], [[A], [B]], id="attach-to-vanished-case"
        ),
        pytest.param(
            [[A, B], [C], [D]],
            [attach(D, to=(C, A, "gone#0"))],
            [[A, B, D], [C]],
            id="attach-tie-goes-to-the-smallest-key",
        ),
        pytest.param(
            [[A], [B, C], [D]],
            [attach(D, to=(B, C, A))],
            [[A], [B, C, D]],
            id="attach-to-most-anchors",
        ),
        pytest.param(
            [[A], [B], [C]], [merge(A, B), split(B)], [[A], [B], [C]], id="merge-then-split"
        ),
        pytest.param([[A, B], [C]], [split(B), merge(B, C)], [[A], [B, C]], id="split-then-merge"),
        pytest.param([[B], [A]], [], [[A], [B]], id="no-overrides-sorted"),
    ],
)
def test_overrides_replay_in_order(
    clusters: list[list[str]], overrides: list[CaseOverride], expected: list[list[str]]
) -> None:
    assert apply_overrides(clusters, overrides) == expected


KEYS = [f"{n:012x}#0" for n in range(8)]


@st.composite
def partitions(draw: st.DrawFn) -> list[list[str]]:
    keys = draw(st.lists(st.sampled_from(KEYS), min_size=1, unique=True))
    labels = draw(st.lists(st.integers(0, 3), min_size=len(keys), max_size=len(keys)))
    groups: dict[int, list[str]] = {}
    for key, label in zip(keys, labels, strict=True):
        groups.setdefault(label, []).append(key)
    return list(groups.values())


some_keys = st.lists(st.sampled_from([*KEYS, "gone#0"]), min_size=1, max_size=4, unique=True)
overrides_st = st.lists(
    st.one_of(
        some_keys.map(lambda k: merge(*k)),
        some_keys.map(lambda k: split(*k)),
        st.tuples(some_keys, some_keys).map(lambda kt: attach(*kt[0], to=tuple(kt[1]))),
    ),
    max_size=5,
)


@given(partitions(), overrides_st, st.randoms(use_true_random=False))
def test_replay_keeps_every_key_once_whatever_the_input_order(
    clusters: list[list[str]], overrides: list[CaseOverride], rnd: random.Random
) -> None:
    result = apply_overrides(clusters, overrides)
    flat = [key for cluster in result for key in cluster]
    assert sorted(flat) == sorted(key for cluster in clusters for key in cluster)
    assert all(result) and result == sorted(sorted(c) for c in result)
    shuffled = [rnd.sample(c, len(c)) for c in rnd.sample(clusters, len(clusters))]
    assert apply_overrides(shuffled, overrides) == result


@given(partitions(), overrides_st, some_keys)
def test_the_last_split_or_merge_holds(
    clusters: list[list[str]], earlier: list[CaseOverride], keys: list[str]
) -> None:
    present = {k for c in clusters for k in c} & set(keys)
    for last in (merge(*keys), split(*keys)):
        result = apply_overrides(clusters, [*earlier, last])
        holding = [c for c in result if present & set(c)]
        assert len(holding) <= 1
        if last.kind is OverrideKind.SPLIT and holding:
            assert set(holding[0]) == present


# --- the repository (both backends) --------------------------------------------------------------


def test_overrides_round_trip_in_order(make_uow: UowFactory) -> None:
    at = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
    written = [
        CaseOverride(OverrideKind.MERGE, (A, B), "kim", "same boat", case_id="c-1", at=at),
        CaseOverride(
            OverrideKind.ATTACH, (C,), "lee", "pastor's call", target_keys=(A, B), case_id="c-1"
        ),
        CaseOverride(OverrideKind.SPLIT, (B,), "kim", "two groups after all", case_id="c-1"),
    ]
    with make_uow() as uow:
        stored = [uow.case_overrides.add(o) for o in written]
        uow.commit()
    with make_uow() as uow:
        read = uow.case_overrides.list()
    assert read == stored
    assert [o.id for o in read] == sorted(o.id for o in read if o.id is not None)
    assert [(o.kind, o.incident_keys, o.target_keys, o.actor, o.reason) for o in read] == [
        (o.kind, o.incident_keys, o.target_keys, o.actor, o.reason) for o in written
    ]
    assert read[0].at == at
    assert all(o.at is not None and o.at.tzinfo is not None for o in read)


def test_uncommitted_override_is_rolled_back(make_uow: UowFactory) -> None:
    with make_uow() as uow:
        uow.case_overrides.add(CaseOverride(OverrideKind.MERGE, (A, B), "kim", "oops"))
    with make_uow() as uow:
        assert uow.case_overrides.list() == []


@pytest.mark.parametrize(
    ("override", "problems"),
    [
        pytest.param(CaseOverride(OverrideKind.MERGE, (), " ", "r"), 2, id="no-keys-no-actor"),
        pytest.param(
            CaseOverride(OverrideKind.ATTACH, (A,), "kim", "r"), 1, id="attach-without-target"
        ),
        pytest.param(
            CaseOverride(OverrideKind.SPLIT, (A,), "kim", "r", target_keys=(B,)),
            1,
            id="split-with-target",
        ),
    ],
)
def test_malformed_override_is_refused(
    make_uow: UowFactory, override: CaseOverride, problems: int
) -> None:
    with make_uow() as uow, pytest.raises(ValidationError) as caught:
        uow.case_overrides.add(override)
    assert len(caught.value.problems) == problems


def test_row_from_another_version_is_refused(make_uow: UowFactory) -> None:
    with make_uow() as uow:
        uow._db.execute(
            case_overrides.insert().values(
                kind="merge",
                incident_keys=[A, B],
                actor="kim",
                reason="r",
                at=dt.datetime.now(dt.UTC),
            )
        )
        with pytest.raises(StorageError, match="unknown form"):
            uow.case_overrides.list()


def test_reassign_moves_people_and_interventions(make_uow: UowFactory) -> None:
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    with make_uow() as uow:
        for case_id in ("c-old", "c-new", "c-other"):
            uow._db.execute(
                cases.insert().values(
                    id=case_id,
                    label=case_id,
                    state={},
                    disclosure="none",
                    created_at=now,
                    updated_at=now,
                )
            )
        uow._db.execute(
            persons.insert(),
            [
                {
                    "id": f"p{n}",
                    "case_id": cid,
                    "pseudonym": f"P{n}",
                    "vulnerabilities": [],
                    "created_at": now,
                }
                for n, cid in enumerate(("c-old", "c-old", "c-other"))
            ],
        )
        uow._db.execute(
            interventions.insert().values(
                id="i1",
                case_id="c-old",
                kind="appeal",
                status="draft",
                sender="NGO",
                addressees=[],
                body="...",
                created_at=now,
            )
        )
        assert uow.case_overrides.reassign_case_records("c-old", "c-new") == 3
        rows = uow._db.execute(
            sa.select(persons.c.id, persons.c.case_id).order_by(persons.c.id)
        ).all()
        assert [tuple(r) for r in rows] == [("p0", "c-new"), ("p1", "c-new"), ("p2", "c-other")]
        assert uow._db.execute(sa.select(interventions.c.case_id)).scalar_one() == "c-new"
