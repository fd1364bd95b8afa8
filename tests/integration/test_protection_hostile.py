"""SQL-injection payloads in every text field the services write are stored and read back as
text, on both backends (the store only ever binds parameters)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from refugewatch.config import Settings
from refugewatch.model.cases import Case, Disclosure
from refugewatch.security.keys import KdfParams
from refugewatch.services import protection_keys as keys
from refugewatch.services.ingest import Outcome, ingest_bytes
from refugewatch.services.queries import get_document
from refugewatch.store.sql import SqlUnitOfWork, dispose_engines, migrate
from refugewatch.store.sql import uow_factory as make_factory

Factory = Callable[[], SqlUnitOfWork]
FAST_KDF = KdfParams(time_cost=1, memory_cost_kib=1024, parallelism=1)
PAYLOADS = [
    "'; DROP TABLE documents; --",
    '" OR "1"="1',
    "1); DELETE FROM audit_events WHERE (1=1",
    "Robert'); UPDATE users SET role='admin' WHERE ('1'='1",
    "%' UNION SELECT password_hash FROM users --",
    "\\'; SELECT pg_sleep(5); --",
]


@pytest.fixture
def store(database_url: str) -> Iterator[Factory]:
    migrate(database_url)
    yield make_factory(database_url)
    dispose_engines()


@pytest.mark.parametrize("payload", PAYLOADS, ids=[f"payload-{n}" for n in range(len(PAYLOADS))])
def test_payloads_round_trip_as_text(store: Factory, payload: str) -> None:
    keys.init_keys(store, "correct horse battery staple", "admin", FAST_KDF)
    cipher = keys.unlock(store, "correct horse battery staple")
    text = f"Nine North Koreans were detained in Shenyang. {payload}"
    public = ingest_bytes(store, f"{payload}.txt", text.encode(), Settings(), actor=payload)
    secret = ingest_bytes(
        store, "s.txt", (text + " secret").encode(), Settings(), cipher=cipher, confidential=True
    )
    assert public.outcome is Outcome.INGESTED and secret.outcome is Outcome.INGESTED
    with store() as uow:
        uow.cases.replace_all([Case(payload[:90], payload, ("k#0",))])
        uow.cases.set_disclosure(payload[:90], Disclosure.PARTNERS, payload)
        uow.commit()
    person = keys.add_person(store, cipher, payload[:90], payload, payload, payload)
    stored = get_document(store, public.sha256 or "").document
    assert (stored.filename, stored.clean_text, stored.ingested_by) == (
        f"{payload}.txt",
        text,
        payload,
    )
    assert get_document(store, secret.sha256 or "", cipher=cipher).document.clean_text.endswith(
        f"{payload} secret"
    )
    with store() as uow:
        case = uow.cases.get(payload[:90])
        tables_alive = uow.documents.count() == 2 and len(uow.audit.list()) >= 4
        chain = uow.audit_chain.verify_chain()
    assert case is not None and (case.label, case.consent_note) == (payload, payload)
    assert keys.reveal_person(store, cipher, person.id, "admin", "check") == payload
    assert tables_alive and chain == []
