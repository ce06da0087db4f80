"""Redact personal data before anything is stored, indexed or shown.

A normaliser and a set of detectors:

1. **Normalise** (``normalise``): full-width characters become half-width (``１３８`` → ``138``,
   ``＠`` → ``@``), every dash-like character becomes ``-`` and middle dots become ``.``, the
   ideographic space a space. The mapping is one character to one character, so a match in the
   normalised text is the same span in the original, and the original is what gets masked.
2. **Detect**, in this order (earlier kinds win on overlapping text): e-mail (also ``＠`` and
   "name at domain dot com"), WeChat ID (after 微信/加V/薇/vx/wx/V:...), QQ number (after QQ/扣扣/企鹅号/Q:),
   order number (after 订单/单号..., or a 1–4 letter prefix and 8+ digits such as ``JD2026…``),
   ID-card number (18 characters with a valid date and checksum), bank-card number (Luhn, or
   printed in groups of four), mobile number (+86/0086 optional), landline, any other run of 12+
   digits (an order number), Chinese person names (jieba's person-name tag ``nr`` on a token that
   starts with a common surname, or a name after 姓名/收件人/联系人/我叫...), and street addresses
   (road/street + number, or a housing estate + building/unit/room; the province, city and
   district before them are kept, they say where without saying who).
   Digits may be separated by spaces, dashes or dots in any grouping (``139 123 45678``,
   ``1391-234-5678``, ``139.1234.5678``): the patterns fold separators between digits.
3. **Mask**: a label and the last 4 characters (``[手机号****5678]``; an e-mail keeps its domain;
   names and addresses keep nothing: ``[姓名]``, ``[地址]``). ``redact`` returns the new text and
   counts per kind; values are never returned or logged.

``PHONE_RE``, ``ID_CARD_RE`` and ``EMAIL_RE`` are also used by the scenario scorer; they match
plain half-width text (pass text through ``normalise`` first to catch full-width forms).
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field

KINDS: dict[str, str] = {
    "email": "邮箱",
    "wechat": "微信号",
    "qq": "QQ号",
    "order": "订单号",
    "id_card": "身份证",
    "bank_card": "银行卡",
    "phone": "手机号",
    "landline": "座机",
    "name": "姓名",
    "address": "地址",
}

TAIL = 4

# ---------------------------------------------------------------- normaliser

_FOLD = {i: i - 0xFEE0 for i in range(0xFF01, 0xFF5F)}            # full-width ASCII -> ASCII
_FOLD.update({0x3000: 0x20, 0x00A0: 0x20, 0x2002: 0x20, 0x2003: 0x20, 0x2009: 0x20, 0x202F: 0x20})
_FOLD.update({c: 0x2D for c in (0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212, 0xFE58, 0xFE63, 0x30FC)})
_FOLD.update({c: 0x2E for c in (0x00B7, 0x30FB, 0x2022, 0xFF65, 0x2027)})
_FOLD.update({0x3007: 0x30})                                         # 〇 -> 0 (digits typed as 〇)


def normalise(text: str) -> str:
    """Full-width -> half-width, dashes -> '-', middle dots -> '.'; same length as the input."""
    return text.translate(_FOLD)


# ---------------------------------------------------------------- patterns (on normalised text)

SEP = r"(?:[ \-.·•・‧_/]{1,3})?"       # what people put between digit groups: space, dash, dots, slash
_D = r"(?<![0-9A-Za-z])(?<![0-9][ \-.·•・‧_/])"   # not preceded by a digit/letter, nor by a digit and a separator
_E = r"(?![0-9A-Za-z])(?![ \-.·•・‧_/][0-9])"     # likewise after


def _digits(n: int) -> str:
    """n digits with optional separators between them."""
    return r"\d" + rf"(?:{SEP}\d)" + "{" + str(n - 1) + "}"


_AT = r"(?:\s*@\s*|\s*[(\[{]\s*at\s*[)\]}]\s*|\s+at\s+|\s*艾特\s*)"
_DOT = r"(?:\s*\.\s*|\s*[(\[{]\s*dot\s*[)\]}]\s*|\s+dot\s+|\s*点\s*)"
EMAIL_RE = re.compile(r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9][A-Za-z0-9._%+\-]*" + _AT
                      + r"[A-Za-z0-9\-]+(?:" + _DOT + r"[A-Za-z0-9\-]+)*" + _DOT + r"[A-Za-z]{2,10}(?![A-Za-z0-9])",
                      re.IGNORECASE)
_WECHAT_KEY = (r"微\s*信\s*号?|威\s*信\s*号?|薇\s*信\s*号?|[vV]\s*信|加\s*(?:[vV]|薇|威|微)|[+]\s*[vV](?![A-Za-z])|薇|"
               r"[vV][xX]|[wW][xX]|weixin|wechat|(?<![A-Za-z])[vV](?=\s*[:：])")
WECHAT_RE = re.compile(r"(?P<key>" + _WECHAT_KEY + r")\s*(?:号|ID|id)?\s*[:：是为]?\s*"
                       r"(?P<value>[A-Za-z][A-Za-z0-9_\-]{5,19})(?![A-Za-z0-9_\-])", re.IGNORECASE)
QQ_RE = re.compile(r"(?P<key>[Qq]{2}|扣扣|企鹅号?|(?<![A-Za-z])[Qq](?=\s*(?:[:：]|号)))\s*(?:号码?)?\s*[:：是为]?\s*"
                   r"(?P<value>[1-9](?:" + SEP + r"\d){4,11})" + _E)
ORDER_RE = re.compile(r"(?P<key>订单编?号?|单号|运单号?|快递单号?|物流单号?|[oO]rder(?:\s*(?:no\.?|number|id|#))?)\s*[:：#是为]?\s*"
                      r"#?(?P<value>[A-Za-z0-9][A-Za-z0-9\-]{5,39})(?![A-Za-z0-9])")
PREFIXED_ORDER_RE = re.compile(r"(?<![A-Za-z0-9])[A-Z]{1,4}-?\d{8,30}(?![A-Za-z0-9])")
ID_CARD_RE = re.compile(_D + _digits(17) + SEP + r"[\dXx]" + r"(?![0-9A-Za-z])")
BANK_CARD_RE = re.compile(_D + r"\d{4}(?:" + SEP + r"\d{4}){2}" + SEP + r"\d{1,4}(?:" + SEP + r"\d{1,3})?" + _E)
PHONE_RE = re.compile(r"(?<![0-9A-Za-z+])(?<![0-9][ \-.·•・‧_/])(?:(?:\+|00)\s?86" + SEP + r")?1" + SEP + r"[3-9]"
                      + rf"(?:{SEP}\d)" + "{9}" + _E)
LANDLINE_RE = re.compile(_D + r"(?:\(0\d{2,3}\)|0\d{2,3})" + SEP + r"[1-9]" + rf"(?:{SEP}\d)" + "{6,7}"
                         + r"(?:\s*转\s*\d{1,5})?" + _E)
LONG_DIGITS_RE = re.compile(_D + r"\d{12,}" + _E)

# Chinese person names --------------------------------------------------------------------------
# the ~150 most common surnames (rarer ones such as 查/安/单 start too many ordinary words)
SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文",
                     "司徒", "夏侯", "轩辕", "令狐", "端木", "西门", "南宫", "独孤", "百里")
# words jieba sometimes tags as a person's name although they are ordinary words
NOT_NAMES = {"谢谢", "谢谢您", "谢意", "高峰", "许诺", "段时间", "马上发", "顾客", "白名单", "白白", "张图", "周共",
             "陈述", "张贴", "高兴", "马上", "黄金", "周到", "方便", "文明", "安全", "常规", "江湖", "白天", "金额", "万一",
             "平安", "和平", "明白", "甘心", "成功", "成本", "时间", "关注", "关心", "管理", "左右", "向上", "向下",
             "连续", "于是", "齐全", "严重", "石头", "路过", "林间", "司机", "海外", "龙头", "花费", "华为", "信用",
             "国家", "国内", "全部", "全体", "全群", "应该", "和谐", "原因", "原价", "单独", "单号", "宁可", "易于",
             "简单", "苏醒", "杨柳", "包括", "包裹", "解决", "解释", "温馨", "温度", "曲线", "师傅", "陆续", "任何",
             "任务", "吉利", "祝福", "乐意", "谈话", "计划", "计算", "来自", "来源", "都是", "都有", "支付", "支持",
             "凌晨", "毕竟", "季度", "景点", "党员", "卫生", "宣传", "展示", "邵阳", "丰富", "富有", "明确", "明天",
             "云端", "和气", "程序", "双方", "公告", "公平", "公众", "公司", "公开", "官方", "封号", "查看", "查询",
             "童鞋", "朱红", "黎明", "苗头", "金牌", "高级", "高端", "康复", "伍佰", "梁上", "卢布", "蓝色", "雷同"}
NAME_CONTEXT_RE = re.compile(r"(?:姓名|真名|收件人|收货人|寄件人|联系人|持卡人|户名|开户人|我叫|本人叫|名字叫|名叫)"
                             r"\s*[:：是为叫]?\s*(?P<value>[\u4e00-\u9fff]{2,4})")
_TITLES = ("先生", "女士", "小姐", "老师", "经理", "同学", "师傅", "阿姨", "大哥", "大姐", "老板")

# Street addresses ------------------------------------------------------------------------------
_HAN = r"[\u4e00-\u9fff]"
_PLACE = r"(?:(?![在到于]|住在|寄到|送到|发到|放在)[\u4e00-\u9fff])"     # a place name does not start with 住在/寄到...
_NUM = r"(?:\d+|[一二三四五六七八九十百零〇两]+)"
_REGION = (r"(?:" + _HAN + r"{2,8}?(?:省|自治区|特别行政区))?(?:" + _HAN + r"{1,8}?(?:市|州|盟|地区))?"
           r"(?:" + _HAN + r"{1,8}?(?:新区|区|县|旗))?(?:" + _HAN + r"{1,8}?(?:镇|乡|街道))?")
_BUILDING = (r"(?:\s*(?:[A-Za-z]|" + _NUM + r")\s*(?:号楼|栋|幢|座|号院|区))?(?:\s*" + _NUM + r"\s*单元)?"
             r"(?:\s*" + _NUM + r"\s*(?:楼|层))?(?:\s*[A-Za-z]?\d{2,5}\s*(?:室|房|号)?)?")
_STREET = (_PLACE + r"{1,10}?(?:路|街|大道|大街|巷|弄|胡同|里)(?:" + _HAN + r"{1,2}段|" + _NUM + r"段)?\s*"
           + _NUM + r"\s*号(?:院)?(?:" + _HAN + r"{2,10}?(?:大厦|广场|中心|大楼|公寓|花园|小区|园区))?" + _BUILDING)
_ESTATE = (_PLACE + r"{2,10}?(?:小区|花园|家园|公寓|新村|大厦|苑|庭|府|城|里|村)\s*(?:[A-Za-z]|" + _NUM + r")\s*"
           r"(?:号楼|栋|幢|座|期|区)" + r"(?:\s*" + _NUM + r"\s*单元)?(?:\s*" + _NUM + r"\s*(?:楼|层))?"
           r"(?:\s*[A-Za-z]?\d{2,5}\s*(?:室|房|号)?)?")
ADDRESS_RE = re.compile(r"(?P<region>" + _REGION + r")(?P<value>" + _STREET + r"|" + _ESTATE + r")")

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


@dataclass
class Redaction:
    text: str
    counts: Counter = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _core(value: str) -> str:
    return re.sub(r"[\s\-.()]", "", normalise(value))


def mask(kind: str, value: str) -> str:
    """'[label****tail]' keeping only the last TAIL significant characters (none for names and
    addresses; an e-mail keeps its domain)."""
    if kind == "email":
        folded = normalise(value)
        parts = re.split(_AT, folded, maxsplit=1, flags=re.IGNORECASE)
        domain = re.sub(_DOT, ".", parts[-1], flags=re.IGNORECASE).strip().lower()
        return f"[{KINDS[kind]}****@{domain}]"
    if kind in ("name", "address"):
        return f"[{KINDS[kind]}]"
    if kind == "landline":
        value = value.split("转")[0]
    return f"[{KINDS[kind]}****{_core(value)[-TAIL:]}]"


def valid_id_card(value: str) -> bool:
    value = _core(value).upper()
    if len(value) != 18 or not value[:17].isdigit():
        return False
    try:
        dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    if not 1900 <= int(value[6:10]) <= 2100:
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS))
    return _ID_CHECK[total % 11] == value[17]


def luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        n = int(char)
        if index % 2:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


def _bank_card(value: str) -> bool:
    """Luhn-valid, or written in the groups of four that cards are printed in."""
    digits = _core(value)
    if not digits.isdigit() or not 13 <= len(digits) <= 19 or len(set(digits)) == 1:
        return False
    return luhn(digits) or (len(digits) >= 16 and bool(re.search(r"\d{4}[ \-.]\d{4}[ \-.]\d{4}", normalise(value))))


def _enough_digits(value: str) -> bool:
    return sum(c.isdigit() for c in value) >= 6


# ---------------------------------------------------------------- names (jieba)

@functools.lru_cache(maxsize=1)
def _pos_tokenizer():
    """A private jieba tokenizer (the default one may carry the search dictionary)."""
    import logging

    import jieba
    import jieba.posseg
    jieba.setLogLevel(logging.WARNING)
    return jieba.posseg.POSTokenizer(jieba.Tokenizer())


_NOT_NAME_ENDINGS = set("区市省县镇乡村路街道号楼卡证费款群店局处部厅站所院厂司")


# forms of address (王姐, 陈先生, 吴妈妈) say how an agent speaks to someone, not who they are
_ADDRESS_FORMS = ("先生", "女士", "小姐", "老师", "妈妈", "阿姨", "姐", "哥", "总", "叔", "姨", "工")


def _looks_like_name(word: str) -> bool:
    if word.endswith(_ADDRESS_FORMS):
        return False
    if word in NOT_NAMES or not re.fullmatch(r"[\u4e00-\u9fff]{2,4}", word) or word[-1] in _NOT_NAME_ENDINGS:
        return False
    if word[:2] in COMPOUND_SURNAMES:
        return 3 <= len(word) <= 4
    return word[0] in SURNAMES and len(word) <= 3


def name_spans(text: str) -> list[tuple[int, int]]:
    """Spans of Chinese person names in text."""
    spans: list[tuple[int, int]] = []
    for match in NAME_CONTEXT_RE.finditer(text):
        value = match.group("value")
        for title in _TITLES:       # 杨丽华女士 -> 杨丽华
            if value.endswith(title) and len(value) > len(title) + 1:
                value = value[: -len(title)]
        # the name ends where jieba ends it (收件人：张伟电话 -> 张伟)
        tokens = [w.word for w in _pos_tokenizer().cut(match.group("value"))]
        if tokens and _looks_like_name(tokens[0]):
            value = tokens[0]
        elif len(value) > 3:
            value = value[:3]
        if _looks_like_name(value):
            start = match.start("value")
            spans.append((start, start + len(value)))
    if not re.search(r"[\u4e00-\u9fff]", text):
        return spans
    position, previous = 0, None
    for token in _pos_tokenizer().cut(text):
        word, flag = token.word, token.flag
        start = position
        position += len(word)
        if previous is not None and previous[2] in COMPOUND_SURNAMES and flag.startswith("nr") and len(word) <= 2:
            candidate = previous[2] + word          # 欧阳 + 娜娜
            if _looks_like_name(candidate):
                spans.append((previous[0], position))
        elif flag in ("nr", "nrfg") and _looks_like_name(word):
            spans.append((start, position))
        previous = (start, position, word)
    return spans


# ---------------------------------------------------------------- redaction

def _replace(text: str, spans: list[tuple[int, int, str]], counts: Counter) -> str:
    """Replace (start, end, kind) spans of text by masks; overlapping later spans are dropped."""
    taken: list[tuple[int, int]] = []
    chosen = []
    for start, end, kind in sorted(spans):
        if start >= end or any(start < e and s < end for s, e in taken):
            continue
        if re.fullmatch(r"\[[^\]]*\]", text[start:end]):
            continue
        taken.append((start, end))
        chosen.append((start, end, kind))
    for start, end, kind in reversed(chosen):
        counts[kind] += 1
        text = text[:start] + mask(kind, text[start:end]) + text[end:]
    return text


def _inside_mask(text: str, start: int) -> bool:
    opening = text.rfind("[", 0, start + 1)
    return opening != -1 and "]" not in text[opening:start] and text.find("]", start) != -1 \
        and any(text.startswith("[" + label, opening) for label in KINDS.values())


def _pattern_spans(text: str, pattern: re.Pattern, kind: str, check=None, group: str | None = None):
    folded = normalise(text)
    out = []
    for match in pattern.finditer(folded):
        start, end = match.span(group) if group else match.span()
        value = folded[start:end]
        if check is not None and not check(value):
            continue
        if _inside_mask(text, start):
            continue
        out.append((start, end, kind))
    return out


DETECTORS = (
    (EMAIL_RE, "email", None, None),
    (WECHAT_RE, "wechat", None, "value"),
    (QQ_RE, "qq", None, "value"),
    (ORDER_RE, "order", _enough_digits, "value"),
    (PREFIXED_ORDER_RE, "order", None, None),
    (ID_CARD_RE, "id_card", valid_id_card, None),
    (BANK_CARD_RE, "bank_card", _bank_card, None),
    (PHONE_RE, "phone", None, None),
    (LANDLINE_RE, "landline", None, None),
    (LONG_DIGITS_RE, "order", None, None),
    (ADDRESS_RE, "address", None, "value"),
)


def redact(text: str | None, names: bool = True) -> Redaction:
    """Mask personal data in text; return the new text and counts per kind. Each detector runs
    on the text the previous ones left, so an earlier kind wins on overlapping text."""
    result = Redaction(text or "")
    if not text:
        return result
    out = text
    for pattern, kind, check, group in DETECTORS:
        spans = _pattern_spans(out, pattern, kind, check, group)
        if spans:
            out = _replace(out, spans, result.counts)
    if names:
        spans = [(s, e, "name") for s, e in name_spans(normalise(out)) if not _inside_mask(out, s)]
        if spans:
            out = _replace(out, spans, result.counts)
    result.text = out
    return result


def contains_personal_data(text: str | None) -> bool:
    return bool(text) and redact(text).total > 0


def pseudonym(value: str, key: bytes = b"") -> str:
    """A stable stand-in for a value that must not be stored (e.g. an id that is a phone number):
    the same value always gives the same pseudonym, and it cannot be read back."""
    return hashlib.blake2b(_core(value).encode("utf-8"), key=key[:64], digest_size=8).hexdigest()


def shown(value, limit: int = 40) -> str:
    """A value as an error message may show it: redacted and cut short (never the raw data)."""
    text = value if isinstance(value, str) else repr(value)
    text = redact(text).text
    return repr(text if len(text) <= limit else text[:limit] + "…")


def format_counts(counts: Counter) -> str:
    """'手机号 3, 邮箱 1' (counts only, never values)."""
    parts = [f"{KINDS[k]} {counts[k]}" for k in KINDS if counts.get(k)]
    return ", ".join(parts) if parts else "无"
