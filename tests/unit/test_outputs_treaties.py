"""The treaty table and the addressee directory: shipped data, parsed and worded correctly."""

from __future__ import annotations

import datetime as dt

import pytest

from refugewatch.errors import ValidationError
from refugewatch.outputs.addressees import Directory
from refugewatch.outputs.treaties import (
    Instrument,
    TreatyStatus,
    TreatyTable,
    obligations_along,
)

STATES = ("CN", "KP", "KR", "VN", "LA", "TH", "MM", "KH", "MN", "RU", "JP", "US")
DETAINING_STATES = ("CN", "VN", "LA", "TH", "RU", "MN", "KH", "MM")
RC, PROTOCOL, CAT = Instrument.REFUGEE_CONVENTION_1951, Instrument.PROTOCOL_1967, Instrument.CAT
PARTY, NONE = TreatyStatus.PARTY, TreatyStatus.NONE


@pytest.mark.parametrize("iso2", STATES)
@pytest.mark.parametrize("instrument", list(Instrument), ids=str)
def test_every_state_has_every_instrument_with_a_un_source(
    iso2: str, instrument: Instrument
) -> None:
    record = TreatyTable.default().record(iso2, instrument)
    assert record is not None
    assert record.source_url.startswith("https://treaties.un.org/")
    assert (record.date is not None) == (record.status is not NONE)


@pytest.mark.parametrize(
    ("iso2", "rc", "protocol", "cat", "cat_year"),
    [
        ("CN", PARTY, PARTY, PARTY, 1988),
        ("VN", NONE, NONE, PARTY, 2015),
        ("LA", NONE, NONE, PARTY, 2012),
        ("TH", NONE, NONE, PARTY, 2007),
        ("MN", NONE, NONE, PARTY, 2002),
        ("RU", PARTY, PARTY, PARTY, 1987),
        ("KH", PARTY, PARTY, PARTY, 1992),
        ("MM", NONE, NONE, NONE, None),
        ("KP", NONE, NONE, NONE, None),
        ("US", NONE, PARTY, PARTY, 1994),
    ],
    ids=lambda v: str(v),
)
def test_known_treaty_statuses(
    iso2: str, rc: TreatyStatus, protocol: TreatyStatus, cat: TreatyStatus, cat_year: int | None
) -> None:
    table = TreatyTable.default()
    statuses = [table.record(iso2, i).status for i in (RC, PROTOCOL, CAT)]  # type: ignore[union-attr]
    assert statuses == [rc, protocol, cat]
    cat_record = table.record(iso2, CAT)
    assert cat_record is not None
    assert (cat_record.date.year if cat_record.date else None) == cat_year


def test_china_acceded_to_the_refugee_convention_in_1982() -> None:
    record = TreatyTable.default().record("CN", RC)
    assert record is not None and record.date == dt.date(1982, 9, 24)


def test_a_cat_only_transit_state_is_still_bound() -> None:
    (laos,) = obligations_along([("LA", "transit")])
    assert laos.state == "Lao People's Democratic Republic"
    assert "not party to the 1951 Refugee Convention" in laos.text
    assert "Convention against Torture (since 26 September 2012)" in laos.text
    assert "still bound not to return the group" in laos.text
    assert "customary non-refoulement" in laos.text


def test_a_state_party_to_nothing_is_bound_by_custom() -> None:
    (myanmar,) = obligations_along([("MM", "transit")])
    assert "not party to the Convention against Torture" in myanmar.text
    assert "customary non-refoulement" in myanmar.text


def test_the_chain_lists_each_state_once_in_order_without_north_korea() -> None:
    chain = [("VN", "state of apprehension"), ("CN", "custody"), ("CN", "custody"), ("KP", "x")]
    found = obligations_along(chain)
    assert [(o.iso2, o.role) for o in found] == [
        ("VN", "state of apprehension"),
        ("CN", "custody"),
    ]


def test_a_state_missing_from_the_table_says_so() -> None:
    (unknown,) = obligations_along([("PH", "transit")])
    assert "not in the table" in unknown.text and "customary non-refoulement" in unknown.text


def test_malformed_treaty_rows_are_all_reported() -> None:
    text = (
        "state,iso2,instrument,status,date,source_url\n"
        "X,XX,cat,maybe,,https://treaties.un.org/\n"
        "Y,YY,geneva,party,2001-01-01,https://treaties.un.org/\n"
    )
    with pytest.raises(ValidationError) as error:
        TreatyTable.from_csv(text)
    assert len(error.value.problems) == 2


@pytest.mark.parametrize("iso2", DETAINING_STATES)
def test_each_detaining_state_has_a_leader_and_two_ministers_to_verify(iso2: str) -> None:
    recipients = Directory.default().recipients(iso2)
    assert recipients.to is not None and recipients.to.address
    assert [a.role for a in recipients.copies] == ["public_security", "foreign_affairs"]
    assert all(a.verify for a in recipients.all)


def test_a_checked_row_drops_the_warning_and_a_blank_one_keeps_it() -> None:
    text = (
        "country,role,title,name,address,fax,email,verify,note\n"
        "CN,leader,President,,Beijing,,,no,\n"
        "CN,public_security,Minister,,Beijing,,,,\n"
    )
    directory = Directory.from_csv(text)
    assert [a.verify for a in directory.recipients("cn").all] == [False, True]


def test_directory_rows_without_a_title_are_refused() -> None:
    with pytest.raises(ValidationError, match="title missing"):
        Directory.from_csv("country,role,title\nCN,leader,\n")
