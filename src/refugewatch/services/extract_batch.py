"""`refugewatch extract`: files in, one interchange JSON per document out, no database.

Incidents are linked across the whole batch so each output carries `case_id` per incident and
`same_case_as` (the other documents of the batch that report one of its groups).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from refugewatch.config import Settings
from refugewatch.errors import IngestError
from refugewatch.extract.interchange import to_interchange
from refugewatch.ingest import discover, load_document
from refugewatch.link import LinkItem, case_id_for, link_incidents
from refugewatch.model.claims import incident_key
from refugewatch.model.documents import Document
from refugewatch.model.extraction import Extraction
from refugewatch.services.ingest import extract_document

Progress = Callable[[int, int, str], None]


@dataclass
class BatchReport:
    written: list[Path] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class _Extracted:
    path: Path
    document: Document
    extraction: Extraction


def extract_to_folder(
    paths: Sequence[Path], out_dir: Path, settings: Settings, progress: Progress | None = None
) -> BatchReport:
    found = discover(list(paths))
    report = BatchReport(skipped=[(str(p), r) for p, r in found.skipped])
    done = _extract_all(found.documents, settings, report, progress)
    case_of = _link_batch(done)
    names_by_case = _names_by_case(done, case_of)
    out_dir.mkdir(parents=True, exist_ok=True)
    for item in done:
        report.written.append(_write_one(item, case_of, names_by_case, out_dir))
    return report


def _extract_all(
    paths: Sequence[Path], settings: Settings, report: BatchReport, progress: Progress | None
) -> list[_Extracted]:
    done: list[_Extracted] = []
    for n, path in enumerate(paths, start=1):
        try:
            document = load_document(
                path.name, path.read_bytes(), max_bytes=settings.max_file_bytes
            )
            extraction = extract_document(document)
            done.append(_Extracted(path, document, extraction))
        except IngestError as exc:
            report.failed.append((str(path), str(exc)))
        except OSError as exc:
            report.failed.append((str(path), f"cannot read file: {exc.strerror}"))
        if progress:
            progress(n, len(paths), path.name)
    return done


def _link_batch(done: Sequence[_Extracted]) -> dict[str, str]:
    """incident key -> case id, over the whole batch."""
    items = [
        LinkItem(
            key=incident_key(item.document.sha256, i),
            document=item.path.name,
            published=item.document.published,
            outlet=item.document.collector or item.document.outlet,
            incident=incident,
            context=incident.evidence.quote,
        )
        for item in done
        for i, incident in enumerate(item.extraction.incidents)
    ]
    case_of: dict[str, str] = {}
    for cluster in link_incidents(items):
        cid = case_id_for(cluster)
        case_of.update(dict.fromkeys(cluster, cid))
    return case_of


def _write_one(
    item: _Extracted, case_of: dict[str, str], names_by_case: dict[str, set[str]], out_dir: Path
) -> Path:
    sha = item.document.sha256
    case_ids = [case_of.get(incident_key(sha, i)) for i in range(len(item.extraction.incidents))]
    others = {name for cid in case_ids if cid for name in names_by_case[cid]} - {item.path.name}
    payload = to_interchange(
        item.path.name,
        item.document.published,
        item.document.language,
        item.extraction,
        case_ids=case_ids,
        same_case_as=sorted(others),
    )
    target = out_dir / f"{item.path.stem}.json"
    target.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return target


def _names_by_case(done: Sequence[_Extracted], case_of: dict[str, str]) -> dict[str, set[str]]:
    """case id -> file names of the batch documents reporting it."""
    name_of = {item.document.sha256[:12]: item.path.name for item in done}
    names: dict[str, set[str]] = defaultdict(set)
    for key, cid in case_of.items():
        names[cid].add(name_of[key.split("#", 1)[0]])
    return names
