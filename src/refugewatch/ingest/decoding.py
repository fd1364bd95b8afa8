"""Bytes -> str for plain-text files, refusing rather than guessing.

Order: a byte-order mark decides; otherwise strict UTF-8; otherwise charset-normalizer, accepted
only when its result is clean (low chaos) and the decoded text is not full of control characters.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

import charset_normalizer

from refugewatch.errors import UndecodableTextError

# BOMs, longest first: the UTF-32-LE mark starts with the UTF-16-LE one.
BYTE_ORDER_MARKS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# charset-normalizer's "chaos" is the share of the decoded text that looks like mojibake. Real
# EUC-KR / GB18030 news text scores 0.0; above 10% the guess is not trustworthy enough to
# quote evidence from.
MAX_DETECTION_CHAOS = 0.10
# Text files carry tabs and line breaks, never other control characters; more than 1% of them
# means the file is binary (or a wrong decoding), and evidence quoted from it would be garbage.
MAX_CONTROL_CHAR_RATIO = 0.01
# Unicode category Cc (C0 and C1 controls) minus \t \n \v \f \r, as one regex: files are up to
# 20 MB and a per-character loop would dominate ingest time.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str


def decode_text(data: bytes, filename: str = "the file") -> DecodedText:
    """Decode a plain-text file; raise UndecodableTextError when the encoding is not certain."""
    for bom, encoding in BYTE_ORDER_MARKS:
        if data.startswith(bom):
            return _checked(_decode_with(data, encoding, filename), encoding, filename)
    if b"\x00" in data:
        raise UndecodableTextError(
            f"{filename} contains NUL bytes: it is a binary file, not text. "
            "Export it as UTF-8 text, HTML or PDF and ingest that instead."
        )
    try:
        return _checked(data.decode("utf-8"), "utf-8", filename)
    except UnicodeDecodeError:
        pass
    return _checked(*_detect(data, filename), filename)


def _decode_with(data: bytes, encoding: str, filename: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise UndecodableTextError(
            f"{filename} starts with a {encoding.upper()} byte-order mark but is not valid "
            f"{encoding.upper()} (byte {exc.start}). The file is damaged; re-export it."
        ) from None


def _detect(data: bytes, filename: str) -> tuple[str, str]:
    best = charset_normalizer.from_bytes(data).best()
    if best is None or best.chaos > MAX_DETECTION_CHAOS:
        raise UndecodableTextError(
            f"{filename} is not UTF-8 and its character encoding could not be detected with "
            "confidence. Save it as UTF-8 (or add a byte-order mark) and ingest it again."
        )
    return str(best), best.encoding


def _checked(text: str, encoding: str, filename: str) -> DecodedText:
    if text and control_char_ratio(text) > MAX_CONTROL_CHAR_RATIO:
        raise UndecodableTextError(
            f"{filename} is mostly control characters once decoded as {encoding}: it looks like "
            "a binary file, not text. Ingest the original HTML, PDF or a UTF-8 text export."
        )
    return DecodedText(text=text, encoding=_canonical_encoding(encoding))


def control_char_ratio(text: str) -> float:
    """Share of characters that are control characters other than tabs and line breaks."""
    return len(_CONTROL_CHARS.findall(text)) / len(text) if text else 0.0


def _canonical_encoding(encoding: str) -> str:
    """Record the codec's canonical name (cp949 / gb18030 / utf-16), not an alias."""
    if encoding == "utf-8-sig":
        return "utf-8-sig"
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        return encoding
