"""Ingest: a file's bytes -> Document (clean text, metadata, publication date).

Pure functions over bytes; reading files from disk is the caller's job (services).
"""

from refugewatch.ingest.discovery import Discovery, discover
from refugewatch.ingest.formats import MEDIA_TYPES, SUPPORTED_SUFFIXES
from refugewatch.ingest.loader import CLEANER_VERSION, DEFAULT_MAX_BYTES, load_document

__all__ = [
    "CLEANER_VERSION",
    "DEFAULT_MAX_BYTES",
    "MEDIA_TYPES",
    "SUPPORTED_SUFFIXES",
    "Discovery",
    "discover",
    "load_document",
]
