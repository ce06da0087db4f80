"""Reply text as the scorer reads it: normalised, split into sentences and clauses, its language,
its negations, and the quantities (durations, clock times, amounts) it states.

Chinese and English are both first-class: sentences end at 。！？；!?; and at ". " before a capital
or a CJK character; numbers written in words (十分钟, 一刻钟, 半小时, 晚上六点, 末四位) are read as
the same quantities as their digit forms, with cn2an doing the numeral conversion.
"""
from __future__ import annotations

import functools
import re
import unicodedata

import cn2an

CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN_WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?")
SENTENCE_END = re.compile(r"(?<=[。！？；!?;\n])|(?<=[.…])\s+(?=[A-Z\u4e00-\u9fff\"“(])")
#: A colon that separates, not one between digits: a clock time (22:00) is one word.
COLON = r"(?<!\d)[：:]|[：:](?!\d)"
CLAUSE_SPLIT = re.compile(r"[，,]|" + COLON + r"|(?<=[a-z])\s+(?:and|but|so)\s+(?=[a-z])")


def normalise(text: str) -> str:
    """Full-width forms folded to half-width (NFKC), except CJK punctuation the splitter relies on."""
    text = text or ""
    out = []
    for ch in text:
        if ch in "。，、；：？！“”‘’【】《》（）":
            out.append(ch)
        else:
            out.append(unicodedata.normalize("NFKC", ch))
    return "".join(out)


def language(text: str) -> str:
    """'zh', 'en' or 'mixed' by the share of CJK characters among letters."""
    cjk = len(CJK.findall(text or ""))
    latin = sum(len(w) for w in LATIN_WORD.findall(text or "")) / 3  # ~3 Latin letters carry what 1 hanzi does
    if cjk + latin == 0:
        return "zh"
    share = cjk / (cjk + latin)
    return "zh" if share >= 0.8 else "en" if share <= 0.2 else "mixed"


def sentences(text: str) -> list[str]:
    """Sentences of a reply (Chinese and English punctuation); pieces without letters dropped."""
    parts = (p.strip(" \t\r\n\u3000") for p in SENTENCE_END.split(normalise(text)))
    return [p for p in parts if p and re.search(r"[\w\u4e00-\u9fff]", p)]


def clauses(sentence: str) -> list[str]:
    """Comma-level clauses of a sentence (enumerations with 、 stay in one clause)."""
    parts = [c.strip(" ，,。.!！?？;；") for c in CLAUSE_SPLIT.split(sentence)]
    return [c for c in parts if c and re.search(r"[\w\u4e00-\u9fff]", c)]


# ---------------------------------------------------------------- negation (polarity)

#: English negators and prohibitive verbs (matched as words).
NEGATION_EN = re.compile(
    r"\b(?:not|no|never|don't|doesn't|won't|can't|cannot|isn't|aren't|wasn't|shouldn't|mustn't|without|stop|avoid|"
    r"at most|only)\b", re.I)
#: Chinese: a clause is negative or prohibitive when one of its WORDS (jieba's segmentation, so that 分别,
#: 识别, 个别, 不过 are not read as 别/不) starts with a negator, or is a prohibitive or limiting verb.
NEGATOR_CHARS = "不没未无非别勿莫"
NEGATION_WORDS = frozenset("禁止 严禁 停止 拒绝 避免 切忌 杜绝 最多 至多 仅限 只能".split())
#: Adverbs jieba may glue in front of a negator (千万别, 绝不会, 并非, 从未, 从来不, 暂不): stripped before looking.
NEGATION_ADVERBS = re.compile(r"^(?:千万|万万|绝对|一定|务必|可|也|都|并|从来|从|决|绝|再|还|暂|先|就|切|请|毫|永|尚|仍|亦|均|皆|概)+(?=[不没未无非别勿莫])")
#: Words that start with a negator but do not negate the clause.
NOT_NEGATING_WORDS = frozenset(("不过 不少 不断 不久 不错 不仅 不但 不管 不论 不如 不禁 不同 不满 不便 不适 不安 不愉快 "
                                "不好意思 不客气 不得不 无论 无线 无偿 无聊 无误 非常 非法 别人 别的 别处 未来 未成年 "
                                "未成年人 没收 莫名 莫名其妙 无理由").split())
#: Phrases that contain a negator but are reassurance, courtesy or a yes/no question (removed first).
NOT_NEGATION = re.compile(r"不好意思|无理由|对不起|对不住|不客气|没关系|不用担心|别担心|别着急|不要着急|不要担心|别慌|不要慌|"
                          r"不急|毫无疑问|无需担心|don't worry|no worries|no problem|not only", re.I)
A_NOT_A = re.compile(r"([\u4e00-\u9fff])[不没]\1")  # 换不换, 是不是, 有没有: a question, not a negation


@functools.lru_cache(maxsize=1)
def _tokenizer():
    """A private jieba tokenizer (its own instance: the search engine's user dictionary does not change
    how the scorer reads polarity)."""
    import logging

    import jieba
    jieba.setLogLevel(logging.WARNING)
    return jieba.Tokenizer()


def word_bounds(text: str) -> frozenset[int]:
    """The offsets in `text` where a word (jieba) starts or ends."""
    bounds, at = {0}, 0
    for word in _tokenizer().lcut(text):
        at += len(word)
        bounds.add(at)
    return frozenset(bounds)


