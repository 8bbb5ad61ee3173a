"""Reusable pieces of the hub, kept free of Dagster where they can be, so they unit-test."""
