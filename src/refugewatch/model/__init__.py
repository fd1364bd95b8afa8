"""Pure domain dataclasses. No I/O, no imports from other refugewatch layers."""
