"""Which files under the given paths are documents to ingest (no file contents are read)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from refugewatch.ingest.formats import SUPPORTED_SUFFIXES

# Companion files the corpus keeps beside each text (NAME.gold.json, NAME.json predictions).
COMPANION_SUFFIXES: tuple[str, ...] = (".gold.json", ".json")
# Files that describe a folder rather than report anything (the corpus README.md). Inside a
# folder they are skipped; named explicitly they are ingested like any other file.
FOLDER_DOCUMENTATION_STEMS = frozenset(
    {"readme", "license", "licence", "changelog", "contributing"}
)


@dataclass(frozen=True)
class Discovery:
    documents: list[Path] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)


def discover(paths: Sequence[Path]) -> Discovery:
    """Expand folders (recursively, sorted); name every path left out and why.

    A file named explicitly is always returned as a document, even with an unknown suffix, so
    that load_document refuses it with a message instead of it vanishing silently.
    """
    documents: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    for path in paths:
        if path.is_dir():
            _walk_folder(path, documents, skipped)
        elif path.is_file():
            documents.append(path)
        elif path.exists():
            skipped.append((path, "not a regular file (device, socket or pipe)"))
        else:
            skipped.append((path, "no such file or folder"))
    return Discovery(documents=_unique(documents), skipped=skipped)


def _walk_folder(folder: Path, documents: list[Path], skipped: list[tuple[Path, str]]) -> None:
    for path in sorted(folder.rglob("*")):
        if path.is_dir():
            continue
        reason = skip_reason(path.relative_to(folder))
        if reason:
            skipped.append((path, reason))
        else:
            documents.append(path)


def skip_reason(relative: Path) -> str | None:
    """Why a file found inside a folder is not a document, or None when it is one."""
    if any(part.startswith(".") for part in relative.parts):
        return "hidden file or folder"
    name = relative.name.lower()
    if name.endswith(COMPANION_SUFFIXES):
        return "annotation or prediction file (JSON), not a document"
    if name.endswith("~") or name.startswith("~$"):
        return "editor backup or lock file"
    if relative.stem.lower() in FOLDER_DOCUMENTATION_STEMS:
        return "describes the folder (README, LICENSE...), not a report; name it to ingest it"
    if relative.suffix.lower() not in SUPPORTED_SUFFIXES:
        suffix = relative.suffix or "no suffix"
        return f"not a supported document type ({suffix}); supported: " + ", ".join(
            sorted(SUPPORTED_SUFFIXES)
        )
    return None


def _unique(paths: list[Path]) -> list[Path]:
    seen: set[Path] = set()
    result: list[Path] = []
    for path in paths:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            result.append(path)
    return result
