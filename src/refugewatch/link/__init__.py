"""Link incidents from many reports into cases (one case per real-world group).

Pure functions over model objects: compare pairs (compare.py) within blocks (block.py), merge the
strongest links first without crossing a contradiction (cluster.py). docs/cases.md explains the
rules and the measured figures.
"""

from refugewatch.link.cluster import LINK_THRESHOLD, case_id_for, link_incidents
from refugewatch.link.items import LinkItem

__all__ = ["LINK_THRESHOLD", "LinkItem", "case_id_for", "link_incidents"]
