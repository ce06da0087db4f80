"""Search by meaning (issue 4): documents, embedders, keyword and dense retrieval, hybrid ranking,
the index, past-resolution import with redaction, content-gap log (evaluation and benchmarks:
casebook/bench/).

No Flask here: the CLI (casebook/cli/search_cmds.py) and the web app (casebook/web/search.py)
are thin layers over `engine.Searcher` and `index.build_index`.
"""
