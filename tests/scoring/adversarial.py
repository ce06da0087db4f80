"""Adversarial replies generated from a case's exemplary golden transcript and its key points."""
from __future__ import annotations

import jieba

FILLER = [
    "非常感谢大家一直以来对我们品牌的支持和信任",
    "我们一直把用户体验放在第一位，也在不断努力做得更好",
    "群里的每一位朋友对我们来说都非常重要",
    "关于这个情况我们团队内部也进行了很多讨论和思考",
    "大家平时在使用过程中有任何想法都可以多多交流",
    "我们的产品经过了严格的质检流程，品质是有保障的",
    "其实很多事情都需要时间，也需要大家多一些耐心",
    "我们也会持续关注群里的各种声音和反馈",
]


def _keywords(points: list[str]) -> list[str]:
    words = []
    for point in points:
        words += [w for w in jieba.lcut(point) if len(w) >= 2 and w not in words]
    return words


def stuffed(step, _reply: str) -> str:
    words = _keywords(step.expect.key_points)
    return "您好 抱歉 " + " ".join(words * 2)


def bare_list(step, _reply: str) -> str:
    return "\n".join(f"{i}. {p}" for i, p in enumerate(step.expect.key_points, start=1))


def echo(step, _reply: str) -> str:
    return "".join(m.text for m in step.messages)


def empty(step, _reply: str) -> str:
    return ""


def rambling(step, reply: str) -> str:
    parts = []
    for i in range(14):
        parts.append(FILLER[i % len(FILLER)] + "。")
        if i == 7:
            parts.append(reply)
    return "".join(parts)


VARIANTS = {"keyword stuffing": stuffed, "bare key-point list": bare_list, "copy of the member's message": echo,
            "empty reply": empty, "long rambling reply": rambling}


def adversarial_transcripts(case, golden):
    """(variant name, transcript) pairs: the golden's path and actions, each reply replaced."""
    by_id = {s.id: s for s in case.scenario.steps}
    for name, make in VARIANTS.items():
        steps = []
        for g in golden.steps:
            reply = make(by_id[g.step], g.reply) if g.reply.strip() or by_id[g.step].expect.key_points else g.reply
            steps.append({"step": g.step, "actions": list(g.actions), "reply": reply, "minutes": g.minutes})
        yield name, {"steps": steps}
