"""Merge incidents into cases: strongest evidence first, never across a contradiction.

Pairs scoring at least LINK_THRESHOLD are merged greedily, best first. A merge is refused when
it would put two incidents of one document together (a text that reports two groups means two
groups, unless it says one is a sub-group of the other) or when any two main incidents of the
merged case contradict each other outright (see compare.hard_conflict). Sub-groups join their
parent's case before anything else and are not held to the parent's head count.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Sequence

from refugewatch.errors import ValidationError
from refugewatch.link.block import candidate_pairs
from refugewatch.link.compare import Profile, build_profiles, compare, hard_conflict
from refugewatch.link.items import LinkItem, index_in_document

# Points a pair needs to be linked. Equal counts (2) plus agreeing dates (1-2) or a shared place
# (1.5) pass; equal counts and country alone (2.5) do not, because many groups of seven are
# arrested in Thailand, and neither does similar wording alone (4 x cosine) short of a cosine of
# 0.75, which only copies of one report reach.
LINK_THRESHOLD = 2.5


def link_incidents(items: Sequence[LinkItem]) -> list[list[str]]:
    """Clusters of incident keys, each key in exactly one; sorted within and across clusters."""
    _check_unique(items)
    profiles = build_profiles(items)
    parents = _subgroup_parents(items)
    clusters = _Clusters(profiles, parents)
    for child, parent in sorted(parents.items()):
        clusters.merge(child, parent, force=True)
    for _score, i, j in _ranked_pairs(profiles):
        clusters.merge(i, j)
    return clusters.as_keys()


def case_id_for(keys: Sequence[str]) -> str:
    """Stable case id: "c-" and a short hash of the smallest member key."""
    if not keys:
        raise ValidationError(["a case needs at least one incident to derive its identifier"])
    return "c-" + hashlib.sha256(min(keys).encode()).hexdigest()[:12]


def _check_unique(items: Sequence[LinkItem]) -> None:
    counts = Counter(item.key for item in items)
    repeated = sorted(key for key, n in counts.items() if n > 1)
    if repeated:
        raise ValidationError([f"incident key {key} was given twice" for key in repeated])


def _subgroup_parents(items: Sequence[LinkItem]) -> dict[int, int]:
    """item index -> index of the parent incident in the same document, for sub-groups."""
    by_document: dict[str, dict[int, int]] = defaultdict(dict)
    for position, item in enumerate(items):
        ordinal = len(by_document[item.document])
        by_document[item.document][index_in_document(item, ordinal)] = position
    parents: dict[int, int] = {}
    for position, item in enumerate(items):
        parent_index = item.incident.subset_of
        siblings = by_document[item.document]
        if parent_index is not None and siblings.get(parent_index, position) != position:
            parents[position] = siblings[parent_index]
    return parents


def _ranked_pairs(profiles: Sequence[Profile]) -> list[tuple[float, int, int]]:
    ranked = []
    for i, j in candidate_pairs(profiles):
        result = compare(profiles[i], profiles[j])
        if result.conflict is None and result.score >= LINK_THRESHOLD:
            ranked.append((result.score, i, j))
    keys = [p.item.key for p in profiles]
    ranked.sort(key=lambda r: (-r[0], min(keys[r[1]], keys[r[2]]), max(keys[r[1]], keys[r[2]])))
    return ranked


class _Clusters:
    """Disjoint sets of item indices with the merge constraints of the module docstring."""

    def __init__(self, profiles: Sequence[Profile], parents: dict[int, int]) -> None:
        self.profiles = profiles
        self.subgroups = frozenset(parents)
        self.owner = list(range(len(profiles)))
        self.members: dict[int, list[int]] = {i: [i] for i in range(len(profiles))}

    def merge(self, i: int, j: int, force: bool = False) -> None:
        a, b = self.owner[i], self.owner[j]
        if a == b or not (force or self._compatible(a, b)):
            return
        if len(self.members[a]) < len(self.members[b]):
            a, b = b, a
        for m in self.members.pop(b):
            self.owner[m] = a
            self.members[a].append(m)

    def _compatible(self, a: int, b: int) -> bool:
        for x in self.members[a]:
            for y in self.members[b]:
                px, py = self.profiles[x], self.profiles[y]
                if px.item.document == py.item.document:
                    return False
                heads = x not in self.subgroups and y not in self.subgroups
                if heads and hard_conflict(px, py):
                    return False
        return True

    def as_keys(self) -> list[list[str]]:
        clusters = [
            sorted(self.profiles[m].item.key for m in members) for members in self.members.values()
        ]
        return sorted(clusters)
