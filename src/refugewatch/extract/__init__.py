"""extract: clean text -> incidents, statistics and appeals, each with exact evidence.

`extract(text, published, language=...)` is the pure entry point (pipeline.py);
`to_interchange(...)` writes the corpus JSON schema (interchange.py). Imported lazily so that
`refugewatch.extract.numbers` and friends stay cheap to import on their own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from refugewatch.extract.interchange import to_interchange
    from refugewatch.extract.pipeline import extract

__all__ = ["extract", "to_interchange"]


def __getattr__(name: str) -> Any:
    if name == "extract":
        from refugewatch.extract.pipeline import extract

        return extract
    if name == "to_interchange":
        from refugewatch.extract.interchange import to_interchange

        return to_interchange
    raise AttributeError(f"module 'refugewatch.extract' has no attribute {name!r}")
