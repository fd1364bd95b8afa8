"""The CLI end to end on a fresh database per test, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from refugewatch.cli import app
from tests.conftest import ROOT

EXAMPLES = ROOT / "examples" / "reports"


@pytest.fixture
def cli(database_url: str, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("REFUGEWATCH_DATABASE_URL", database_url)
    runner = CliRunner()

    def invoke(*args: str, code: int = 0) -> str:
        result = runner.invoke(app, list(args), catch_exceptions=False)
        assert result.exit_code == code, result.output
        return result.output

    return invoke


def _json(output: str) -> list[dict[str, object]] | dict[str, object]:
    return json.loads(output)  # type: ignore[no-any-return]


def test_init_is_idempotent(cli) -> None:  # type: ignore[no-untyped-def]
    assert "database ready" in cli("init")
    assert "database ready" in cli("init")


def test_commands_before_init_say_what_to_do(cli) -> None:  # type: ignore[no-untyped-def]
    out = cli("cases", code=5)
    assert "refugewatch init" in out


def test_ingest_examples_then_again_is_a_no_op(cli) -> None:  # type: ignore[no-untyped-def]
    cli("init")
    first = cli("ingest", str(EXAMPLES))
    n = len(list(EXAMPLES.iterdir()))
    assert f"{n} ingested, 0 duplicate, 0 refused" in first
    second = cli("ingest", str(EXAMPLES))
    assert f"0 ingested, {n} duplicate, 0 refused" in second
    docs = _json(cli("documents", "--json"))
    assert isinstance(docs, list) and len(docs) == n


def test_examples_become_cases_and_the_follow_up_links(cli) -> None:  # type: ignore[no-untyped-def]
    cli("init")
    cli("ingest", str(EXAMPLES))
    cases = _json(cli("cases", "--json"))
    assert isinstance(cases, list) and cases
    nine = [c for c in cases if c["people_best"] == 9]
    assert len(nine) == 1, "the Mong Cai group and its follow-up should be one case"
    assert nine[0]["sources"] == 2
    detail = _json(cli("case", str(nine[0]["id"]), "--json"))
    assert isinstance(detail, dict)
    assert [s["place"] for s in detail["custody_chain"]][:1] == ["Dongxing"]  # type: ignore[index]
    assert {v["kind"] for v in detail["vulnerable"]} >= {"infants"}  # type: ignore[union-attr]
    assert all(c["evidence"]["quote"] for c in detail["claims"])  # type: ignore[index,union-attr]


def test_report_without_detention_makes_no_case(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("init")
    only = tmp_path / "in"
    only.mkdir()
    shutil.copy(EXAMPLES / "08-market-prices-no-detention.txt", only)
    cli("ingest", str(only))
    assert _json(cli("cases", "--json")) == []


def test_bad_files_are_refused_without_aborting_the_batch(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("init")
    batch = tmp_path / "batch"
    batch.mkdir()
    (batch / "empty.txt").write_bytes(b"")
    (batch / "junk.txt").write_bytes(bytes(range(256)) * 40)
    (batch / "good.txt").write_text("Police in Dandong detained five North Koreans on Monday.\n")
    bad = tmp_path / "notes.docx"
    bad.write_bytes(b"PK\x03\x04 not really a docx")
    out = cli("ingest", str(batch), str(bad))
    assert "1 ingested, 0 duplicate, 3 refused" in out
    assert "notes.docx" in out


def test_unknown_case_is_a_one_line_error(cli) -> None:  # type: ignore[no-untyped-def]
    cli("init")
    out = cli("case", "no-such-case", code=4)
    assert out.strip().startswith("error:") and "no-such-case" in out


def test_extract_writes_interchange_json(tmp_path: Path) -> None:
    batch = tmp_path / "batch"
    shutil.copytree(EXAMPLES, batch)
    (batch / "01-mongcai-nine-handed-to-china.gold.json").write_text("{}")
    out_dir = tmp_path / "out"
    result = CliRunner().invoke(app, ["extract", str(batch), "--out", str(out_dir)])
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in out_dir.glob("*.json"))
    assert len(written) == len(list(EXAMPLES.iterdir()))
    first = json.loads((out_dir / "01-mongcai-nine-handed-to-china.json").read_text())
    assert first["doc"] == "01-mongcai-nine-handed-to-china.txt"
    assert first["incidents"] and first["incidents"][0]["people"] == 9
    assert "02-mongcai-nine-moved-to-tumen.html" in first["same_case_as"]
    assert first["incidents"][0]["case_id"]
