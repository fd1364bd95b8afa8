"""Plain-text encodings: detected with confidence or refused, never guessed blindly."""

from __future__ import annotations

import codecs
import hashlib
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refugewatch.errors import EmptyDocumentError, UndecodableTextError
from refugewatch.ingest import load_document
from refugewatch.ingest.decoding import control_char_ratio, decode_text

KOREAN = (
    "라오스 북부 루앙남타에서 탈북자 6명이 현지 경찰에 체포돼 북송될 위기에 처했다고 "
    "대북 소식통이 16일 밝혔다. 이들은 한국으로 가려던 중이었다."
)
CHINESE = (
    "警方周五在泰北边境地区逮捕了19名朝鲜难民,包括11名女子和8名男子,他们都被控非法入境。"
    "泰国移民局警官说,这些朝鲜人是从中国经过缅甸来到泰国的。"
)
ENGLISH = "Vietnamese police apprehended nine North Koreans on October 22 in Mong Cai."


@pytest.mark.parametrize(
    ("text", "codec", "recorded"),
    [
        pytest.param(ENGLISH, "utf-8", "utf-8", id="utf-8"),
        pytest.param(KOREAN, "utf-8-sig", "utf-8-sig", id="utf-8-bom"),
        pytest.param(KOREAN, "utf-16", "utf-16", id="utf-16-bom-native"),
        pytest.param(CHINESE, "utf-16", "utf-16", id="utf-16-chinese"),
        pytest.param(KOREAN, "euc-kr", "cp949", id="euc-kr"),
        pytest.param(KOREAN + " 똠방각하", "cp949", "cp949", id="cp949-only-syllables"),
        pytest.param(CHINESE, "gb18030", "gb18030", id="gb18030"),
    ],
)
def test_encodings_decode_to_the_same_text(text: str, codec: str, recorded: str) -> None:
    data = text.encode(codec)
    decoded = decode_text(data)
    assert decoded.text == text
    assert decoded.encoding == recorded
    doc = load_document("report.txt", data)
    assert doc.clean_text == text
    assert doc.sha256 == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("bom", [codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE], ids=["le", "be"])
def test_utf16_both_byte_orders(bom: bytes) -> None:
    codec = "utf-16-le" if bom == codecs.BOM_UTF16_LE else "utf-16-be"
    data = bom + KOREAN.encode(codec)
    assert load_document("k.txt", data).clean_text == KOREAN


def test_language_follows_decoded_text() -> None:
    assert load_document("k.txt", KOREAN.encode("euc-kr")).language == "ko"
    assert load_document("z.txt", CHINESE.encode("gb18030")).language == "zh"


_REFUSED = "NUL bytes|detected with confidence|control characters"


def _random_bytes(seed: int, size: int) -> bytes:
    return random.Random(seed).randbytes(size)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 40, "NUL bytes", id="zip-header"),
        pytest.param(_random_bytes(1, 2000), _REFUSED, id="random-bytes-1"),
        pytest.param(_random_bytes(2, 500), _REFUSED, id="random-bytes-2"),
        pytest.param(bytes(range(0x80, 0x100)) * 4, _REFUSED, id="all-high-bytes"),
        pytest.param(
            b"text\x01\x02\x03\x04\x05\x06\x07\x08" * 20, "control characters", id="controls"
        ),
        pytest.param(codecs.BOM_UTF16_LE + b"\x00\xd8", "byte-order mark", id="broken-utf16"),
    ],
)
def test_binary_junk_refused(data: bytes, message: str) -> None:
    with pytest.raises(UndecodableTextError, match=message):
        load_document("junk.txt", data)


def test_control_char_ratio_ignores_line_breaks() -> None:
    assert control_char_ratio("a\tb\r\nc\n") == 0.0
    assert control_char_ratio("ab\x07") == pytest.approx(1 / 3)


# Text the cleaner leaves alone: words on lines, no boilerplate, no surrounding blank lines.
_WORD = st.text(
    alphabet=st.characters(
        categories=("Lu", "Ll", "Lo", "Nd"),
        exclude_characters="\x00",
    ),
    min_size=1,
    max_size=12,
)
_LINE = st.lists(_WORD, min_size=1, max_size=8).map(" ".join)
_TEXT = st.lists(_LINE, min_size=1, max_size=6).map("\n".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_TEXT, codec=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le-bom"]))
def test_any_text_round_trips_through_unicode_encodings(text: str, codec: str) -> None:
    """The same text gives the same clean text whatever Unicode encoding carries it."""
    if codec == "utf-16-le-bom":
        data = codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    else:
        data = text.encode(codec)
    try:
        reference = load_document("r.txt", text.encode("utf-8"))
    except EmptyDocumentError:
        with pytest.raises(EmptyDocumentError):
            load_document("r.txt", data)
        return
    doc = load_document("r.txt", data)
    assert doc.clean_text == reference.clean_text
    assert doc.sha256 == hashlib.sha256(data).hexdigest()
    assert load_document("again.txt", data).sha256 == doc.sha256
