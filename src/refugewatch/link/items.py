"""What the linker compares: one extracted incident with its document, date, outlet and wording."""

from __future__ import annotations

import re
from dataclasses import dataclass

from refugewatch.model.dates import FuzzyDate
from refugewatch.model.extraction import Incident

# claims.incident_key writes "<sha256[:12]>#<index>"; the index lets a sub-group find its parent.
_KEY_INDEX = re.compile(r"#(\d+)$")


@dataclass(frozen=True)
class LinkItem:
    key: str  # incident key, e.g. claims.incident_key(doc_sha, index)
    document: str  # document id (sha256 or file name)
    published: FuzzyDate
    outlet: str | None  # syndicated copies of one outlet/collector count as one source
    incident: Incident
    context: str  # sentence(s) around the incident's evidence, for wording similarity


def index_in_document(item: LinkItem, position: int) -> int:
    """The incident's index within its document: from the key when it says, else its position."""
    match = _KEY_INDEX.search(item.key)
    return int(match.group(1)) if match else position
