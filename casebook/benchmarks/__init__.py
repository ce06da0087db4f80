"""Benchmarks that print figures (never pass/fail tests)."""
