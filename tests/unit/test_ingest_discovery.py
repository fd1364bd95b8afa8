"""discover(): which files under the given paths are documents, and why others are skipped."""

from __future__ import annotations

from pathlib import Path

import pytest

from refugewatch.errors import UnsupportedFormatError
from refugewatch.ingest import discover, load_document


@pytest.fixture
def corpus_like(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    for relative in (
        "dev/101_story.txt",
        "dev/101_story.gold.json",
        "dev/102_page.html",
        "ko/401_ko.txt",
        "ko/401_ko.gold.json",
        "ko/.DS_Store",
        ".git/config",
        "README.md",
        "reports/letter.pdf",
        "reports/sheet.xlsx",
        "reports/draft.txt~",
    ):
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
    return root


def test_folder_expanded_sorted_and_companions_skipped(corpus_like: Path) -> None:
    found = discover([corpus_like])
    assert [p.relative_to(corpus_like).as_posix() for p in found.documents] == [
        "dev/101_story.txt",
        "dev/102_page.html",
        "ko/401_ko.txt",
        "reports/letter.pdf",
    ]
    reasons = {p.relative_to(corpus_like).as_posix(): why for p, why in found.skipped}
    assert "annotation" in reasons["dev/101_story.gold.json"]
    assert "hidden" in reasons["ko/.DS_Store"]
    assert "hidden" in reasons[".git/config"]
    assert "not a supported document type (.xlsx)" in reasons["reports/sheet.xlsx"]
    assert "backup" in reasons["reports/draft.txt~"]
    assert "describes the folder" in reasons["README.md"]


def test_explicit_unknown_file_is_not_skipped_silently(corpus_like: Path) -> None:
    sheet = corpus_like / "reports" / "sheet.xlsx"
    found = discover([sheet])
    assert found.documents == [sheet] and found.skipped == []
    with pytest.raises(UnsupportedFormatError, match="xlsx"):
        load_document(sheet.name, sheet.read_bytes())


def test_missing_path_reported(tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    found = discover([missing])
    assert found.documents == []
    assert found.skipped == [(missing, "no such file or folder")]


def test_same_file_twice_listed_once(corpus_like: Path) -> None:
    story = corpus_like / "dev" / "101_story.txt"
    assert discover([story, corpus_like / "dev"]).documents == [
        story,
        corpus_like / "dev" / "102_page.html",
    ]


def test_real_corpus_discovers_texts_only(corpus_dir: Path) -> None:
    """Every text is found; every gold file and the README are skipped with a reason."""
    found = discover([corpus_dir])
    assert found.documents and all(p.suffix == ".txt" for p in found.documents)
    golds = {p for p, _ in found.skipped if p.name.endswith(".gold.json")}
    assert {p.name for p, _ in found.skipped if p not in golds} == {"README.md"}
    assert {p.name for p in found.documents} == {
        p.name.removesuffix(".gold.json") + ".txt" for p in golds
    }
