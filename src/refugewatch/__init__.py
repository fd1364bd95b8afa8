"""refugewatch: documentation of North Koreans detained abroad at risk of forced return."""

__version__ = "0.1.0"
