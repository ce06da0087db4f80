"""Item-writing flaws: cues that let a test-wise learner answer without knowing the rules.

Per question (path:line of the offending value):
- matching: the same right-hand answer twice (error: the pairing becomes ambiguous);
- "以上都对" / "以上都不对" style options (error);
- a negative choice stem (不/没有/错误 …) whose negation is not emphasised with **…** (warning);
- an option that repeats the stem word for word (warning).

For the whole bank (warnings carrying the figures, only once the bank is big enough for a share
to mean something):
- the share of true/false questions whose answer is "true" must lie within 35–65 %;
- the correct option may be the unique longest one in at most 35 % of single-choice questions;
- multiple-choice questions should not all have the same number of correct options.
"""
from __future__ import annotations

import re
from collections import Counter

from .project import QUIZ_DIR, Project
from .question_types import QUESTION_TYPES

TRUE_SHARE = (0.35, 0.65)
MAX_LONGEST_SHARE = 0.35
MAX_SAME_CORRECT_COUNT_SHARE = 0.6
MIN_BANK = 10  # fewer questions of a type than this: shares are noise, no bank warning

ALL_OF_ABOVE_RE = re.compile(
    r"^\W*(?:(?:以上|上述)(?:选项|说法|做法|各项|几项)?(?:都|均|全|皆|全部)?(?:不|没有)?(?:对|错|正确|错误|是|符合|可以|可行|需要)"
    r"|(?:都|均|全)(?:不)?(?:对|正确|错误)\W*$)")
#: Negations that turn a stem around (the learner must notice them).
NEGATION_RE = re.compile(r"不正确|不属于|不是|不应|不能|不可以|不需要|不必|没有|不包括|不符合|不恰当|不合适|不得|不该|不妥|不会|错误|无需|除外")
EMPHASIS_RE = re.compile(r"\*\*(.+?)\*\*")
SENTENCE_END_RE = re.compile(r"[。！；;!]")
PUNCT_RE = re.compile(r"[\s\W_]+", re.UNICODE)
MIN_REPEAT = 6  # characters an option must have before "repeats the stem" is meaningful


def _norm(text: str) -> str:
    return PUNCT_RE.sub("", text)


def _question_sentence(prompt: str) -> str:
    """The part of a stem that asks: the last sentence (a scenario before it may say 不 freely)."""
    parts = [p for p in SENTENCE_END_RE.split(prompt) if p.strip()]
    return parts[-1] if parts else prompt


def unemphasised_negations(prompt: str) -> list[str]:
    """Negations in the asking sentence of a stem that are not inside **…**."""
    sentence = _question_sentence(prompt)
    bare = EMPHASIS_RE.sub(lambda m: " " * len(m.group(0)), sentence)
    return [m.group(0) for m in NEGATION_RE.finditer(bare)]


def _unique_longest(options) -> bool:
    lengths = [len(_norm(o.text)) for o in options]
    correct = [i for i, o in enumerate(options) if o.correct]
    if len(correct) != 1:
        return False
    top = max(lengths)
    return lengths[correct[0]] == top and lengths.count(top) == 1


def check_item_flaws(project: Project) -> None:
    problems = project.problems
    tf_total = tf_true = 0
    single_total = single_longest = 0
    multiple_counts: Counter[int] = Counter()
    for qid, located in project.questions.items():
        question, at, path = located.obj, located.line_of, located.path
        pairs = getattr(question, "pairs", None)
        options = getattr(question, "options", None)
        if pairs is not None:
            seen: dict[str, int] = {}
            for i, pair in enumerate(question.pairs):
                key = _norm(pair.right)
                if key in seen:
                    problems.error(path, at("pairs", i, "right"),
                                   f"question {qid}: right-hand answer '{pair.right}' repeats pair {seen[key] + 1}; every right-hand answer must be different", "item-flaw")
                else:
                    seen[key] = i
        if options is not None:
            prompt = _norm(question.prompt)
            for i, option in enumerate(question.options):
                if ALL_OF_ABOVE_RE.search(option.text):
                    problems.error(path, at("options", i, "text"),
                                   f"question {qid}: option '{option.text}' is an all/none-of-the-above option; write a real option instead", "item-flaw")
                text = _norm(option.text)
                if len(text) >= MIN_REPEAT and (text in prompt or prompt in text):
                    problems.warning(path, at("options", i, "text"),
                                     f"question {qid}: option '{option.text}' repeats the stem", "item-flaw")
            negations = unemphasised_negations(question.prompt)
            if negations:
                problems.warning(path, at("prompt"),
                                 f"question {qid}: negative stem ('{negations[0]}') without emphasis; mark it **{negations[0]}** or ask positively", "item-flaw")
        if isinstance(getattr(question, "answer", None), bool):            # true/false
            tf_total += 1
            tf_true += bool(question.answer)
        elif options is not None and QUESTION_TYPES[question.type].one_correct:  # single choice
            single_total += 1
            single_longest += _unique_longest(question.options)
        elif options is not None:                                            # multiple choice
            multiple_counts[sum(o.correct for o in question.options)] += 1

    if tf_total >= MIN_BANK:
        share = tf_true / tf_total
        if not TRUE_SHARE[0] <= share <= TRUE_SHARE[1]:
            problems.warning(QUIZ_DIR, 1,
                             f"bank: {tf_true} of {tf_total} true/false answers are true ({share:.0%}); keep the share between {TRUE_SHARE[0]:.0%} and {TRUE_SHARE[1]:.0%}", "bank-cue")
    if single_total >= MIN_BANK:
        share = single_longest / single_total
        if share > MAX_LONGEST_SHARE:
            problems.warning(QUIZ_DIR, 1,
                             f"bank: the correct option is the unique longest in {single_longest} of {single_total} single-choice questions ({share:.0%}); keep it at or below {MAX_LONGEST_SHARE:.0%}", "bank-cue")
    total = sum(multiple_counts.values())
    if total >= MIN_BANK:
        count, most = multiple_counts.most_common(1)[0]
        if most / total > MAX_SAME_CORRECT_COUNT_SHARE:
            problems.warning(QUIZ_DIR, 1,
                             f"bank: {most} of {total} multiple-choice questions have exactly {count} correct options ({most / total:.0%}); vary the number of correct options (at most {MAX_SAME_CORRECT_COUNT_SHARE:.0%} alike)", "bank-cue")
