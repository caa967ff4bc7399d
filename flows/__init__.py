"""Prefect flows: thin wrappers that call the `scorecard` package's plain functions."""
