"""Tone and Chinese service etiquette: rude, blaming or dismissive phrasing; 您; apologies."""
from __future__ import annotations

import re

RUDE = ["滚", "闭嘴", "有病", "神经病", "脑子", "傻", "蠢", "白痴", "废话", "烦不烦", "爱买不买",
        "爱用不用", "别在这儿混", "别想在这儿混", "活该", "你懂什么", "少废话", "吵什么", "有完没完"]
BLAMING = ["是你自己", "你自己的问题", "怪你", "谁让你", "谁叫你", "你没看", "你不看", "不是我们的问题",
           "不关我们的事", "不关我的事", "关我什么事", "是群友发的", "不是我们发的", "早就说了", "早说过了",
           "看不懂吗", "自己不注意"]
DISMISSIVE = ["不知道", "没办法", "等着吧", "随便你", "爱咋咋", "自己联系", "自己去", "自己看", "自己查",
              "就这样吧", "没什么好说", "有意见别", "踢了就踢了", "再发就踢", "别问了", "问别人", "不归我管",
              "我也不清楚", "反正", "哈哈哈"]
APOLOGY = ["抱歉", "对不起", "对不住", "致歉", "道歉", "不好意思", "歉意", "见谅", "给您添麻烦", "让您久等", "添麻烦了",
           "给您带来不便", "给大家带来不便", "委屈您", "辛苦您", "sorry", "apolog", "regret"]
RUDE_EN = ["shut up", "stupid", "idiot", "nonsense", "get lost", "whatever", "deal with it", "not my problem",
           "not our problem", "your own fault", "your fault", "should have read", "should have checked", "calm down"]
#: Polite blame: courteous words that still put the fault on the member.
POLITE_BLAME = re.compile(r"(?:如果|要是|假如)您?.{0,12}(?:仔细|认真|早点|提前|按照?说明|看清楚?|注意).{0,16}(?:就不会|也不会|就没|就不至于)|"
                          r"您(?:自己)?(?:当时|之前)?(?:没有?|不)(?:仔细|认真)?(?:看|阅读|注意|按)|是您.{0,8}(?:操作|使用|保管)不当|"
                          r"您当时应该|您应该早|怪不得|if you had (?:read|checked|followed)|you should have", re.I)
ANGER = ["投诉", "生气", "气死", "太差", "垃圾", "失望", "受不了", "欺骗", "维权", "12315", "搞什么",
         "什么破", "太离谱", "！！", "？？", "!!", "??"]
APOLOGY_POINT = re.compile(r"致歉|道歉|抱歉|歉意")
GREETING = re.compile(r"您|各位|大家|你好|家人们|亲|@|朋友们|小伙伴|\b(?:hi|hello|dear|everyone|you|your)\b", re.I)


def find_phrases(text: str, phrases: list[str]) -> list[str]:
    return [p for p in phrases if p in (text or "")]


def rude_phrases(text: str) -> list[tuple[str, str]]:
    """(label, phrase) for each rude, blaming or dismissive phrase in the text."""
    out = [("粗鲁", p) for p in find_phrases(text, RUDE)]
    out += [("粗鲁", p) for p in RUDE_EN if p in (text or "").lower()]
    m = POLITE_BLAME.search(text or "")
    if m:
        out.append(("指责", m.group(0)))
    out += [("指责", p) for p in find_phrases(text, BLAMING)]
    # "不知道" inside "如果您不知道…" style helpful sentences is not dismissive
    out += [("敷衍", p) for p in find_phrases(text, DISMISSIVE) if not re.search(r"(如果|若|万一|要是)[^。！？]{0,6}" + p, text)]
    return out


def uses_honorific(text: str) -> bool:
    return "您" in (text or "")


def addresses_member(text: str) -> bool:
    return bool(GREETING.search(text or ""))


#: Separable verbs: 道歉 and 赔不是 split by a measure word (道个歉, 道声歉, 赔个不是).
APOLOGY_SPLIT = re.compile(r"道(?:个|声|一声|一个)歉|赔(?:个|一个)?不是")


def apologises(text: str) -> bool:
    return bool(find_phrases((text or "").lower(), APOLOGY)) or bool(APOLOGY_SPLIT.search(text or ""))


def apology_expected(messages: list[str], key_points: list[str]) -> str | None:
    """Why an apology is expected at this step, or None."""
    for point in key_points:
        if APOLOGY_POINT.search(point):
            return f"要点要求致歉：“{point}”"
    signs = sorted({w for m in messages for w in ANGER if w in m})
    if signs:
        return "成员表达了不满（" + "、".join(signs[:3]) + "）"
    return None
