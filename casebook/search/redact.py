"""Redact personal data before anything is stored or indexed.

Every match is replaced by a label and a masked tail (the last 4 characters), e.g.
``13800001234`` → ``[手机号****1234]``. ``redact`` returns the new text and the counts per kind;
values are never returned or logged.

Kinds, in the order they are tried (earlier kinds win on overlapping text):
e-mail, WeChat ID (after a 微信/vx/wx keyword), QQ number (after QQ/扣扣), order number (after an 订单/单号 keyword),
ID-card number (18 characters with a valid date and checksum), bank-card number (13–19 digits
passing the Luhn check, spaces or dashes allowed in groups of 4), mobile number (+86 optional,
spaces or dashes allowed), landline (area code 0xx/0xxx, a dash or space, 7–8 digits), and
finally any other run of 12+ digits, counted as an order number.
"""
from __future__ import annotations

import datetime as dt
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
}

TAIL = 4
_D = r"(?<![0-9A-Za-z])"   # not preceded by a digit or letter
_E = r"(?![0-9A-Za-z])"    # not followed by a digit or letter

EMAIL_RE = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
WECHAT_RE = re.compile(r"(?P<key>微信号?|威信|薇信|[vV]信|[vV][xX]|[wW][xX]|weixin|wechat|WeChat)\s*(?:号|ID|id)?\s*[:：是为]?\s*"
                       r"(?P<value>[A-Za-z][A-Za-z0-9_\-]{5,19})" + _E)
QQ_RE = re.compile(r"(?P<key>[Qq]{2}|扣扣)\s*(?:号码?)?\s*[:：是为]?\s*(?P<value>[1-9]\d{4,11})" + _E)
ORDER_RE = re.compile(r"(?P<key>订单编?号?|单号|运单号?|快递单号?|[oO]rder(?:\s*(?:no\.?|number|id|#))?)\s*[:：#是为]?\s*"
                      r"(?P<value>[A-Za-z0-9][A-Za-z0-9\-]{5,39})" + _E)
ID_CARD_RE = re.compile(_D + r"\d{17}[\dXx]" + _E)
BANK_CARD_RE = re.compile(_D + r"\d{4}(?:[ \-]?\d{4}){2}[ \-]?\d{1,4}(?:[ \-]?\d{1,3})?" + _E)
PHONE_RE = re.compile(r"(?<![0-9A-Za-z+])(?:\+?86[ \-]?)?1[3-9]\d(?:[ \-]?\d{4}){2}" + _E)
LANDLINE_RE = re.compile(_D + r"(?:\(0\d{2,3}\)|0\d{2,3})[ \-]?[1-9]\d{6,7}(?:[ \-]?转\d{1,5})?" + _E)
LONG_DIGITS_RE = re.compile(_D + r"\d{12,}" + _E)

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


@dataclass
class Redaction:
    text: str
    counts: Counter = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def mask(kind: str, value: str) -> str:
    """'[label****tail]' keeping only the last TAIL significant characters."""
    if kind == "email":
        domain = value.rsplit("@", 1)[1]
        return f"[{KINDS[kind]}****@{domain}]"
    core = re.sub(r"[\s\-()]", "", value)
    return f"[{KINDS[kind]}****{core[-TAIL:]}]"


def valid_id_card(value: str) -> bool:
    value = value.upper()
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
    digits = re.sub(r"[ \-]", "", value)
    if not 13 <= len(digits) <= 19 or len(set(digits)) == 1:
        return False
    return luhn(digits) or (len(digits) >= 16 and bool(re.search(r"\d{4}[ \-]\d{4}[ \-]\d{4}", value)))


def redact(text: str | None) -> Redaction:
    """Mask personal data in text; return the new text and counts per kind."""
    result = Redaction(text or "")
    if not text:
        return result
    counts = result.counts

    def sub(pattern: re.Pattern, kind: str, text: str, check=None, group: str | None = None) -> str:
        def replace(match: re.Match) -> str:
            value = match.group(group) if group else match.group(0)
            if check is not None and not check(value):
                return match.group(0)
            counts[kind] += 1
            masked = mask(kind, value)
            if group:
                start, end = match.span(group)
                whole = match.group(0)
                offset = match.start(0)
                return whole[: start - offset] + masked + whole[end - offset:]
            return masked
        return pattern.sub(replace, text)

    out = sub(EMAIL_RE, "email", text)
    out = sub(WECHAT_RE, "wechat", out, group="value")
    out = sub(QQ_RE, "qq", out, group="value")
    out = sub(ORDER_RE, "order", out, check=lambda v: sum(c.isdigit() for c in v) >= 6, group="value")
    out = sub(ID_CARD_RE, "id_card", out, check=valid_id_card)
    out = sub(BANK_CARD_RE, "bank_card", out, check=_bank_card)
    out = sub(PHONE_RE, "phone", out)
    out = sub(LANDLINE_RE, "landline", out)
    out = sub(LONG_DIGITS_RE, "order", out)
    result.text = out
    return result


def format_counts(counts: Counter) -> str:
    """'手机号 3, 邮箱 1' (counts only, never values)."""
    parts = [f"{KINDS[k]} {counts[k]}" for k in KINDS if counts.get(k)]
    return ", ".join(parts) if parts else "无"
