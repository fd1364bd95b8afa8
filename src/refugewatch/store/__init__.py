"""Storage adapters. Imports only refugewatch.model (and errors); handed to services."""