@functools.lru_cache(maxsize=65536)
def negated(clause: str) -> bool:
    """Whether a clause is negative or prohibitive (after removing idioms that only look negative)."""
    bare = A_NOT_A.sub("", NOT_NEGATION.sub("", clause or ""))
    if NEGATION_EN.search(bare):
        return True
    if not any(ch in bare for ch in NEGATOR_CHARS) and not any(w in bare for w in NEGATION_WORDS):
        return False
    for word in _tokenizer().lcut(bare):
        word = NEGATION_ADVERBS.sub("", word)
        if word in NEGATION_WORDS or (word[0] in NEGATOR_CHARS and word not in NOT_NEGATING_WORDS):
            return True
    return False


# ---------------------------------------------------------------- quantities

CN_NUM = "零〇一二两三四五六七八九十百千万半"
UNITS = (r"分钟|分|小时|个小时|钟头|个钟头|天|日|个工作日|工作日|周|星期|个月|月|年|元|块|点|位|个|次|倍|%|折|件|名|"
         r"人|条|岁|秒|minutes?|mins?|hours?|hrs?|days?|working days?|business days?|weeks?|yuan|rmb|digits?|times")
_QTY = re.compile(rf"(\d+(?:\.\d+)?|[{CN_NUM}]+)\s*({UNITS})", re.I)
_CLOCK = re.compile(r"(早上|上午|中午|下午|傍晚|晚上|夜里|凌晨)?\s*(\d{1,2}|[零〇一二两三四五六七八九十]{1,3})\s*"
                    r"(?:[:：](\d{2})|点(半|[零〇一二三四五六七八九十]{1,3}分?|\d{1,2}分?)?)"
                    r"|(\d{1,2})(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)", re.I)
_MINUTES = {"分钟": 1, "分": 1, "minute": 1, "minutes": 1, "min": 1, "mins": 1, "小时": 60, "个小时": 60, "钟头": 60,
            "个钟头": 60, "hour": 60, "hours": 60, "hr": 60, "hrs": 60, "天": 1440, "日": 1440, "day": 1440,
            "days": 1440, "周": 10080, "星期": 10080, "week": 10080, "weeks": 10080}


def _num(token: str) -> float | None:
    if re.fullmatch(r"\d+(?:\.\d+)?", token):
        return float(token)
    if token == "半":
        return 0.5
    try:
        return float(cn2an.cn2an(token, "smart"))
    except (ValueError, KeyError, TypeError):
        return None


def quantities(text: str) -> set[str]:
    """Canonical quantities stated in a text: 'min:15' for durations, 'clock:18:00', 'n:399' for the rest.

    一刻钟 → min:15, 半小时/0.5小时 → min:30, 两个工作日 → n:2 workday, 晚上6点 → clock:18:00, 末四位 → n:4.
    """
    t = normalise(text).lower()
    t = re.sub(r"([一两三四五六七八九十\d]+)?\s*刻钟", lambda m: f"{15 * (_num(m.group(1)) or 1):g}分钟", t)
    t = re.sub(r"(\d+|[一两三四五六七八九十]+)个半(小时|钟头)",
               lambda m: f"{(_num(m.group(1)) or 0) + 0.5:g}小时", t)
    t = re.sub(r"半(个)?(小时|钟头)", "0.5小时", t)
    t = re.sub(r"half an hour", "30 minutes", t)
    out: set[str] = set()
    for m in _CLOCK.finditer(t):
        if m.group(5):  # 6pm, 6:30 pm
            hour, minute = int(m.group(5)), int(m.group(6) or 0)
            if m.group(7).startswith("p") and hour < 12:
                hour += 12
        else:
            hour_v = _num(m.group(2))
            if hour_v is None:
                continue
            hour = int(hour_v)
            tail = m.group(4) or ""
            minute = int(m.group(3)) if m.group(3) else 30 if tail == "半" else int(_num(tail.rstrip("分")) or 0) if tail else 0
            if m.group(1) in ("下午", "傍晚", "晚上", "夜里") and hour < 12:
                hour += 12
        if 0 <= hour <= 24 and 0 <= minute < 60:
            out.add(f"clock:{hour:02d}:{minute:02d}")
    for m in _QTY.finditer(t):
        value = _num(m.group(1))
        if value is None:
            continue
        unit = m.group(2).lower()
        if unit in _MINUTES and "工作" not in unit:
            out.add(f"min:{value * _MINUTES[unit]:g}")
        else:
            out.add(f"n:{value:g}")
    for m in re.finditer(r"(?<![\d.])(\d+(?:\.\d+)?)(?![\d.])", t):
        out.add(f"n:{float(m.group(1)):g}")
    # durations also count as their bare number (a point's "24小时" is stated by "24 hours" or "一天")
    for q in list(out):
        if q.startswith("min:"):
            minutes = float(q[4:])
            for unit in (1, 60, 1440):
                if minutes % unit == 0 or minutes / unit == 0.5:
                    out.add(f"dur:{minutes:g}")
    return out


def missing_quantities(point: str, reply: str) -> list[str]:
    """Quantities a key point states that the reply does not (in any wording); readable forms."""
    want = quantities(point)
    have = quantities(reply)
    missing = []
    for q in sorted(want):
        if q.startswith("dur:"):
            continue
        if q in have:
            continue
        if q.startswith("min:") and f"dur:{q[4:]}" in have:
            continue
        if q.startswith("n:") and any(h.startswith("min:") and f"n:{h[4:]}" == q for h in have):
            continue
        if q.startswith("n:") and any(w.startswith("min:") for w in want):
            continue  # the bare number of a duration the point states; judged as the duration
        if q.startswith("n:") and any(w.startswith("clock:") for w in want):
            continue  # the hour of a clock time; judged as the time
        missing.append(q.split(":", 1)[1] + ("分钟" if q.startswith("min:") else ""))
    return missing
