"""Each supported format, refused inputs, and hostile HTML."""

from __future__ import annotations

import hashlib

import pytest
from fpdf import FPDF

from refugewatch.errors import (
    EmptyDocumentError,
    FileTooLargeError,
    IngestError,
    MalformedDocumentError,
    UndecodableTextError,
    UnsupportedFormatError,
)
from refugewatch.ingest import CLEANER_VERSION, SUPPORTED_SUFFIXES, load_document
from refugewatch.model.dates import FuzzyDate

SENTENCE = "Vietnamese police apprehended nine North Koreans on October 22 in Mong Cai."


def _pdf(*paragraphs: str, title: str | None = None) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    for paragraph in paragraphs:
        pdf.multi_cell(0, 10, paragraph)
        pdf.ln()
    if title:
        pdf.set_title(title)
    return bytes(pdf.output())


ARTICLE_HTML = f"""<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Nine detained in Mong Cai | Example News</title>
<meta property="og:site_name" content="Example News">
<meta property="article:published_time" content="2015-11-21T17:29:00Z">
<link rel="canonical" href="https://example.org/news/nine-detained">
</head><body>
<nav><a href="/">Home</a> <a href="/news">World</a></nav>
<div class="cookie-banner">We use cookies to improve your experience.</div>
<header class="site-header">Example News daily edition</header>
<main><article>
<h1>Nine detained in Mong Cai</h1>
<p>{SENTENCE}</p>
<p>They were handed to <b>Chinese police</b> in Dongxing.<br>A second line.</p>
<div class="share-bar"><a href="https://facebook.com/share">Share on Facebook</a></div>
<figure><img src="x.jpg"><figcaption>The border at Mong Cai.</figcaption></figure>
<p>Final paragraph &amp; closing words.</p>
</article></main>
<aside class="related">Related: other stories</aside>
<form action="/subscribe"><input name="email" value="you@example.org">Newsletter</form>
<footer>© 2015 Example News. All rights reserved.</footer>
</body></html>"""


def test_plain_text_keeps_original_bytes_and_hash() -> None:
    data = f"A headline\n\n{SENTENCE}\n".encode()
    doc = load_document("report.txt", data)
    assert doc.original == data
    assert doc.sha256 == hashlib.sha256(data).hexdigest()
    assert doc.media_type == "text/plain"
    assert doc.encoding == "utf-8"
    assert doc.cleaner_version == CLEANER_VERSION
    assert doc.clean_text == f"A headline\n\n{SENTENCE}"
    assert doc.filename == "report.txt"


def test_markdown_is_read_as_text() -> None:
    doc = load_document("notes.MD", f"# Notes\n\n{SENTENCE}".encode())
    assert doc.media_type == "text/markdown"
    assert SENTENCE in doc.clean_text


def test_html_main_text_and_metadata() -> None:
    doc = load_document("page.html", ARTICLE_HTML.encode())
    assert doc.clean_text == (
        "Nine detained in Mong Cai\n\n"
        f"{SENTENCE}\n\n"
        "They were handed to Chinese police in Dongxing.\nA second line.\n\n"
        "The border at Mong Cai.\n\n"
        "Final paragraph & closing words."
    )
    assert doc.title == "Nine detained in Mong Cai"
    assert doc.outlet == "Example News"
    assert doc.url == "https://example.org/news/nine-detained"
    assert doc.published == FuzzyDate.day(2015, 11, 21)
    assert doc.media_type == "text/html"
    assert doc.language == "en"


@pytest.mark.parametrize(
    "furniture",
    [
        pytest.param("We use cookies", id="cookie-banner"),
        pytest.param("Home", id="nav"),
        pytest.param("Share on Facebook", id="share"),
        pytest.param("Related", id="aside"),
        pytest.param("Newsletter", id="form"),
        pytest.param("All rights reserved", id="footer"),
        pytest.param("daily edition", id="site-header-outside-article"),
    ],
)
def test_html_furniture_removed(furniture: str) -> None:
    assert furniture not in load_document("page.htm", ARTICLE_HTML.encode()).clean_text


def test_html_without_article_uses_body_and_time_element() -> None:
    html = (
        "<html><head><title>Report</title></head><body>"
        '<div><time datetime="2023-10-16">16 Oct</time></div>'
        f"<div><p>{SENTENCE}</p></div></body></html>"
    )
    doc = load_document("plain.html", html.encode())
    assert SENTENCE in doc.clean_text
    assert doc.published == FuzzyDate.day(2023, 10, 16)


def test_html_layout_wrapper_named_like_a_widget_is_kept() -> None:
    html = (
        '<html><body><div class="layout has-sidebar"><div class="content">'
        f"<p>{SENTENCE}</p><p>Second paragraph of the report.</p></div>"
        '<div class="sidebar">Most read today</div></div></body></html>'
    )
    clean = load_document("wrapped.html", html.encode()).clean_text
    assert SENTENCE in clean
    assert "Most read today" not in clean


