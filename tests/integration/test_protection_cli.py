"""The protection commands end to end, on SQLite and PostgreSQL (and SQLCipher)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

import refugewatch.cli_protection  # noqa: F401  (registers the commands, as cli.py does)
from refugewatch.cli import app
from refugewatch.store.sql import create_engine_for, dispose_engines
from tests.conftest import ROOT

EXAMPLES = ROOT / "examples" / "reports"
PASSPHRASE = "correct horse battery staple"
Invoke = Callable[..., str]


def _secret_file(path: Path, text: str) -> Path:
    path.write_text(text + "\n", encoding="utf-8")
    path.chmod(0o600)
    return path


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv(
        "REFUGEWATCH_PASSPHRASE_FILE", str(_secret_file(tmp_path / "pp", PASSPHRASE))
    )
    monkeypatch.setenv("REFUGEWATCH_AUDIT_KEY_FILE", str(tmp_path / "audit.pem"))
    monkeypatch.setenv("REFUGEWATCH_USER", "mina")
    yield tmp_path
    dispose_engines()


@pytest.fixture
def cli(database_url: str, env: Path, monkeypatch: pytest.MonkeyPatch) -> Invoke:
    monkeypatch.setenv("REFUGEWATCH_DATABASE_URL", database_url)
    return _runner()


def _runner() -> Invoke:
    runner = CliRunner()

    def invoke(*args: str, code: int = 0, input: str | None = None) -> str:
        result = runner.invoke(app, list(args), input=input, catch_exceptions=False)
        assert result.exit_code == code, result.output
        return result.output

    return invoke


def test_user_commands(cli: Invoke, env: Path) -> None:
    cli("init")
    password = _secret_file(env / "pw", "a long enough password")
    assert "added as editor" in cli(
        "user", "add", "jun", "--role", "editor", "--password-file", str(password)
    )
    cli("user", "passwd", "jun", input="another long password\nanother long password\n")
    cli("user", "disable", "jun")
    listing = cli("user", "list")
    assert "jun" in listing and "disabled" in listing
    assert "unknown role" in cli(
        "user", "add", "kim", "--role", "boss", "--password-file", str(password), code=6
    )
    assert "already exists" in cli(
        "user", "add", "jun", "--role", "viewer", "--password-file", str(password), code=6
    )


def test_secret_files_readable_by_others_are_refused(cli: Invoke, env: Path) -> None:
    cli("init")
    (env / "pp").chmod(0o644)
    assert "chmod 600" in cli("keys", "init", code=2)


def test_keys_people_and_pseudonyms(cli: Invoke, env: Path) -> None:
    cli("init")
    assert "no data key yet" in cli("keys", "status")
    cli("keys", "init")
    assert "protected values: 0" in cli("keys", "status")
    assert "already exists" in cli("keys", "init", code=8)
    _add_case()
    name = _secret_file(env / "name", "김철수")
    cli("person", "add", "case-1", "--pseudonym", "Person A", "--name-file", str(name))
    cli("pseudonyms", "new-key", "--out", str(env / "partner.key"), "--label", "NGO-B")
    out = cli(
        "pseudonyms",
        "export",
        "--key-file",
        str(env / "partner.key"),
        "--out",
        str(env / "ours.json"),
    )
    assert "1 tokens written" in out
    shutil.copy(env / "ours.json", env / "theirs.json")
    assert "1 possible shared people" in cli(
        "match", str(env / "ours.json"), str(env / "theirs.json")
    )
    new = _secret_file(env / "new-pp", "another strong passphrase")
    cli("keys", "rotate", "--new-data-key", "--new-passphrase-file", str(new))
    (env / "pp").write_text("another strong passphrase\n")
    assert "under another key: 0" in cli("keys", "status")
    assert "already exists" in cli(
        "pseudonyms",
        "export",
        "--key-file",
        str(env / "partner.key"),
        "--out",
        str(env / "ours.json"),
        code=6,
    )


def test_wrong_passphrase_is_a_clear_error(cli: Invoke, env: Path) -> None:
    cli("init")
    cli("keys", "init")
    (env / "pp").write_text("not the right passphrase\n")
    _add_case()
    name = _secret_file(env / "name", "Kim")
    out = cli("person", "add", "case-1", "--pseudonym", "A", "--name-file", str(name), code=8)
    assert "does not unlock the data key" in out and "Traceback" not in out


def _add_case() -> None:
    from refugewatch.config import Settings
    from refugewatch.model.cases import Case
    from refugewatch.store.sql import uow_factory

    with uow_factory(Settings.from_env().database_url)() as uow:
        uow.cases.replace_all([Case("case-1", "Group", ("k#0",))])
        uow.commit()


def test_export_command(cli: Invoke, env: Path) -> None:
    cli("init")
    cli("ingest", str(EXAMPLES))
    out = cli(
        "export", "--audience", "public", "--format", "json", "--out", str(env / "public.json")
    )
    assert "left out" in out  # no case has public consent yet
    body = json.loads((env / "public.json").read_text())
    assert body["cases"] == [] and body["watermark"].startswith("Exported for public")
    internal = cli(
        "export", "--audience", "internal", "--format", "csv", "--out", str(env / "all.csv")
    )
    assert "0 left out" in internal
    assert (env / "all.csv").read_text().startswith("# Exported by mina for internal")
    assert "already exists" in cli(
        "export", "--audience", "internal", "--out", str(env / "all.csv"), code=6
    )
    assert "may not contain" in cli(
        "export", "--audience", "internal", "--out", str(env / "x" / ".." / "y.json"), code=6
    )
    assert "unknown audience" in cli(
        "export", "--audience", "press", "--out", str(env / "p.json"), code=6
    )


def test_audit_commands_detect_truncation(cli: Invoke, env: Path, database_url: str) -> None:
    cli("init")
    cli("ingest", str(EXAMPLES))
    assert "checkpoint at event" in cli("audit", "checkpoint")
    assert "audit chain intact" in cli("audit", "verify")
    cli("audit", "export", "--out", str(env / "audit.json"))
    assert json.loads((env / "audit.json").read_text())["checkpoints"]
    engine = create_engine_for(database_url)
    with engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM audit_events WHERE seq > 3"))
    engine.dispose()
    out = cli("audit", "verify", code=8)
    assert "were cut off" in out and "tampered" in out


def test_backup_and_restore_commands(
    cli: Invoke, env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli("init")
    cli("ingest", str(EXAMPLES))
    cli("backup-keys", "--out", str(env / "bk"))
    public, private = env / "bk" / "backup-public.pem", env / "bk" / "backup-private.pem"
    cli("backup", "--to", str(env / "rw.backup"), "--public-key", str(public))
    assert "not empty" in cli(
        "restore", str(env / "rw.backup"), "--private-key", str(private), code=6
    )
    monkeypatch.setenv("REFUGEWATCH_DATABASE_URL", f"sqlite:///{env / 'restored.db'}")
    assert "audit chain intact" in cli(
        "restore", str(env / "rw.backup"), "--private-key", str(private)
    )
    assert len(json.loads(cli("documents", "--json"))) == len(list(EXAMPLES.iterdir()))
    assert "audit chain intact" in cli("audit", "verify")


def test_sqlcipher_database_and_a_wrong_key(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key = _secret_file(env / "db.key", "k" * 32)
    monkeypatch.setenv("REFUGEWATCH_DATABASE_URL", f"sqlite+pysqlcipher:///{env / 'enc.db'}")
    monkeypatch.setenv("REFUGEWATCH_SQLCIPHER_KEY_FILE", str(key))
    cli = _runner()
    cli("init")
    cli("ingest", str(EXAMPLES))
    assert not (env / "enc.db").read_bytes().startswith(b"SQLite format 3")
    assert b"Mong Cai" not in (env / "enc.db").read_bytes()
    dispose_engines()
    key.write_text("w" * 32 + "\n")
    out = cli("cases", code=5)
    assert "the database key is wrong or the file is not a refugewatch database" in out
    assert "Traceback" not in out
