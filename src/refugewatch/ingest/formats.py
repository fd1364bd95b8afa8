"""File types ingest reads, by suffix."""

from __future__ import annotations

from types import MappingProxyType

MEDIA_TYPES = MappingProxyType(
    {
        ".txt": "text/plain",
        ".md": "text/markdown",
        ".html": "text/html",
        ".htm": "text/html",
        ".pdf": "application/pdf",
    }
)
SUPPORTED_SUFFIXES: frozenset[str] = frozenset(MEDIA_TYPES)
