"""Use cases over a UnitOfWork: the only layer that combines pipeline stages with storage.

CLI commands and web routes call exactly one service each and render its result.
"""
