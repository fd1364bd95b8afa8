"""Extraction throughput and peak memory on one core.

Runs the extractor over the shared corpus (seeds + dev) repeated until at least TARGET_BYTES of
text, and prints documents/s, KB/s and peak memory, plus the time per pipeline stage so the
slowest stage is named. Usage: .venv/bin/python bench/extract.py [--corpus ../shared/corpus]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import resource
import time
from pathlib import Path

from refugewatch.extract.pipeline import extract
from refugewatch.ingest import load_document
from refugewatch.model.documents import Document

# 5 MB: the floor, large enough that start-up costs vanish in the average.
TARGET_BYTES = 5 * 1024 * 1024
DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def load_corpus(corpus: Path) -> list[Document]:
    docs = []
    for folder in ("seeds", "dev"):
        for path in sorted((corpus / folder).glob("*.txt")):
            docs.append(load_document(path.name, path.read_bytes()))
    return docs


def run(docs: list[Document]) -> tuple[int, int, float, float]:
    """Documents, bytes, wall seconds and CPU seconds of extracting the corpus repeated.

    CPU time is the per-core figure: on a shared machine wall time also counts other processes.
    """
    size = sum(len(d.clean_text.encode()) for d in docs)
    rounds = max(1, -(-TARGET_BYTES // size))
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(rounds):
        for doc in docs:
            extract(doc.clean_text, doc.published, language=doc.language)
    return rounds * len(docs), rounds * size, time.perf_counter() - wall, time.process_time() - cpu


def profile_stages(docs: list[Document]) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    for doc in docs:
        extract(doc.clean_text, doc.published, language=doc.language)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(r"refugewatch/extract", 12)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args()
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, as the target says
    docs = load_corpus(args.corpus)
    count, size, wall, cpu = run(docs)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"documents: {count} ({size / 1e6:.1f} MB of clean text), one core")
    print(f"CPU time {cpu:.2f} s: {count / cpu:.1f} documents/s, {size / 1024 / cpu:.0f} KB/s")
    print(f"wall time {wall:.2f} s: {count / wall:.1f} documents/s, {size / 1024 / wall:.0f} KB/s")
    print(f"peak memory (max RSS): {peak_mb:.0f} MB")
    print("\nwhere the time goes (cumulative, one pass over the corpus):")
    print(profile_stages(docs))


if __name__ == "__main__":
    main()