def test_html_declared_legacy_charset() -> None:
    html = (
        '<html><head><meta charset="euc-kr"><title>기사</title></head>'
        "<body><p>경찰이 라오스에서 탈북자 6명을 체포했다.</p></body></html>"
    ).encode("euc-kr")
    doc = load_document("ko.html", html)
    assert "탈북자 6명을 체포했다." in doc.clean_text
    assert doc.language == "ko"


HOSTILE_HTML = """<html><head><script>document.write('INJECTED-HEAD')</script>
<style>p { background: url('javascript:alert(1)') }</style></head>
<body onload="alert('INJECTED-ONLOAD')"><article>
<p onclick="alert('INJECTED-CLICK')" onmouseover="steal()">Police detained them.</p>
<script type="text/javascript">alert('INJECTED-BODY')</script>
<a href="javascript:alert('INJECTED-LINK')">javascript:alert('INJECTED-LABEL')</a>
<a href="JaVaScRiPt:evil()">Click me</a>
<iframe src="https://evil.example/">INJECTED-FRAME</iframe>
<img src=x onerror="alert('INJECTED-IMG')">
<svg><script>alert('INJECTED-SVG')</script></svg>
<noscript>INJECTED-NOSCRIPT</noscript>
<object data="x.swf">INJECTED-OBJECT</object>
<p>They were moved to Tumen.</p>
</article></body></html>"""


def test_hostile_html_is_inert() -> None:
    clean = load_document("hostile.html", HOSTILE_HTML.encode()).clean_text
    assert "Police detained them." in clean
    assert "They were moved to Tumen." in clean
    for payload in ("INJECTED", "javascript", "alert(", "<script", "onclick", "steal", "Click me"):
        assert payload not in clean


def test_pdf_text_layer() -> None:
    doc = load_document(
        "report.pdf", _pdf("Nine held at Tumen", SENTENCE, title="Nine held | Example NGO")
    )
    assert "Nine held at Tumen" in doc.clean_text
    assert SENTENCE in doc.clean_text
    assert doc.media_type == "application/pdf"
    assert doc.title == "Nine held"
    assert doc.encoding is None


def test_pdf_without_text_layer_says_no_ocr() -> None:
    pdf = FPDF()
    pdf.add_page()
    with pytest.raises(EmptyDocumentError, match="OCR is not supported"):
        load_document("scan.pdf", bytes(pdf.output()))


def test_encrypted_pdf_refused() -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="secret")
    pdf.set_encryption(owner_password="owner", user_password="user")
    with pytest.raises(MalformedDocumentError, match="password-protected"):
        load_document("locked.pdf", bytes(pdf.output()))


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"%PDF-1.4\n1 0 obj garbage", id="truncated"),
        pytest.param(b"this is not a pdf at all", id="no-magic"),
        pytest.param(_pdf(SENTENCE)[:300], id="cut-short"),
    ],
)
def test_corrupt_pdf_refused(data: bytes) -> None:
    with pytest.raises(MalformedDocumentError, match=r"corrupt\.pdf"):
        load_document("corrupt.pdf", data)


@pytest.mark.parametrize(
    ("filename", "data", "error", "message"),
    [
        pytest.param("empty.txt", b"", EmptyDocumentError, "empty", id="empty"),
        pytest.param("blank.txt", b"  \n\t\r\n ", EmptyDocumentError, "empty", id="whitespace"),
        pytest.param(
            "blank.html",
            b"<html><body> </body></html>",
            EmptyDocumentError,
            "no article",
            id="empty-html",
        ),
        pytest.param(
            "only-menu.txt",
            b"Advertisement\nShare this via Facebook",
            EmptyDocumentError,
            "no article",
            id="only-boilerplate",
        ),
        pytest.param(
            "sheet.xlsx", b"PK\x03\x04", UnsupportedFormatError, r"\.xlsx", id="unknown-suffix"
        ),
        pytest.param("README", b"text", UnsupportedFormatError, "without a suffix", id="no-suffix"),
        pytest.param(
            "photo.jpg", b"\xff\xd8\xff\xe0", UnsupportedFormatError, "Supported types", id="image"
        ),
        pytest.param(
            "junk.txt", b"abc\x00\x01\x02def", UndecodableTextError, "NUL", id="nul-bytes"
        ),
    ],
)
def test_refused_inputs(filename: str, data: bytes, error: type[IngestError], message: str) -> None:
    with pytest.raises(error, match=message):
        load_document(filename, data)


def test_size_checked_before_decoding() -> None:
    """A file over the limit is refused as too large even if its bytes are junk."""
    with pytest.raises(FileTooLargeError, match="over the 10-byte limit"):
        load_document("big.txt", b"\x00\xff" * 10, max_bytes=10)
    assert load_document("ok.txt", b"0123456789", max_bytes=10).clean_text == "0123456789"


def test_supported_suffixes() -> None:
    assert frozenset({".txt", ".md", ".html", ".htm", ".pdf"}) == SUPPORTED_SUFFIXES


def test_same_bytes_same_document_identity() -> None:
    data = f"Headline\n\n{SENTENCE}".encode()
    assert load_document("a.txt", data).sha256 == load_document("b.txt", data).sha256
