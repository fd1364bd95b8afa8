"""The editable directory of who a letter goes to (data/addressees.csv; see data/SOURCES.md)."""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources

from refugewatch.errors import ValidationError

DATA_PACKAGE = "refugewatch.outputs"
ADDRESSEES_PATH = ("data", "addressees.csv")
# The letter's addressee; the other roles receive copies, in this order.
LEADER_ROLE = "leader"
COPY_ROLES = ("public_security", "foreign_affairs")
UN_CODE = "UN"
NO_WORDS = frozenset({"no", "n", "false", "0"})


@dataclass(frozen=True)
class Addressee:
    country: str
    role: str
    title: str
    name: str | None
    address: str | None
    fax: str | None
    email: str | None
    verify: bool
    note: str | None = None

    @property
    def heading(self) -> str:
        """Title and name as a letter's salutation block shows them."""
        return f"{self.title}, {self.name}" if self.name else self.title


@dataclass(frozen=True)
class Recipients:
    """Who one letter goes to."""

    to: Addressee | None
    copies: tuple[Addressee, ...]

    @property
    def all(self) -> tuple[Addressee, ...]:
        return ((self.to,) if self.to else ()) + self.copies


class Directory:
    def __init__(self, entries: Iterable[Addressee]) -> None:
        self._entries = tuple(entries)

    @classmethod
    def default(cls) -> Directory:
        return _default_directory()

    @classmethod
    def from_csv(cls, text: str) -> Directory:
        return cls(parse_addressees(text))

    def entries(self, country: str) -> list[Addressee]:
        return [e for e in self._entries if e.country == country.upper()]

    def recipients(self, country: str) -> Recipients:
        """The leader of the state, with copies to its security and foreign ministers."""
        entries = self.entries(country)
        to = next((e for e in entries if e.role == LEADER_ROLE), None)
        copies = tuple(e for role in COPY_ROLES for e in entries if e.role == role)
        return Recipients(to, copies)

    def un_channel(self) -> Recipients:
        entries = self.entries(UN_CODE)
        return Recipients(entries[0] if entries else None, tuple(entries[1:]))


def parse_addressees(text: str) -> list[Addressee]:
    problems: list[str] = []
    entries = []
    for line, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        missing = [k for k in ("country", "role", "title") if not (row.get(k) or "").strip()]
        if missing:
            problems.append(f"addressees.csv line {line}: {', '.join(missing)} missing")
            continue
        entries.append(_entry(row))
    if problems:
        raise ValidationError(problems)
    return entries


def _entry(row: Mapping[str, str | None]) -> Addressee:
    def get(key: str) -> str | None:
        value = (row.get(key) or "").strip()
        return value or None

    return Addressee(
        country=(get("country") or "").upper(),
        role=get("role") or "",
        title=get("title") or "",
        name=get("name"),
        address=get("address"),
        fax=get("fax"),
        email=get("email"),
        # Unchecked rows are the default: only an explicit "no" drops the warning.
        verify=(get("verify") or "yes").lower() not in NO_WORDS,
        note=get("note"),
    )


@functools.cache
def _default_directory() -> Directory:
    resource = resources.files(DATA_PACKAGE).joinpath(*ADDRESSEES_PATH)
    return Directory.from_csv(resource.read_text(encoding="utf-8"))
