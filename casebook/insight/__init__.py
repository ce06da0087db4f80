"""What trainers see across training and scenario practice (plain Python, no Flask): the data of the
dashboard's charts (dashboard.py), per-scenario statistics from the store (scenarios.py), and each
agent's training record as CSV and as xAPI/cmi5 statements (records.py, xapi.py)."""
