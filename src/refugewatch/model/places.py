"""Gazetteer entries: places on the routes North Koreans take, with aliases and border distance."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class PlaceKind(StrEnum):
    COUNTRY = "country"
    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"
    TOWN = "town"
    BORDER_CROSSING = "border_crossing"
    DETENTION_FACILITY = "detention_facility"
    REGION = "region"


@dataclass(frozen=True)
class Place:
    id: str  # stable slug, e.g. "cn-jilin-tumen"
    name: str  # preferred English spelling
    country: str  # ISO 3166-1 alpha-2
    kind: PlaceKind
    province: str | None = None
    lat: float | None = None
    lon: float | None = None
    aliases: tuple[str, ...] = ()
    border_km: float | None = None  # distance to the North Korean border; 0 = on it
    staging_point: bool = False  # known place where returnees are gathered before handover
    source: str | None = None
