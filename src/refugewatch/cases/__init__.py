"""Cases: a group's state folded from its claims, labelled pseudonymously, replayable by date.

fold.py derives the state (conflicts kept, each with the rule that chose the displayed value),
chain.py merges custody chains, timeline.py orders the claims, label.py names the case without
names, build.py turns linked clusters into cases and replays a case as of a day.
"""

from refugewatch.cases.build import build_cases, case_as_of
from refugewatch.cases.fold import fold_case
from refugewatch.cases.label import label_case

__all__ = ["build_cases", "case_as_of", "fold_case", "label_case"]
