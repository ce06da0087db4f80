"""Training tests: the store fixtures, and a summary line saying which stores ran."""
from tests.stores import STORES_RAN


def pytest_terminal_summary(terminalreporter):
    if STORES_RAN:
        terminalreporter.write_line("stores: " + ", ".join(sorted(STORES_RAN, key=["sqlite", "postgresql"].index)))
