"""Which states along a custody chain are bound not to return the group, and by what.

The table is data (data/treaties.csv, with a UN Treaty Collection link per row; data/SOURCES.md
says how it was compiled and that it must be checked). This module loads it and words each
state's obligations for a draft.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from importlib import resources

from refugewatch.errors import ValidationError

DATA_PACKAGE = "refugewatch.outputs"
TREATIES_PATH = ("data", "treaties.csv")


class Instrument(StrEnum):
    REFUGEE_CONVENTION_1951 = "refugee_convention_1951"
    PROTOCOL_1967 = "protocol_1967"
    CAT = "cat"


class TreatyStatus(StrEnum):
    PARTY = "party"
    SIGNATORY = "signatory"
    NONE = "none"


# How drafts name each instrument and the article that forbids return.
INSTRUMENT_NAMES: Mapping[Instrument, str] = {
    Instrument.REFUGEE_CONVENTION_1951: "the 1951 Convention relating to the Status of Refugees",
    Instrument.PROTOCOL_1967: "its 1967 Protocol",
    Instrument.CAT: "the Convention against Torture",
}


@dataclass(frozen=True)
class TreatyRecord:
    state: str
    iso2: str
    instrument: Instrument
    status: TreatyStatus
    date: dt.date | None
    source_url: str


@dataclass(frozen=True)
class StateObligation:
    """One state on the custody chain, what it is party to, and the sentence a draft uses."""

    iso2: str
    state: str
    role: str  # "state of apprehension", "transit and detention", ...
    records: tuple[TreatyRecord, ...]
    text: str

    def status(self, instrument: Instrument) -> TreatyStatus:
        found = next((r for r in self.records if r.instrument is instrument), None)
        return found.status if found else TreatyStatus.NONE


class TreatyTable:
    """The treaty table, by state and instrument."""

    def __init__(self, records: Iterable[TreatyRecord]) -> None:
        self._records = {(r.iso2, r.instrument): r for r in records}
        self._names = {r.iso2: r.state for r in self._records.values()}

    @classmethod
    def default(cls) -> TreatyTable:
        return _default_table()

    @classmethod
    def from_csv(cls, text: str) -> TreatyTable:
        return cls(parse_treaties(text))

    def state_name(self, iso2: str) -> str:
        return self._names.get(iso2.upper(), iso2.upper())

    def record(self, iso2: str, instrument: Instrument) -> TreatyRecord | None:
        return self._records.get((iso2.upper(), instrument))

    def records(self, iso2: str) -> tuple[TreatyRecord, ...]:
        found = (self.record(iso2, i) for i in Instrument)
        return tuple(r for r in found if r is not None)

    def obligation(self, iso2: str, role: str) -> StateObligation:
        records = self.records(iso2)
        name = self.state_name(iso2)
        return StateObligation(iso2.upper(), name, role, records, _obligation_text(name, records))


def obligations_along(
    countries: Sequence[tuple[str, str]], table: TreatyTable | None = None
) -> list[StateObligation]:
    """Each state once, in custody order, from (ISO2, role) pairs; North Korea is left out."""
    table = table or TreatyTable.default()
    seen: dict[str, str] = {}
    for iso2, role in countries:
        code = iso2.upper()
        if code == "KP":
            continue
        seen[code] = f"{seen[code]}; {role}" if code in seen and role not in seen[code] else role
    return [table.obligation(code, role) for code, role in seen.items()]


def _obligation_text(name: str, records: Sequence[TreatyRecord]) -> str:
    if not records:
        return (
            f"{name}'s treaty status is not in the table (check treaties.un.org); like every "
            "state, it is bound by customary non-refoulement."
        )
    by = {r.instrument: r for r in records}
    refugee = [
        by[i] for i in (Instrument.REFUGEE_CONVENTION_1951, Instrument.PROTOCOL_1967) if i in by
    ]
    refugee_party = [r for r in refugee if r.status is TreatyStatus.PARTY]
    cat = by.get(Instrument.CAT)
    cat_party = cat is not None and cat.status is TreatyStatus.PARTY
    if refugee_party:
        parts = [
            f"{name} is party to {_list_parties(refugee_party)}, whose article 33 forbids refoulement"
        ]
    else:
        parts = [f"{name} is not party to the 1951 Refugee Convention or its 1967 Protocol"]
    if cat is not None and cat_party:
        parts.append(
            f"it is party to the Convention against Torture{_since(cat)}, whose article 3 forbids "
            "returning anyone to a risk of torture"
            + (
                ""
                if refugee_party
                else ", so it is still bound not to return the group, nor hand "
                "it to another state from which return to North Korea is foreseeable"
            )
        )
    elif cat is not None and cat.status is TreatyStatus.SIGNATORY:
        parts.append(
            f"it has signed the Convention against Torture{_since(cat)} but not ratified it"
        )
    else:
        parts.append("it is not party to the Convention against Torture")
    parts.append("like every state, it is bound by customary non-refoulement")
    return "; ".join(parts) + "."


def _list_parties(records: Sequence[TreatyRecord]) -> str:
    return " and ".join(f"{INSTRUMENT_NAMES[r.instrument]}{_since(r)}" for r in records)


def _since(record: TreatyRecord) -> str:
    if record.date is None:
        return ""
    return f" (since {record.date.day} {record.date:%B %Y})"


def parse_treaties(text: str) -> list[TreatyRecord]:
    """Rows of treaties.csv; every malformed row is reported together."""
    problems: list[str] = []
    records = []
    for line, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        try:
            records.append(_record(row))
        except (KeyError, ValueError, TypeError) as exc:
            problems.append(f"treaties.csv line {line}: {exc}")
    if problems:
        raise ValidationError(problems)
    return records


def _record(row: Mapping[str, str]) -> TreatyRecord:
    date = (row.get("date") or "").strip()
    return TreatyRecord(
        state=row["state"].strip(),
        iso2=row["iso2"].strip().upper(),
        instrument=Instrument(row["instrument"].strip()),
        status=TreatyStatus(row["status"].strip()),
        date=dt.date.fromisoformat(date) if date else None,
        source_url=row["source_url"].strip(),
    )


@functools.cache
def _default_table() -> TreatyTable:
    resource = resources.files(DATA_PACKAGE).joinpath(*TREATIES_PATH)
    return TreatyTable.from_csv(resource.read_text(encoding="utf-8"))
