"""Measure linking on the gold annotations: `python -m refugewatch.link.devscore [CORPUS_DIR]`.

Gold incidents (not the extractor's) are turned into LinkItems, linked, and scored the way
../shared/tools/score.py scores linking: pairwise P/R/F1 over same-case document pairs (only pairs
whose two documents are both in the batch) and B-cubed P/R/F1 per incident against the gold
`case_id` (an incident without one is its own case). This isolates the linker from extraction
errors; the end-to-end figure comes from score.py on the extractor's output.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Any

from refugewatch.link.cluster import link_incidents
from refugewatch.link.compare import build_profiles, compare
from refugewatch.link.items import LinkItem
from refugewatch.model.counts import Count, Qualifier
from refugewatch.model.dates import FuzzyDate
from refugewatch.model.extraction import CustodyStep, Incident, Span, Status, VulnerabilityKind

# The linking target in corpus/README.md: seeds and dev pooled in one batch (English pairs).
DEFAULT_FOLDERS = ("seeds", "dev")
# How far to look either side of the evidence quote for the ends of its sentence: a sentence
# longer than this is usually page furniture glued on by the cleaner.
SENTENCE_REACH = 400
# A sentence ends at . ! or ?, or at a line break before a line that does not go on in lower case
# (headlines and captions have no full stop; hard-wrapped lines continue in lower case).
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*|\n(?=\s*[^\sa-z])")
_HEADER = re.compile(r"^(url|title|published|outlet):\s*(.*)$")

GoldIncident = Mapping[str, Any]


@dataclass(frozen=True)
class GoldItem:
    item: LinkItem
    case: str  # gold case_id, or the incident's own key when it has none


@dataclass(frozen=True)
class Scores:
    pairs: dict[str, float]
    b_cubed: dict[str, float]
    gold_pairs: frozenset[tuple[str, str]]
    predicted_pairs: frozenset[tuple[str, str]]


def corpus_root(argument: str | None) -> Path:
    if argument:
        return Path(argument)
    shared = os.environ.get("REFUGEWATCH_SHARED")
    return Path(shared) / "corpus" if shared else Path.cwd().parent / "shared" / "corpus"


def load_gold(corpus: Path, folders: Sequence[str]) -> tuple[list[GoldItem], dict[str, list[str]]]:
    """Gold incidents as LinkItems, and each document's gold same_case_as list."""
    items: list[GoldItem] = []
    same_case: dict[str, list[str]] = {}
    for folder in folders:
        for gold_file in sorted((corpus / folder).glob("*.gold.json")):
            name = gold_file.name[: -len(".gold.json")] + ".txt"
            gold = json.loads(gold_file.read_text(encoding="utf-8"))
            text, outlet = _read_text(gold_file.with_name(name))
            same_case[name] = list(gold.get("same_case_as") or [])
            published = FuzzyDate.parse_edtf(gold.get("published"))
            for index, incident in enumerate(gold.get("incidents") or []):
                key = f"{name}#{index}"
                item = LinkItem(
                    key=key,
                    document=name,
                    published=published,
                    outlet=outlet,
                    incident=gold_incident(incident, text),
                    context=sentence_around(text, incident.get("evidence") or ""),
                )
                items.append(GoldItem(item, incident.get("case_id") or key))
    return items, same_case


def _read_text(path: Path) -> tuple[str, str | None]:
    """The text without its `url:`/`title:`/... header, and the outlet the header names."""
    text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
    lines = text.splitlines(keepends=True)
    outlet, skip = None, 0
    for line in lines:
        match = _HEADER.match(line.strip())
        if not match:
            break
        skip += 1
        if match.group(1) == "outlet":
            outlet = match.group(2).strip() or None
    return "".join(lines[skip:]), outlet


def gold_count(value: int | None, qualifier: str | None) -> Count:
    if value is None:
        return Count.unknown()
    makers = {
        Qualifier.AT_LEAST: Count.at_least,
        Qualifier.ABOUT: Count.about,
        Qualifier.UP_TO: Count.up_to,
    }
    maker = makers.get(Qualifier(qualifier or "exact"), Count.exact)
    return maker(value)


def gold_incident(gold: GoldIncident, text: str) -> Incident:
    evidence = gold.get("evidence") or ""
    start, end = _locate(text, evidence)
    vulnerable = tuple(
        (VulnerabilityKind(kind), int(n)) for kind, n in (gold.get("vulnerable") or {}).items() if n
    )
    chain = tuple(
        CustodyStep(
            date=FuzzyDate.parse_edtf(step.get("date")),
            place=step.get("place"),
            country=step.get("country"),
            custodian=step.get("custodian"),
        )
        for step in gold.get("custody_chain") or []
    )
    return Incident(
        people=gold_count(gold.get("people"), gold.get("people_qualifier")),
        evidence=Span(start, end, evidence),
        nationality=gold.get("nationality"),
        apprehended_date=FuzzyDate.parse_edtf(gold.get("apprehended_date")),
        apprehended_place=gold.get("apprehended_place"),
        apprehended_country=gold.get("apprehended_country"),
        apprehended_by=gold.get("apprehended_by"),
        custody_chain=chain,
        status=Status(gold.get("status") or "unknown"),
        status_date=FuzzyDate.parse_edtf(gold.get("status_date")),
        last_known_place=gold.get("last_known_place"),
        vulnerable=vulnerable,
        subset_of=gold.get("subset_of"),
    )


