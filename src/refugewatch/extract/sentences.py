"""Split clean text into sentences with exact character offsets.

Real reports arrive in three shapes the splitter must survive: prose with one sentence per line,
wire copy hard-wrapped every ~70 characters (a newline inside a sentence), and scraped pages whose
paragraphs were glued together ("said today.The refugees"). Offsets always index the original
text, so an evidence quote is `text[start:end]` exactly.
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass

# Abbreviations after which a period does not end a sentence (months, titles, "U.N.", initials).
ABBREVIATIONS = frozenset(
    {
        "jan", "feb", "mar", "apr", "aug", "sep", "sept", "oct", "nov", "dec",
        "mr", "mrs", "ms", "dr", "st", "no", "gen", "col", "lt", "capt", "maj", "sgt", "rev",
        "gov", "sen", "rep", "prof", "vs", "etc", "approx", "dept", "corp", "inc", "co", "jr",
        "u.n", "u.s", "u.k", "n.k", "s", "n", "e.g", "i.e", "a.m", "p.m",
    }
)  # fmt: skip
# Sentence end: terminal punctuation, optional closing quote/bracket, then whitespace.
_END = re.compile(r"[.!?][\"'”’)\]]*(?=\s)")
# Glued paragraphs: "today.The" (lower-case letter or closing quote, period, capital letter).
_GLUED = re.compile(r"(?<=[a-z0-9\"”’)])[.!?](?=[A-Z“\"(])")
_BLANK_LINE = re.compile(r"\n[ \t\r]*\n")
_LINE_END_PUNCT = re.compile(r"[.!?:;\"”’)\]|]\s*$")
# Share of lines that run into a lower-case continuation above which a text counts as hard-wrapped.
WRAPPED_SHARE = 0.2


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str
    paragraph: int  # index of the blank-line-separated block the sentence starts in


def split_sentences(text: str) -> list[Sentence]:
    """Sentences in order, trimmed of surrounding whitespace, offsets into `text`."""
    return list(_split_cached(text))


# Statistics, appeals and incidents each split the same document; split it once.
SPLIT_CACHE_SIZE = 16


@functools.lru_cache(maxsize=SPLIT_CACHE_SIZE)
def _split_cached(text: str) -> tuple[Sentence, ...]:
    return tuple(_split(text))


def _split(text: str) -> list[Sentence]:
    cuts = sorted(_cut_points(text) | {0, len(text)})
    paragraph_starts = [m.end() for m in _BLANK_LINE.finditer(text)]
    sentences: list[Sentence] = []
    for begin, finish in itertools.pairwise(cuts):
        span = _trim(text, begin, finish)
        if span is None:
            continue
        start, end = span
        paragraph = sum(1 for p in paragraph_starts if p <= start)
        sentences.append(Sentence(start, end, text[start:end], paragraph))
    return sentences


def _cut_points(text: str) -> set[int]:
    cuts = {
        m.end()
        for m in _END.finditer(text)
        if not _is_abbreviation(text, m.start()) and not _continues_lower(text, m.end())
    }
    cuts |= {m.end() for m in _GLUED.finditer(text) if not _is_abbreviation(text, m.start())}
    cuts |= _line_cuts(text)
    return cuts


def _continues_lower(text: str, pos: int) -> bool:
    """'five p.m. on Friday': a lower-case word after the period continues the sentence."""
    rest = text[pos : pos + 4].lstrip()
    return rest[:1].islower()


def _is_abbreviation(text: str, dot: int) -> bool:
    if text[dot] != ".":
        return False
    word = re.search(r"([A-Za-z][A-Za-z.]*)$", text[max(0, dot - 12) : dot])
    if word is None:
        return False
    token = word.group(1).lower()
    if token in ABBREVIATIONS:
        return True
    # A single capital initial ("Kim J. Un") or a dotted acronym ("U.N").
    return (len(token) == 1 and text[dot - 1].isupper()) or "." in token


def _line_cuts(text: str) -> set[int]:
    """Newlines that end a sentence: all of them in prose, only after punctuation in wire copy."""
    lines = text.split("\n")
    wrapped = _is_hard_wrapped(lines)
    cuts: set[int] = set()
    offset = 0
    for index, line in enumerate(lines[:-1]):
        offset += len(line) + 1
        nxt = lines[index + 1].lstrip()
        if not line.strip() or not nxt:
            if not nxt[:1].islower():
                cuts.add(offset)
            continue
        if nxt[:1].islower() and not _LINE_END_PUNCT.search(line):
            continue  # "arrested\nseven North Koreans": the sentence runs on
        if not wrapped or _LINE_END_PUNCT.search(line) or _looks_like_heading(line, nxt):
            cuts.add(offset)
    return cuts


def _is_hard_wrapped(lines: list[str]) -> bool:
    pairs = [(a, b) for a, b in itertools.pairwise(lines) if a.strip() and b.strip()]
    if len(pairs) < 4:
        return False
    runs = sum(1 for a, b in pairs if not _LINE_END_PUNCT.search(a) and b.lstrip()[:1].islower())
    return runs / len(pairs) >= WRAPPED_SHARE


def _looks_like_heading(line: str, nxt: str) -> bool:
    """A short line without final punctuation followed by a capitalised line is a heading;
    so is any line followed by a wire dateline ("SEOUL, Feb. 7 (Yonhap) --")."""
    if _DATELINE_START.match(nxt):
        return True
    return len(line.strip()) < 40 and nxt[:1].isupper() and not line.rstrip().endswith(",")


_DATELINE_START = re.compile(r"^[A-Z]{3,}(?:[ -][A-Z]{2,})*(?:,|\s+\(|\s+-)")


def _trim(text: str, begin: int, finish: int) -> tuple[int, int] | None:
    while begin < finish and text[begin].isspace():
        begin += 1
    while finish > begin and text[finish - 1].isspace():
        finish -= 1
    if finish - begin < 2:
        return None
    return begin, finish
