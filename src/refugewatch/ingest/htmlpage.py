"""HTML -> main article text and page metadata (lxml + lxml_html_clean).

Scripts, styles, forms, frames, navigation, footers, asides and elements whose class or id names
a widget (share, cookie, advert, related, newsletter...) are removed before any text is read, so
hostile markup (scripts, on* handlers, javascript: links) never reaches the clean text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import lxml.html
from lxml import etree
from lxml_html_clean import Cleaner

from refugewatch.errors import MalformedDocumentError
from refugewatch.ingest.decoding import decode_text

# Elements that are page furniture, never article text.
# fmt: off
FURNITURE_TAGS: tuple[str, ...] = (
    "nav", "footer", "aside", "noscript", "form", "button", "select", "textarea", "iframe", "svg",
    "object", "embed", "applet", "video", "audio", "canvas", "template", "dialog", "menu", "label",
    "input",
)
# fmt: on
# class/id words that name a widget rather than content (matched as whole words of the
# attribute, so "share-bar" and "cookie_banner" match but "shareholder" does not).
FURNITURE_CLASS = re.compile(
    r"(?:^|[\s_-])(?:share|sharing|social|cookie|consent|banner|advert|ads?|promo|sponsor|"
    r"related|recommended|newsletter|subscribe|signup|donate|donation|comments?|breadcrumbs?|"
    r"menu|navbar|nav|sidebar|footer|masthead|popup|modal|skip|outbrain|taboola)(?:$|[\s_-])",
    re.IGNORECASE,
)
# An element holding more than this share of the page's text is a layout wrapper whose class
# happens to name a widget ("page has-sidebar"), not the widget itself.
FURNITURE_MAX_SHARE = 0.5
# Block-level elements: each starts a new paragraph in the clean text.
# fmt: off
BLOCK_TAGS = frozenset((
    "p", "div", "section", "article", "main", "header", "h1", "h2", "h3", "h4", "h5", "h6",
    "li", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "table", "tr", "td", "th",
    "figure", "figcaption", "address", "hr", "body", "center",
))
# fmt: on
# Where the article lives, best first.
MAIN_CONTENT_XPATHS: tuple[str, ...] = ("//article", "//main", "//*[@role='main']", "//body")
_META_CHARSET = re.compile(rb"<meta[^>]+charset=[\"']?([A-Za-z0-9_.:-]+)", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_SPACES = re.compile(r"[ \t\r\n\f\v]+")

_CLEANER = Cleaner(
    scripts=True,
    javascript=True,
    comments=True,
    style=True,
    inline_style=True,
    links=True,
    meta=False,  # read first, removed with the head below
    page_structure=False,
    processing_instructions=True,
    embedded=True,
    frames=True,
    forms=True,
    annoying_tags=True,
    remove_unknown_tags=False,
    safe_attrs_only=True,
    kill_tags=FURNITURE_TAGS,
)


@dataclass(frozen=True)
class HtmlPage:
    text: str
    encoding: str
    title: str | None = None
    site_name: str | None = None
    url: str | None = None
    published: str | None = None
    language: str | None = None


def read_html(data: bytes, filename: str = "the file") -> HtmlPage:
    """Main text (paragraphs separated by blank lines) and metadata of an HTML page."""
    markup, encoding = _decode_html(data, filename)
    try:
        root = lxml.html.document_fromstring(_XML_DECLARATION.sub("", markup))
    except (etree.ParserError, ValueError) as exc:
        raise MalformedDocumentError(f"{filename} is not readable HTML ({exc}).") from None
    meta = _read_metadata(root)
    text = _main_text(_clean(root))
    return HtmlPage(text=text, encoding=encoding, **meta)


def _decode_html(data: bytes, filename: str) -> tuple[str, str]:
    declared = _META_CHARSET.search(data[:4096])
    if declared and not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        name = declared.group(1).decode("ascii", "replace")
        try:
            return data.decode(name), name.lower()
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong declaration is common; fall back to detection
    decoded = decode_text(data, filename)
    return decoded.text, decoded.encoding


def _read_metadata(root: lxml.html.HtmlElement) -> dict[str, str | None]:
    return {
        "title": _meta(root, "og:title")
        or _first_text(root, "//title")
        or _first_text(root, "//h1"),
        "site_name": _meta(root, "og:site_name") or _meta(root, "application-name"),
        "url": _first_attr(root, "//link[@rel='canonical']", "href") or _meta(root, "og:url"),
        "published": _meta(root, "article:published_time")
        or _meta(root, "datePublished")
        or _meta(root, "pubdate")
        or _meta(root, "date")
        or _meta(root, "dc.date")
        or _meta(root, "DC.date.issued")
        or _first_attr(root, "//time[@datetime]", "datetime"),
        "language": _first_attr(root, "/html", "lang"),
    }


def _meta(root: lxml.html.HtmlElement, name: str) -> str | None:
    for element in root.iter("meta"):
        key = element.get("property") or element.get("name") or element.get("itemprop")
        if key and key.lower() == name.lower():
            content = (element.get("content") or "").strip()
            if content:
                return content
    return None


def _first_text(root: lxml.html.HtmlElement, xpath: str) -> str | None:
    for element in root.xpath(xpath):
        text = _SPACES.sub(" ", element.text_content()).strip()
        if text:
            return text
    return None


def _first_attr(root: lxml.html.HtmlElement, xpath: str, attribute: str) -> str | None:
    for element in root.xpath(xpath):
        value = (element.get(attribute) or "").strip()
        if value:
            return value
    return None


def _clean(root: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    for link in root.xpath(
        "//a[starts-with(normalize-space(translate(@href,"
        "'JAVASCRIPT','javascript')),'javascript:')]"
    ):
        link.drop_tree()  # a script link is a control, and its label can carry the payload
    total = len(root.text_content())
    for element in list(root.iter()):
        if _is_furniture(element, total):
            element.drop_tree()
    for head in root.xpath("//head"):
        head.drop_tree()
    cleaned: lxml.html.HtmlElement = _CLEANER.clean_html(root)
    return cleaned


def _is_furniture(element: lxml.html.HtmlElement, total_chars: int) -> bool:
    """A widget by its class/id, unless it wraps the article ("layout has-sidebar" wrappers)."""
    if not isinstance(element.tag, str) or element.getparent() is None:
        return False
    if element.tag in ("body", "html", "article", "main"):
        return False
    marker = f"{element.get('class', '')} {element.get('id', '')}"
    if not FURNITURE_CLASS.search(marker):
        return False
    if element.xpath(".//article|.//main|.//*[@role='main']"):
        return False
    return len(element.text_content()) <= FURNITURE_MAX_SHARE * total_chars


def _main_text(root: lxml.html.HtmlElement) -> str:
    for xpath in MAIN_CONTENT_XPATHS:
        candidates = root.xpath(xpath)
        if candidates:
            best = max(candidates, key=lambda e: len(e.text_content()))
            text = "\n\n".join(_paragraphs(best))
            if text.strip():
                return text
    return "\n\n".join(_paragraphs(root))


def _paragraphs(element: lxml.html.HtmlElement) -> Iterator[str]:
    buffer: list[str] = []
    for piece in _walk(element):
        if piece is None:
            paragraph = _tidy("".join(buffer))
            buffer.clear()
            if paragraph:
                yield paragraph
        else:
            buffer.append(piece)
    paragraph = _tidy("".join(buffer))
    if paragraph:
        yield paragraph


def _walk(element: lxml.html.HtmlElement, *, top: bool = True) -> Iterator[str | None]:
    """Text pieces in document order; None marks a paragraph boundary, "\\n" a <br>."""
    tail = "" if top else (element.tail or "")
    if not isinstance(element.tag, str):
        yield tail
        return
    block = element.tag in BLOCK_TAGS
    if block:
        yield None
    if element.tag == "br":
        yield "\n"
    yield element.text or ""
    for child in element:
        yield from _walk(child, top=False)
    if block:
        yield None
    yield tail


def _tidy(text: str) -> str:
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)
