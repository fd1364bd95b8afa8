"""`python -m refugewatch` runs the CLI (same as the `refugewatch` script)."""

from refugewatch.cli import main

main()
