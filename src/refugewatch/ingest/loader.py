"""load_document: one file's bytes -> Document (pure: the caller reads the file)."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import PurePath

from refugewatch.errors import EmptyDocumentError, FileTooLargeError, UnsupportedFormatError
from refugewatch.ingest.boilerplate import remove_boilerplate
from refugewatch.ingest.decoding import decode_text
from refugewatch.ingest.formats import MEDIA_TYPES, SUPPORTED_SUFFIXES
from refugewatch.ingest.header import split_header
from refugewatch.ingest.htmlpage import read_html
from refugewatch.ingest.metadata import (
    detect_language,
    guess_source_type,
    guess_title,
    split_page_title,
)
from refugewatch.ingest.pdf import read_pdf
from refugewatch.ingest.published import find_published, parse_date, parse_header_date
from refugewatch.model.dates import FuzzyDate
from refugewatch.model.documents import DEFAULT_RELIABILITY, Document

# Bump whenever clean_text for the same bytes changes: evidence offsets point into clean text,
# and each evidence record names the cleaner version that produced it.
CLEANER_VERSION = "1"
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
FLAG_NO_DATE = "no_publication_date"
# The year comes from a copyright notice or the URL, not from a stated publication date.
FLAG_DATE_FROM = {"copyright": "published_from_copyright_year", "url": "published_from_url"}
FLAG_HEADER_DATE_UNREADABLE = "header_published_unreadable"


@dataclass(frozen=True)
class _Extracted:
    """What a format reader hands to the common metadata step."""

    body: str
    encoding: str | None
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    published: str | None = None
    collector: str | None = None
    header_keys: frozenset[str] = frozenset()


def load_document(
    filename: str,
    data: bytes,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    ingested_by: str | None = None,
    now: dt.datetime | None = None,
) -> Document:
    """Turn one file's bytes into a Document, or raise an IngestError saying what is wrong."""
    name = PurePath(filename).name or filename
    suffix = PurePath(filename).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise UnsupportedFormatError(
            f"{name}: refugewatch does not read {suffix or 'files without a suffix'}. "
            f"Supported types: {', '.join(sorted(SUPPORTED_SUFFIXES))}."
        )
    if len(data) > max_bytes:
        raise FileTooLargeError(
            f"{name} is {len(data):,} bytes, over the {max_bytes:,}-byte limit "
            "(REFUGEWATCH_MAX_FILE_BYTES). Split it or raise the limit."
        )
    if not data.strip():
        raise EmptyDocumentError(f"{name} is empty: there is no text to ingest.")
    extracted = _extract(suffix, data, name)
    return _build(name, suffix, data, extracted, ingested_by, now)


def _extract(suffix: str, data: bytes, name: str) -> _Extracted:
    if suffix == ".pdf":
        pdf = read_pdf(data, name)
        return _with_header(pdf.text, None, title=pdf.title)
    if suffix in (".html", ".htm"):
        page = read_html(data, name)
        return _Extracted(
            body=page.text,
            encoding=page.encoding,
            title=page.title,
            outlet=page.site_name,
            url=page.url,
            published=page.published,
        )
    decoded = decode_text(data, name)
    return _with_header(decoded.text, decoded.encoding)


def _with_header(text: str, encoding: str | None, title: str | None = None) -> _Extracted:
    header = split_header(text.replace("\r\n", "\n").replace("\r", "\n"))
    return _Extracted(
        body=header.body,
        encoding=encoding,
        title=header.get("title") if "title" in header.present else title,
        outlet=header.get("outlet"),
        url=header.get("url"),
        published=header.get("published"),
        collector=header.get("collector"),
        header_keys=header.present,
    )


def _build(
    name: str,
    suffix: str,
    data: bytes,
    found: _Extracted,
    ingested_by: str | None,
    now: dt.datetime | None,
) -> Document:
    title, outlet = _title_and_outlet(found)
    clean = remove_boilerplate(found.body, title=title, outlet=outlet)
    if not clean:
        raise EmptyDocumentError(
            f"{name} holds no article text once menus, share buttons and footers are removed."
        )
    published, flags = _published(found, clean)
    source_type = guess_source_type(outlet, title, clean, found.body)
    return Document(
        sha256=hashlib.sha256(data).hexdigest(),
        filename=name,
        media_type=MEDIA_TYPES[suffix],
        original=data,
        clean_text=clean,
        cleaner_version=CLEANER_VERSION,
        title=title,
        url=found.url,
        outlet=outlet,
        collector=found.collector,
        source_type=source_type,
        published=published,
        language=detect_language(clean),
        reliability=DEFAULT_RELIABILITY[source_type],
        encoding=found.encoding,
        ingested_at=now or dt.datetime.now(dt.UTC),
        ingested_by=ingested_by,
        flags=flags,
    )


def _title_and_outlet(found: _Extracted) -> tuple[str | None, str | None]:
    """A header decides (even "unknown"); else page metadata; else the page's first line."""
    page_title, page_outlet = guess_title(found.body)
    title = found.title
    if "title" not in found.header_keys:
        if title:
            title, title_outlet = split_page_title(title)  # <title>/PDF info: "Headline | Site"
            page_outlet = page_outlet or title_outlet
        else:
            title = page_title
    if found.outlet or "outlet" in found.header_keys:
        return title, found.outlet
    return title, page_outlet


def _published(found: _Extracted, clean: str) -> tuple[FuzzyDate, tuple[str, ...]]:
    """The header or page metadata decides when present; otherwise the page text is read."""
    flags: list[str] = []
    if found.published:
        value = parse_header_date(found.published) or parse_date(found.published)
        if value:
            return value, ()
        flags.append(FLAG_HEADER_DATE_UNREADABLE)
    elif "published" in found.header_keys:
        return FuzzyDate.unknown(), (FLAG_NO_DATE,)  # the collector recorded "unknown"
    value, family = find_published(clean, found.body, found.url)
    if family in FLAG_DATE_FROM:
        flags.append(FLAG_DATE_FROM[family])
    if not value.is_known:
        flags.append(FLAG_NO_DATE)
    return value, tuple(flags)
