"""English queries translated through the rules' own English titles and keywords to their
Chinese tags (lexicon.EnglishLexicon, Fusion.lexicon_weight)."""
from __future__ import annotations

from casebook.search.documents import Document
from casebook.search.hybrid import DEFAULT
from casebook.search.keyword import Tokenizer
from casebook.search.lexicon import EnglishLexicon


def _rule(rule_id: str, tags: list[str], title_en: str, keywords_en: list[str]) -> Document:
    return Document(id=rule_id, kind="rule", title=f"{rule_id} 规则", url="", text="正文", tags=tags,
                    title_en=f"{rule_id} {title_en}", keywords_en=keywords_en)


def test_english_words_map_to_the_tags_of_the_rules_that_use_them():
    docs = [_rule("MUTE-01", ["禁言"], "Muting members", ["mute", "rule"]),
            _rule("ADS-01", ["广告"], "Advertising", ["spam", "rule"]),
            _rule("REF-01", ["退款"], "Refunds", ["refund", "rule"]),
            Document(id="CASE-001", kind="case", title="案例", url="", text="", tags=["投诉"],
                     title_en="", keywords_en=[])]
    lexicon = EnglishLexicon.build(docs, Tokenizer())
    tokens = Tokenizer().tokens
    mute, spam, rule = tokens("muting")[0], tokens("spam")[0], tokens("rules")[0]
    assert lexicon.entries[mute] == {"禁言": 1.0}                 # stemmed: "muting" finds "mute"
    assert set(lexicon.entries[rule]) == {"禁言", "广告", "退款"}    # a word every rule uses …
    assert max(lexicon.entries[rule].values()) < 0.5              # … maps weakly
    assert not any(w.startswith(("mute-", "ads-")) or w.isdigit() for w in lexicon.entries)   # IDs are no words
    assert "投诉" not in {t for m in lexicon.entries.values() for t in m}   # only rules count
    translated = lexicon.translate(tokens("spam rules"))
    assert translated["广告"] > 0.9 and translated["退款"] < 0.5
    assert lexicon.translate(tokens("spam rules"), min_weight=0.5) == {"广告": 1.0}
    assert lexicon.translate(tokens("广告")) == {}               # Chinese is not looked up


def test_an_english_query_brings_up_what_the_rules_tag_in_chinese(searcher):
    on, off = DEFAULT.with_(lexicon_weight=0.3, lexicon_min=0.2), DEFAULT.with_(lexicon_weight=0.0)
    assert searcher.translated_terms("advertising", searcher.tokenizer.tokens("advertising"), on) == {"广告": 1.0}
    assert searcher.translated_terms("advertising", searcher.tokenizer.tokens("advertising"), off) == {}
    with_lexicon = searcher.ids("advertising", k=10, mode="keyword", fusion=on)
    without = searcher.ids("advertising", k=10, mode="keyword", fusion=off)
    assert with_lexicon[0] == without[0] == "AAA-01"              # the rule that says it in English first
    assert "CASE-001" not in without                              # the case never says "advertising" …
    assert "CASE-001" in with_lexicon and "RES-1001" in with_lexicon   # … but is tagged 广告


def test_a_chinese_query_is_not_translated(searcher):
    on = DEFAULT.with_(lexicon_weight=0.3, lexicon_min=0.2)
    groups = searcher.keyword_groups("广告 advertising", on)
    assert groups[-1] == ({}, 0.3)                               # mixed: has Chinese, left alone
    assert searcher.ids("广告", mode="keyword", fusion=on) == \
        searcher.ids("广告", mode="keyword", fusion=on.with_(lexicon_weight=0.0))
    mixed = on.with_(lexicon_latin_only=False)
    assert searcher.keyword_groups("第一条 advertising", mixed)[-1][0] == {"广告": 1.0}   # unless told to
    assert searcher.keyword_groups("广告 advertising", mixed)[-1][0] == {}     # typed terms are not repeated


def test_the_lexicon_is_built_once_per_index(searcher):
    first = searcher.index.english_lexicon(searcher.tokenizer)
    assert searcher.index.english_lexicon(searcher.tokenizer) is first
    assert len(first) > 0
