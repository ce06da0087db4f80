"""Typo and homophone tolerance for keyword search.

Staff type with pinyin input methods, so most Chinese typos are homophones or near-homophones of
the intended word (进言 for 禁言, 手响 for 首响, 引留 for 引流). The domain vocabulary (the tokens of
rules, cases and questions, the user dictionary and the synonyms) is keyed by toneless pinyin,
with the usual fuzzy-pinyin merges of input methods (zh/z, ch/c, sh/s, n/l, -ng/-n). A window
of 2–4 Chinese characters of the query that is not itself a domain word but sounds like one adds
that word to the keyword query with a lower weight than the words actually typed, so an exact
match always outranks a corrected one.

A window may also be a domain word of four characters with one left out (未成人 for 未成年人).

English words not in the vocabulary are matched to vocabulary words within a small edit distance
(optimal string alignment: a swap of two neighbouring letters, `muet` for `mute`, is one edit;
1 for words of 4–6 letters, 2 for longer ones), also with a lower weight.

Staff also type pinyin initials for domain words (kf 客服, sh 售后, tk 退款, jqr 机器人). A short
Latin token of the query that is not a word of the content (2–4 letters) is read as initials:
the content words with those initials, the most frequent first (MAX_INITIAL_CANDIDATES), join
the corrections with the same lower weight.

The vocabulary is built with the index (``terms.json`` in the index folder) and loaded with it.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from .keyword import STOPWORDS

TERMS_FILE = "terms.json"
CJK_RUN_RE = re.compile(r"[\u3400-\u9fff]+")
LATIN_RE = re.compile(r"^[a-z][a-z'-]*$")
#: Windows of the query tried against the vocabulary (characters).
WINDOWS = (2, 3, 4)
#: Longer queries are pasted messages: typo correction would add noise there, not fix typos.
MAX_QUERY_CJK = 40
MAX_CANDIDATES = 3
#: Domain words this long are also found with one character dropped (a window one shorter, so at
#: least three characters: two-character windows would match too many words).
DROPPED_FROM = (4,)
#: words that sound alike are listed the most frequent (in content documents) first
SOUND_ORDER_BY_FREQUENCY = True
#: pinyin initials: Latin tokens of these lengths not in the content's vocabulary are expanded to
#: at most this many content words (the most frequent) with those initials
INITIALS_LENGTHS = (2, 3, 4)
MAX_INITIAL_CANDIDATES = 1
INITIALS_RE = re.compile(r"^[a-z]{2,4}$")
LATIN_RUN_RE = re.compile(r"[a-z]+")

_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"))


def fuzzy_syllable(syllable: str) -> str:
    """A toneless pinyin syllable with the common input-method confusions merged."""
    s = syllable.lower()
    for long, short in _INITIALS:
        if s.startswith(long):
            s = short + s[len(long):]
            break
    if s.startswith("l"):
        s = "n" + s[1:]
    if s.endswith("ng") and len(s) > 2 and s[-3] in "aeio":
        s = s[:-1]
    return s


def pinyin_of(text: str) -> list[str]:
    """Toneless pinyin, one syllable per character (non-Chinese characters as themselves)."""
    from pypinyin import Style, lazy_pinyin
    return lazy_pinyin(text, style=Style.NORMAL, errors=lambda chars: list(chars))


def key_of(syllables: Sequence[str]) -> str:
    return " ".join(fuzzy_syllable(s) for s in syllables)


@dataclass
class TermIndex:
    """Domain words by fuzzy pinyin key, and the English vocabulary (stemmed tokens)."""
    by_sound: dict[str, list[str]] = field(default_factory=dict)
    latin: list[str] = field(default_factory=list)
    #: pinyin initials ("kf") → content words with them ("客服"), the most frequent first
    by_initials: dict[str, list[str]] = field(default_factory=dict)
    known: set[str] = field(init=False, repr=False)

    def __post_init__(self):
        self.known = {w for group in self.by_sound.values() for w in group}
        #: a character dropped (未成人 for 未成年人): each domain word of DROPPED_FROM characters under
        #: the windows it becomes with one character left out (derived, not stored)
        self.by_dropped: dict[str, list[str]] = {}
        for word in sorted(self.known):
            if len(word) in DROPPED_FROM:
                for i in range(len(word)):
                    short = word[:i] + word[i + 1:]
                    found = self.by_dropped.setdefault(short, [])
                    if word not in found:
                        found.append(word)

    @classmethod
    def build(cls, words: Iterable[str], frequency: Mapping[str, int] | None = None,
              preferred: Iterable[str] = ()) -> "TermIndex":
        """frequency: each word's number of content documents; preferred: the domain words (user
        dictionary, synonym terms). Both order the candidates of pinyin initials (words the
        content uses, frequency > 0): domain words first, then the most frequent."""
        frequency = frequency or {}
        preferred = set(preferred)
        by_sound: dict[str, list[str]] = {}
        latin: set[str] = set()
        initials: dict[str, list[str]] = {}
        for word in sorted(set(words)):
            if LATIN_RE.match(word) and len(word) >= 3:
                latin.add(word)
            elif CJK_RUN_RE.fullmatch(word) and min(WINDOWS) <= len(word) <= max(WINDOWS):
                syllables = pinyin_of(word)
                by_sound.setdefault(key_of(syllables), []).append(word)   # sorted below
                # only words the content uses: a synonym or user-dictionary word that no document
                # holds (封嘴) can match nothing, and it would hide a content word (fz → 反诈, 分钟)
                if len(syllables) in INITIALS_LENGTHS and frequency.get(word, 0) > 0:
                    initials.setdefault("".join(s[0] for s in syllables), []).append(word)
        by_initials = {key: sorted(found, key=lambda w: (w not in preferred, -frequency.get(w, 0), w))[:MAX_INITIAL_CANDIDATES]
                       for key, found in initials.items()}
        if SOUND_ORDER_BY_FREQUENCY:
            by_sound = {key: sorted(found, key=lambda w: (-frequency.get(w, 0), w)) for key, found in by_sound.items()}
        return cls(by_sound, sorted(latin), by_initials)

    # -------------------------------------------------------------- queries
    def chinese_corrections(self, normalised_query: str, typed: set[str],
                            spans: Sequence[tuple[int, int, bool]] | None = None) -> list[str]:
        """Domain words that a window of the query sounds like, when the window is not a domain
        word itself. typed: the query's own tokens (never returned). spans: the query's words as
        (start, end, suspect) (Tokenizer.word_spans); when given, a window must touch a suspect
        word and may not cut a correctly typed one, so 可以直接 is not corrected to 可疑/一直/接近
        and 危鸡处理 not to 基础. None: every window is tried."""
        if not self.by_sound:
            return []
        out: list[str] = []
        for _start, _end, window, words in self._windows(normalised_query, spans):
            for word in words:
                if word not in typed and word not in out and word != window:
                    out.append(word)
        return out

    def _windows(self, normalised_query: str, spans) -> list[tuple[int, int, str, list[str]]]:
        """(start, end, window, domain words it sounds like) for the query's windows that may be
        misspellings (see chinese_corrections), shortest windows first."""
        if not self.by_sound:
            return []
        runs = [(m.group(), m.start()) for m in CJK_RUN_RE.finditer(normalised_query)]
        if sum(len(r) for r, _ in runs) > MAX_QUERY_CJK:
            return []
        known = self.known
        out = []
        for run, offset in runs:
            syllables = pinyin_of(run)
            if len(syllables) != len(run):
                continue
            for n in WINDOWS:
                for start in range(0, len(run) - n + 1):
                    window = run[start:start + n]
                    if window in known:
                        continue
                    if spans is not None and not _plausible(spans, offset + start, offset + start + n):
                        continue
                    words = self.by_sound.get(key_of(syllables[start:start + n]), [])[:MAX_CANDIDATES]
                    words += [w for w in self.by_dropped.get(window, [])[:MAX_CANDIDATES] if w not in words]
                    if words:
                        out.append((offset + start, offset + start + n, window, words))
        return out

    def correction_spans(self, normalised_query: str, spans) -> list[tuple[int, int]]:
        """(start, end) of the query's windows that sound like a domain word (the windows
        chinese_corrections corrects)."""
        return [(start, end) for start, end, _window, _words in self._windows(normalised_query, spans)]

    def respell(self, normalised_query: str, spans) -> str:
        """The query with each misspelt word (a word of two or more characters that the content
        never uses, spans: Tokenizer.word_spans) replaced by the most frequent domain word it
        sounds like (危鸡处理 → 危机处理): what the embedding model reads (it cannot hear a
        homophone)."""
        chosen: list[tuple[int, int, str]] = []
        suspect_words = {(s, e) for s, e, suspect in spans or () if suspect and e - s >= 2}
        for start, end, window, words in sorted(self._windows(normalised_query, spans),
                                                key=lambda w: (-(w[1] - w[0]), w[0])):
            if (start, end) not in suspect_words:
                continue    # only a whole word the content never uses (危鸡), not single characters
            if words[0] == window or any(start < e and s < end for s, e, _ in chosen):
                continue
            chosen.append((start, end, words[0]))
        text = normalised_query
        for start, end, word in sorted(chosen, reverse=True):
            text = text[:start] + word + text[end:]
        return text

    def latin_corrections(self, tokens: Sequence[str], vocab) -> list[str]:
        """Vocabulary words within a small edit distance of English query tokens not in vocab."""
        if not self.latin:
            return []
        from rapidfuzz import process
        from rapidfuzz.distance import OSA
        out: list[str] = []
        for token in tokens:
            if not LATIN_RE.match(token) or len(token) < 4 or token in vocab:
                continue
            limit = 1 if len(token) <= 6 else 2
            for word, distance, _ in process.extract(token, self.latin, scorer=OSA.distance,
                                                     score_cutoff=limit, limit=MAX_CANDIDATES):
                if word != token and word not in out:
                    out.append(word)
        return out

    def initials_expansions(self, normalised_query: str, vocab, skip: Iterable[str] = ()) -> list[str]:
        """Content words whose pinyin initials a short Latin word of the (normalised, case-folded)
        query is (kf → 客服): words of 2–4 letters that are not words of the content themselves
        nor in `skip` (terms a synonym group already expands)."""
        out: list[str] = []
        for _token, words in self.initials_of(normalised_query, vocab, skip).items():
            out.extend(w for w in words if w not in out)
        return out

    def initials_of(self, normalised_query: str, vocab, skip: Iterable[str] = ()) -> dict[str, list[str]]:
        """Each short Latin word of the query read as pinyin initials → its content words. Only
        among Chinese words (kf回复太慢): in an English query, "by" or "up" are English words."""
        skip = set(skip)
        out: dict[str, list[str]] = {}
        if not CJK_RUN_RE.search(normalised_query):
            return out
        for token in LATIN_RUN_RE.findall(normalised_query):
            if (not INITIALS_RE.match(token) or token in vocab or token in skip or token in out
                    or token in STOPWORDS):
                continue
            words = self.by_initials.get(token, [])
            if words:
                out[token] = list(words)
        return out

    # -------------------------------------------------------------- storage
    def save(self, folder: Path) -> None:
        (folder / TERMS_FILE).write_text(json.dumps({"by_sound": self.by_sound, "latin": self.latin,
                                                    "by_initials": self.by_initials},
                                                    ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> "TermIndex":
        path = folder / TERMS_FILE
        if not path.is_file():
            return cls()
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(data.get("by_sound", {}), data.get("latin", []), data.get("by_initials", {}))


def _plausible(spans: Sequence[tuple[int, int, bool]], start: int, end: int) -> bool:
    """Whether the window [start, end) may be a misspelling: it overlaps a suspect word and
    contains every correctly typed word it overlaps whole."""
    touches = False
    for s, e, suspect in spans:
        if e <= start or s >= end:
            continue
        if suspect:
            touches = True
        elif s < start or e > end:
            return False
    return touches
