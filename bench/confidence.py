"""Precision of each extraction confidence level on the shared corpus.

Extracts seeds + dev with `refugewatch extract`, pairs predicted with gold incidents the way
../shared/tools/score.py does, and prints, per confidence level, how many incidents the extractor
gave, how many paired with a gold incident (lenient precision) and how many had people, date,
country and status all right (strict precision). docs/extraction.md quotes these figures.

Usage: .venv/bin/python bench/confidence.py [--corpus ../shared/corpus]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from types import ModuleType

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def load_scorer(corpus: Path) -> ModuleType:
    path = corpus.parent / "tools" / "score.py"
    spec = importlib.util.spec_from_file_location("corpus_score", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def extract_batch(corpus: Path, work: Path) -> Path:
    batch, out = work / "batch", work / "pred"
    batch.mkdir()
    for folder in ("seeds", "dev"):
        for path in (corpus / folder).iterdir():
            shutil.copy(path, batch)
    cli = Path(sys.executable).with_name("refugewatch")
    subprocess.run([str(cli), "extract", str(batch), "--out", str(out)], check=True,
                   capture_output=True)  # fmt: skip
    return batch


def strict_ok(scorer: ModuleType, gold: dict[str, object], pred: dict[str, object]) -> bool:
    return bool(
        gold.get("people") == pred.get("people")
        and scorer.date_ok(gold.get("apprehended_date"), pred.get("apprehended_date"))
        and gold.get("apprehended_country") == pred.get("apprehended_country")
        and gold.get("status") == pred.get("status")
    )


def tally(scorer: ModuleType, batch: Path) -> tuple[Counter[str], Counter[str], Counter[str]]:
    given, paired, strict = Counter[str](), Counter[str](), Counter[str]()
    for gold_path in sorted(batch.glob("*.gold.json")):
        gold = json.loads(gold_path.read_text())["incidents"]
        pred_path = batch.parent / "pred" / gold_path.name.replace(".gold.json", ".json")
        pred = json.loads(pred_path.read_text())["incidents"]
        given.update(p.get("confidence", "none") for p in pred)
        for gi, pi in scorer.pair(gold, pred):
            level = pred[pi].get("confidence", "none")
            paired[level] += 1
            strict[level] += strict_ok(scorer, gold[gi], pred[pi])
    return given, paired, strict


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args()
    scorer = load_scorer(args.corpus)
    with tempfile.TemporaryDirectory() as tmp:
        batch = extract_batch(args.corpus, Path(tmp))
        given, paired, strict = tally(scorer, batch)
    print(f"{'level':8} {'given':>6} {'paired':>7} {'precision':>10} {'strict':>7} {'strict P':>9}")
    for level in sorted(given):
        n = given[level]
        print(f"{level:8} {n:6} {paired[level]:7} {paired[level] / n:10.3f} "
              f"{strict[level]:7} {strict[level] / n:9.3f}")  # fmt: skip


if __name__ == "__main__":
    main()
