"""Trainers see, trust and correct the scores (issue 15): disputes, blind calibration, agreement gates.

Plain Python without Flask. `rescore` and `agreement` are pure engines over a stored report
(`scoring.rubric.Report.as_dict()`); `disputes`, `calibration` and `validation_export` are the
service functions the pages and the API both call (SQLAlchemy sessions, no Flask).
"""