def _locate(text: str, quote: str) -> tuple[int, int]:
    """Offsets of the quote in the text, whitespace folded; (0, 0) when it is not there."""
    words = quote.split()
    if not words:
        return (0, 0)
    match = re.search(r"\s+".join(re.escape(w) for w in words), text)
    return (match.start(), match.end()) if match else (0, 0)


def sentence_around(text: str, quote: str) -> str:
    """The sentence(s) holding the quote; the quote itself when it cannot be found."""
    start, end = _locate(text, quote)
    if start == end:
        return quote
    before = text[max(0, start - SENTENCE_REACH) : start]
    ends = list(_SENTENCE_END.finditer(before))
    first = start - len(before) + ends[-1].end() if ends else max(0, start - SENTENCE_REACH)
    after = _SENTENCE_END.search(text, max(start, end - 1), end + SENTENCE_REACH)
    last = after.end() if after else min(len(text), end + SENTENCE_REACH)
    return " ".join(text[first:last].split())


def score_links(
    items: Sequence[GoldItem], clusters: Sequence[Sequence[str]], same_case: Mapping[str, list[str]]
) -> Scores:
    predicted_case = {key: n for n, cluster in enumerate(clusters) for key in cluster}
    by_key = {g.item.key: g for g in items}
    predicted_pairs = frozenset(
        _doc_pair(by_key[a].item.document, by_key[b].item.document)
        for cluster in clusters
        for a, b in combinations(cluster, 2)
        if by_key[a].item.document != by_key[b].item.document
    )
    scored = set(same_case)
    gold_pairs = frozenset(
        _doc_pair(doc, other)
        for doc, others in same_case.items()
        for other in others
        if other in scored
    )
    tp = len(gold_pairs & predicted_pairs)
    pairs = _prf(tp, len(predicted_pairs), len(gold_pairs))
    b3 = b_cubed([(g.case, predicted_case[g.item.key]) for g in items])
    return Scores(pairs, b3, gold_pairs, predicted_pairs)


def _doc_pair(a: str, b: str) -> tuple[str, str]:
    return (min(a, b), max(a, b))


def _prf(tp: int, predicted: int, gold: int) -> dict[str, float]:
    p = tp / predicted if predicted else (1.0 if not gold else 0.0)
    r = tp / gold if gold else (1.0 if not predicted else 0.0)
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"P": round(p, 3), "R": round(r, 3), "F1": round(f, 3), "gold": gold, "pred": predicted}


def b_cubed(assignments: Sequence[tuple[str, int]]) -> dict[str, float]:
    """B-cubed P/R/F1 of (gold case, predicted case) per incident, as score.py computes it."""
    if not assignments:
        return {"P": 1.0, "R": 1.0, "F1": 1.0, "incidents": 0}
    precision = recall = 0.0
    for gold, predicted in assignments:
        both = sum(1 for g, p in assignments if g == gold and p == predicted)
        precision += both / sum(1 for _, p in assignments if p == predicted)
        recall += both / sum(1 for g, _ in assignments if g == gold)
    n = len(assignments)
    p, r = precision / n, recall / n
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"P": round(p, 3), "R": round(r, 3), "F1": round(f, 3), "incidents": n}


def explain(items: Sequence[GoldItem], scores: Scores) -> Iterable[str]:
    """One line per wrong or missed document pair, with the evidence the linker saw."""
    profiles = {p.item.key: p for p in build_profiles([g.item for g in items])}
    by_document: dict[str, list[str]] = {}
    for g in items:
        by_document.setdefault(g.item.document, []).append(g.item.key)
    for label, wrong in (
        ("false link", scores.predicted_pairs - scores.gold_pairs),
        ("missed link", scores.gold_pairs - scores.predicted_pairs),
    ):
        for a, b in sorted(wrong):
            for ka in by_document.get(a, []):
                for kb in by_document.get(b, []):
                    result = compare(profiles[ka], profiles[kb])
                    yield f"{label}: {ka} ~ {kb}: {result.score:.2f} {'; '.join(result.reasons)}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("corpus", nargs="?", help="corpus folder (default ../shared/corpus)")
    parser.add_argument("--folders", default=",".join(DEFAULT_FOLDERS))
    parser.add_argument("--explain", action="store_true", help="show wrong and missed pairs")
    args = parser.parse_args(argv)
    corpus = corpus_root(args.corpus)
    if not corpus.is_dir():
        print(f"no corpus at {corpus}: pass its folder or set REFUGEWATCH_SHARED", file=sys.stderr)
        return 2
    items, same_case = load_gold(corpus, args.folders.split(","))
    clusters = link_incidents([g.item for g in items])
    scores = score_links(items, clusters, same_case)
    print(f"documents {len(same_case)}  incidents {len(items)}  cases {len(clusters)}")
    print(f"linking (document pairs) {scores.pairs}")
    print(f"linking (B-cubed)        {scores.b_cubed}")
    if args.explain:
        for line in explain(items, scores):
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
