"""The gazetteer table: places loaded from the data files, replaced as a whole."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import sqlalchemy as sa

from refugewatch.errors import ValidationError
from refugewatch.model.places import Place
from refugewatch.store.sql import mapping
from refugewatch.store.sql.connection import ConnectionHolder
from refugewatch.store.sql.tables import places


class SqlPlaceRepository:
    def __init__(self, holder: ConnectionHolder) -> None:
        self._db = holder

    def replace_all(self, entries: Sequence[Place]) -> None:
        repeated = sorted(i for i, n in Counter(p.id for p in entries).items() if n > 1)
        if repeated:
            raise ValidationError([f"place id {i!r} appears more than once" for i in repeated])
        self._db.execute(places.delete())
        if entries:
            self._db.execute(places.insert(), [mapping.place_row(p) for p in entries])

    def list(self, country: str | None = None) -> list[Place]:
        query = sa.select(places).order_by(places.c.id)
        if country is not None:
            query = query.where(places.c.country == country)
        return [mapping.place_from_row(row) for row in self._db.execute(query).mappings()]

    def get(self, place_id: str) -> Place | None:
        row = self._db.execute(sa.select(places).where(places.c.id == place_id)).mappings().first()
        return mapping.place_from_row(row) if row is not None else None
