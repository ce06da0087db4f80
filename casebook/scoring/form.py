"""The form of a reply: signs that it games the rubric instead of answering the member."""
from __future__ import annotations

import re

from .semantic import char_similarity
from .text import CJK, COLON, language, sentences as split_sentences
from .tone import addresses_member

#: A group-chat reply longer than this buries its points (the longest exemplary golden is ~200).
MAX_REPLY_CHARS = 300
LIST_MARKER = re.compile(r"^\s*(?:[-*•·●▪]|\d+\s*[.、)）]|[（(]\d+[)）]|[一二三四五六七八九十]+、)")
SEGMENT_SPLIT = re.compile(r"(?:[，,、/|;；。！？!?+\n]|" + COLON + r")+|(?<=[\u4e00-\u9fff])\s+|\s+(?=[\u4e00-\u9fff])")


def length_units(reply: str) -> int:
    """Length in Chinese-character units: a hanzi is one, about 3.5 Latin letters are one."""
    cjk = len(re.findall(r"[\u4e00-\u9fff]", reply or ""))
    latin = len(re.findall(r"[A-Za-z]", reply or ""))
    return int(cjk + latin / 3.5)


#: A word said twice in a row (群规群规, 定位定位): once is speech (欢迎欢迎), twice in a reply is padding.
DOUBLED = re.compile(r"([\u4e00-\u9fff]{2,4})\1")
#: Share of a reply's clauses (of 4+ characters) that repeat another of its clauses (10分钟内回复您查询结果，10分钟内回复;
#: 私聊发订单号后4位…订单号后4位请私聊发). Over rounds 1–37 no reply not written as stuffing exceeds 0.29 and the
#: stuffed ones read 0.43–0.50: a narrow margin, measured on four replies.
REPEATED_CLAUSES = 0.35


def _repeated_share(segments: list[str]) -> float:
    clauses = [c for c in segments if len(re.sub(r"\W", "", c)) >= 4]
    if len(clauses) < 4:
        return 0.0
    repeated = sum(any(j != i and (c in d or char_similarity(c, d) >= 0.75) for j, d in enumerate(clauses))
                   for i, c in enumerate(clauses))
    return repeated / len(clauses)


def is_stuffed(reply: str) -> bool:
    """Keywords strung together: many very short fragments, or the same words repeated."""
    segments = [s.strip() for s in SEGMENT_SPLIT.split(reply) if s.strip()]
    if len(set(DOUBLED.findall(reply))) >= 2 or _repeated_share(segments) >= REPEATED_CLAUSES:
        return True
    short = [s for s in segments if (len(s.split()) <= 2 if re.fullmatch(r"[\x00-\x7f]+", s) else len(s) <= 4)]
    if len(segments) >= 6 and len(short) / len(segments) >= 0.6:
        return True
    sentences = split_sentences(reply)
    if len(sentences) >= 3 and len(set(sentences)) / len(sentences) < 0.6:
        return True
    text = re.sub(r"[\W\x00-\x7f]+", "", reply)  # CJK only: English repeats its function words
    grams = [text[i:i + 2] for i in range(len(text) - 1)]
    return len(grams) >= 40 and len(set(grams)) / len(grams) < 0.45


#: The words a sentence spoken to someone is held together by: pronouns and forms of address (大家, 各位),
#: particles, prepositions, the copula, negation and the commonest adverbs. A telegram drops them all
#: (致歉，久等。订单号后4位，私聊。10分钟内回复。).
FUNCTION_WORDS = re.compile(r"大家|各位|[我您你他她们咱请别不没要的了吗呢吧啊哦呀啦嘛在把给跟和对向从被让是就都也还再会很这那个]")
#: At least this many Chinese characters before a reply without one of them is called a telegram. Over rounds
#: 1–38, 24 replies that the other form checks miss have none (in 19 transcripts, all graded below 70); no
#: Chinese reply of a transcript graded 70 or more has none — but the tersest has one in 32 characters
#: (视频内容未经证实，依据群规MBR-03已删除。本次警告，30天内再犯禁言24小时，7天内可申诉。): a narrow margin, which is
#: why nothing short of none counts.
TELEGRAM_MIN_CJK = 12


def is_telegram(reply: str) -> bool:
    """A Chinese reply of keywords and fragments without a single function word: a list of what to say, not
    something said to the member."""
    return language(reply) == "zh" and len(CJK.findall(reply)) >= TELEGRAM_MIN_CJK and not FUNCTION_WORDS.search(reply)


def is_list_paste(reply: str, key_points: list[str]) -> bool:
    """Key points pasted as a bare list (or verbatim) without addressing the member."""
    lines = [l for l in reply.splitlines() if l.strip()]
    listed = [l for l in lines if LIST_MARKER.match(l)]
    prose = [l for l in lines if not LIST_MARKER.match(l)]
    if len(listed) >= 2 and not any(addresses_member(l) for l in prose):
        return True
    if len(lines) >= 2 and all(not re.search(r"[。！？!?.]$", l.strip()) for l in lines) and not addresses_member(lines[0]):
        return True
    # A sentence that states a key point word for word is a correct statement, not gaming: only the
    # list forms above (markers, unpunctuated fragments) count as pasting.
    return False


def is_echo(reply: str, messages: list[str]) -> bool:
    """The reply mostly repeats what the members said."""
    sentences = split_sentences(reply)
    if not sentences or not messages:
        return False
    joined = "".join(messages)
    if char_similarity(reply, joined) >= 0.6:
        return True
    return len(echoed_sentences(sentences, messages)) / len(sentences) >= 0.6


def echoed_sentences(sentences: list[str], messages: list[str]) -> set[str]:
    """Sentences that copy a member's message; they earn no credit for key points."""
    return {s for s in sentences for m in messages if char_similarity(s, m) >= 0.7 or (len(s) >= 6 and s in m)}


def gaming_flags(reply: str, key_points: list[str], messages: list[str]) -> list[str]:
    """Human-readable reasons why the reply's content cannot earn key-point credit."""
    reply = reply or ""
    if not reply.strip():
        return []
    flags = []
    if is_stuffed(reply):
        flags.append("疑似关键词堆砌或重复刷词，没有形成完整的句子")
    elif is_telegram(reply):
        flags.append("只有关键词和短语（电报式），没有一句在跟成员说话")
    if is_list_paste(reply, key_points):
        flags.append("要点以清单形式照搬，没有面向成员说明")
    if is_echo(reply, messages):
        flags.append("回复主要是复述成员的原话")
    return flags
