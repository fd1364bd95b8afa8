"""PDF -> text from its text layer (pypdf). Scanned PDFs without one are refused: no OCR."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pypdf
from pypdf.errors import PyPdfError

from refugewatch.errors import EmptyDocumentError, MalformedDocumentError

PDF_MAGIC = b"%PDF-"
# Real PDFs may carry a few junk bytes before the magic number; the PDF spec readers allow 1024.
MAGIC_SEARCH_BYTES = 1024


@dataclass(frozen=True)
class PdfText:
    text: str
    title: str | None = None


def read_pdf(data: bytes, filename: str = "the file") -> PdfText:
    """Text of every page (pages separated by blank lines) and the title from the PDF's info."""
    if PDF_MAGIC not in data[:MAGIC_SEARCH_BYTES]:
        raise MalformedDocumentError(
            f"{filename} is named .pdf but is not a PDF (no %PDF- header). "
            "Check that the download completed, or ingest the page as HTML."
        )
    reader = _open(data, filename)
    try:
        pages = [page.extract_text() or "" for page in reader.pages]
        info = reader.metadata
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
        raise MalformedDocumentError(
            f"{filename} is a damaged PDF whose text could not be read ({exc.__class__.__name__})."
        ) from None
    text = "\n\n".join(page.strip() for page in pages if page.strip())
    if not text:
        raise EmptyDocumentError(
            f"{filename} has no text layer (a scanned image?). OCR is not supported: run the "
            "PDF through an OCR tool first, or ingest the text another way."
        )
    title = str(info.title).strip() if info is not None and info.title else None
    return PdfText(text=text, title=title or None)


def _open(data: bytes, filename: str) -> pypdf.PdfReader:
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise MalformedDocumentError(
                f"{filename} is password-protected. Remove the protection (or ask the sender "
                "for an unprotected copy) and ingest it again."
            )
        return reader
    except MalformedDocumentError:
        raise
    except (
        PyPdfError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        IndexError,
        NotImplementedError,
    ) as exc:
        raise MalformedDocumentError(
            f"{filename} is a damaged PDF that could not be opened ({exc.__class__.__name__}). "
            "Re-download or re-export it."
        ) from None
