"""Documents: round-trips of every field, lookup by prefix, listing order, duplicates."""

from __future__ import annotations

import datetime as dt

import pytest

from refugewatch.errors import DuplicateDocumentError, StorageError, ValidationError
from refugewatch.model.dates import FuzzyDate
from refugewatch.model.documents import Sensitivity, SourceType
from tests.integration.conftest import UowFactory, make_document

PUBLISHED_DATES = [
    pytest.param(FuzzyDate.day(2017, 3, 14), id="day"),
    pytest.param(FuzzyDate.month(2017, 3), id="month"),
    pytest.param(FuzzyDate.year(2015), id="year"),
    pytest.param(FuzzyDate.between(dt.date(2015, 10, 2), dt.date(2016, 1, 5)), id="range"),
    pytest.param(FuzzyDate.unknown(), id="unknown"),
]


@pytest.mark.parametrize("published", PUBLISHED_DATES)
def test_document_round_trips_every_field(make_uow: UowFactory, published: FuzzyDate) -> None:
    document = make_document(
        "full",
        original=bytes(range(256)) * 3,  # every byte value, NULs included
        clean_text="한국어와 中文 mixed text\n\nsecond paragraph",
        url="https://example.org/a?b=c",
        outlet="Example Daily",
        collector="Some NGO",
        source_type=SourceType.CONTACT_REPORT,
        published=published,
        language="ko",
        sensitivity=Sensitivity.CONFIDENTIAL,
        reliability="C3",
        encoding="euc-kr",
        flags=("no_publication_date", "near_duplicate_of:abc"),
    )
    with make_uow() as uow:
        uow.documents.add(document)
        uow.commit()
    with make_uow() as uow:
        assert uow.documents.get(document.sha256) == document


def test_missing_ingest_time_is_filled_in_utc(make_uow: UowFactory) -> None:
    document = make_document("untimed", ingested_at=None)
    with make_uow() as uow:
        uow.documents.add(document)
        uow.commit()
    with make_uow() as uow:
        stored = uow.documents.get(document.sha256)
    assert stored is not None and stored.ingested_at is not None
    assert stored.ingested_at.tzinfo is not None
    assert abs(dt.datetime.now(dt.UTC) - stored.ingested_at) < dt.timedelta(minutes=5)


def test_naive_ingest_time_is_refused(make_uow: UowFactory) -> None:
    document = make_document("naive", ingested_at=dt.datetime(2026, 1, 1, 12, 0))
    with make_uow() as uow, pytest.raises(StorageError, match="time zone"):
        uow.documents.add(document)


def test_ingest_time_in_another_zone_is_kept_as_the_same_instant(make_uow: UowFactory) -> None:
    seoul = dt.timezone(dt.timedelta(hours=9))
    document = make_document("seoul", ingested_at=dt.datetime(2026, 1, 1, 9, 0, tzinfo=seoul))
    with make_uow() as uow:
        uow.documents.add(document)
        uow.commit()
        stored = uow.documents.get(document.sha256)
    assert stored is not None
    assert stored.ingested_at == dt.datetime(2026, 1, 1, 0, 0, tzinfo=dt.UTC)


def test_exists_and_count(make_uow: UowFactory) -> None:
    document = make_document("one")
    with make_uow() as uow:
        assert not uow.documents.exists(document.sha256)
        uow.documents.add(document)
        assert uow.documents.exists(document.sha256)
        assert uow.documents.exists(document.sha256.upper())
        assert uow.documents.count() == 1


@pytest.mark.parametrize(
    ("key", "found"),
    [
        pytest.param(lambda sha: sha, True, id="full"),
        pytest.param(lambda sha: sha[:8], True, id="8-digit-prefix"),
        pytest.param(lambda sha: sha[:12].upper(), True, id="upper-case-prefix"),
        pytest.param(lambda sha: f"  {sha[:12]} ", True, id="surrounding-space"),
        pytest.param(lambda sha: sha[:7], False, id="too-short"),
        pytest.param(lambda sha: sha[:7] + "%", False, id="wildcard"),
        pytest.param(lambda sha: "0" * 64, False, id="unknown"),
    ],
)
def test_get_by_sha256_or_prefix(make_uow: UowFactory, key: object, found: bool) -> None:
    document = make_document("prefixed")
    with make_uow() as uow:
        uow.documents.add(document)
        result = uow.documents.get(key(document.sha256))  # type: ignore[operator]
    assert (result == document) if found else (result is None)


def test_ambiguous_prefix_is_refused(make_uow: UowFactory) -> None:
    first = make_document("a", sha256="abcdef01" + "1" * 56)
    second = make_document("b", sha256="abcdef01" + "2" * 56)
    with make_uow() as uow:
        uow.documents.add(first)
        uow.documents.add(second)
        with pytest.raises(ValidationError, match="more than one document"):
            uow.documents.get("abcdef01")
        assert uow.documents.get("abcdef011") == first


def test_list_is_newest_first_and_pages(make_uow: UowFactory) -> None:
    base = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    documents = [
        make_document(f"doc{i}", ingested_at=base + dt.timedelta(hours=i)) for i in range(5)
    ]
    with make_uow() as uow:
        for document in documents:
            uow.documents.add(document)
        uow.commit()
    with make_uow() as uow:
        listed = uow.documents.list()
        page = uow.documents.list(limit=2, offset=1)
        light = uow.documents.list(limit=1, with_originals=False)
    assert listed == documents[::-1]
    assert page == documents[3:1:-1]
    assert light[0].original == b"" and light[0].clean_text == documents[-1].clean_text


def test_duplicate_add_raises_clearly_and_keeps_the_unit_of_work_usable(
    make_uow: UowFactory,
) -> None:
    document = make_document("twice")
    other = make_document("other")
    with make_uow() as uow:
        uow.documents.add(document)
        uow.commit()
    with make_uow() as uow:
        # A writer that skipped exists() (as a concurrent one effectively does) hits the key.
        with pytest.raises(DuplicateDocumentError, match=document.short_id):
            uow.documents.add(document)
        uow.documents.add(other)
        uow.commit()
    with make_uow() as uow:
        assert uow.documents.count() == 2
