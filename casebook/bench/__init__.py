"""Benchmarks and evaluations: measuring the engines, not part of them.

- search.py: index build throughput and warm query latency (`casebook bench search`)
- search_eval.py: Recall@5, MRR, nDCG@10 of the search modes on labelled queries (`casebook search eval`)
- redaction.py: the redactor's recall per kind on a corpus (`python -m casebook.bench.redaction`)
"""
