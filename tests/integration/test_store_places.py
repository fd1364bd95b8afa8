"""Gazetteer table: places round-trip and are replaced as a whole."""

from __future__ import annotations

import pytest

from refugewatch.errors import ValidationError
from refugewatch.model.places import Place, PlaceKind
from tests.integration.conftest import UowFactory

TUMEN = Place(
    id="cn-jilin-tumen",
    name="Tumen",
    country="CN",
    kind=PlaceKind.CITY,
    province="Jilin",
    lat=42.97,
    lon=129.84,
    aliases=("图们", "Tumen City"),
    border_km=0.0,
    staging_point=True,
    source="test fixture",
)
MONG_CAI = Place(id="vn-mong-cai", name="Mong Cai", country="VN", kind=PlaceKind.BORDER_CROSSING)


def test_places_round_trip_and_filter_by_country(make_uow: UowFactory) -> None:
    with make_uow() as uow:
        uow.places.replace_all([MONG_CAI, TUMEN])
        uow.commit()
    with make_uow() as uow:
        assert uow.places.list() == [TUMEN, MONG_CAI]
        assert uow.places.list(country="VN") == [MONG_CAI]
        assert uow.places.get("cn-jilin-tumen") == TUMEN
        assert uow.places.get("nowhere") is None


def test_replace_all_drops_places_no_longer_listed(make_uow: UowFactory) -> None:
    with make_uow() as uow:
        uow.places.replace_all([MONG_CAI, TUMEN])
        uow.places.replace_all([TUMEN])
        assert uow.places.list() == [TUMEN]


def test_repeated_place_ids_are_refused(make_uow: UowFactory) -> None:
    with make_uow() as uow, pytest.raises(ValidationError, match="vn-mong-cai"):
        uow.places.replace_all([MONG_CAI, MONG_CAI])
