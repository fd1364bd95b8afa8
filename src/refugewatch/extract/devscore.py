"""Developer entry point: extract every *.txt in a folder and write NAME.json for the scorer.

    python -m refugewatch.extract.devscore CORPUS_DIR OUT_DIR
    python3 ../shared/tools/score.py CORPUS_DIR OUT_DIR

Reads each file through ingest.load_document (header, clean text, publication date), runs
extract() and writes the interchange JSON. No linking: `refugewatch extract` adds that.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from refugewatch.extract.interchange import to_interchange
from refugewatch.extract.pipeline import extract
from refugewatch.ingest.loader import load_document
from refugewatch.ingest.published import date_from_url


def run(source: Path, out: Path) -> tuple[int, int, float]:
    """Extract every text in `source` into `out`; returns (files, bytes, seconds spent)."""
    out.mkdir(parents=True, exist_ok=True)
    files = size = 0
    spent = 0.0
    for path in sorted(source.glob("*.txt")):
        data = path.read_bytes()
        document = load_document(path.name, data)
        began = time.perf_counter()
        anchor = date_from_url(document.url) if document.url else None
        extraction = extract(
            document.clean_text, document.published, language=document.language, anchor=anchor
        )
        spent += time.perf_counter() - began
        payload = to_interchange(path.name, document.published, document.language, extraction)
        (out / f"{path.stem}.json").write_text(json.dumps(payload, ensure_ascii=False, indent=2))
        files += 1
        size += len(data)
    return files, size, spent


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    files, size, spent = run(Path(argv[0]), Path(argv[1]))
    rate = size / 1024 / spent if spent else float("inf")
    print(f"extracted {files} files, {size / 1024:.0f} KB in {spent:.2f} s ({rate:.0f} KB/s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
