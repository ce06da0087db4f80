"""Query translation through the content's own bilingual lexicon.

Every rule carries an English title and English keywords beside its Chinese title and tags.
``EnglishLexicon`` maps each English word of those (stemmed, as the keyword index stems it) to
the Chinese terms of the rules that use it: the rule's tags, as the keyword index tokenises
them (the words of the Chinese title were measured too and made it worse: search/README.md).
An English word used by one rule maps fully to that rule's terms; a word used by n rules gives
each of them 1/n, so generic words ("user", "rule") map weakly. A Chinese term that
several of those rules share adds up again (it is how the content says that word), capped at 1.

An English (or mixed) query's words are looked up and the Chinese terms they map to join the
keyword query as one more weighted term group (Searcher.translated_terms; the group's weight
is Fusion.lexicon_weight, 0 = off). The lexicon is built once per loaded index
(LoadedIndex.english_lexicon), never per request.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping, Sequence

from .keyword import CJK_CHAR_RE, Tokenizer

_LATIN_TOKEN_RE = re.compile(r"^[a-z][a-z'-]*$")
#: an item ID at the start of an English title ("SANC-03 Advertising"): not an English word
_ID_PREFIX_RE = re.compile(r"^[A-Z]{2,5}-\d+\s+")


@dataclass(frozen=True)
class EnglishLexicon:
    #: English stem → {Chinese term: weight in (0, 1]}
    entries: Mapping[str, Mapping[str, float]]

    @classmethod
    def build(cls, docs: Sequence, tokenizer: Tokenizer, vocabulary: Mapping[str, int] | None = None) -> "EnglishLexicon":
        """The lexicon of the rules among `docs` (Document objects with title_en/keywords_en).
        vocabulary: the keyword index's terms; Chinese terms the index does not know are dropped."""
        rules: list[tuple[set[str], set[str]]] = []
        for doc in docs:
            if getattr(doc, "kind", None) != "rule" or not (doc.title_en or doc.keywords_en):
                continue
            english_text = " ".join([_ID_PREFIX_RE.sub("", doc.title_en or ""), *doc.keywords_en])
            english = {t for t in tokenizer.tokens(english_text) if _LATIN_TOKEN_RE.match(t) and len(t) > 1}
            # the rule's tags, as the keyword index tokenises them: the content's own Chinese
            # keywords (the Chinese title's words were tried too: 不得, 必须… made it worse)
            chinese = {t for tag in doc.tags for t in tokenizer.tokens(tag) if CJK_CHAR_RE.search(t)}
            if vocabulary is not None:
                chinese = {t for t in chinese if t in vocabulary}
            if english and chinese:
                rules.append((english, chinese))
        users: dict[str, int] = {}
        for english, _chinese in rules:
            for word in english:
                users[word] = users.get(word, 0) + 1
        entries: dict[str, dict[str, float]] = {}
        for english, chinese in rules:
            for word in english:
                share = 1.0 / users[word]
                mapped = entries.setdefault(word, {})
                for term in chinese:
                    mapped[term] = min(1.0, mapped.get(term, 0.0) + share)
        return cls({w: dict(sorted(m.items())) for w, m in sorted(entries.items())})

    def translate(self, tokens: Sequence[str], min_weight: float = 0.0) -> dict[str, float]:
        """Chinese term → weight (≤ 1) for a query's tokens (Tokenizer.tokens: stemmed): the sum
        over the query's English words of what each maps the term to, capped at 1; terms below
        min_weight are left out. Chinese tokens of the query are not looked up."""
        out: dict[str, float] = {}
        for word in dict.fromkeys(tokens):
            for term, weight in self.entries.get(word, {}).items():
                out[term] = min(1.0, out.get(term, 0.0) + weight)
        return {t: w for t, w in out.items() if w >= min_weight}

    def __len__(self) -> int:
        return len(self.entries)
