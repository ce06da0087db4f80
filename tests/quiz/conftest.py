"""Training tests (the store fixtures are in tests/stores.py; the summary line in tests/conftest.py)."""
