"""Reply text as the scorer reads it: quantities in any wording, sentences in both languages, polarity."""
from __future__ import annotations

import pytest

from casebook.scoring import text


@pytest.mark.parametrize("point, reply", [
    ("10分钟内给您答复", "十分钟内回复您"),
    ("15分钟内", "一刻钟内"),
    ("30分钟内联系您", "半小时内联系您"),
    ("今晚18:00前", "晚上6点前"),
    ("19:30开始", "晚上七点半开始"),
    ("请提供订单号后4位", "请私聊发我订单号末四位"),
    ("24小时内给出方案", "一天之内给您方案"),
    ("24小时内给出方案", "we will get back to you within 24 hours"),
    ("退还399元", "退还三百九十九元"),
    ("2个工作日内", "两个工作日内"),
    ("18:00前", "before 6pm"),
])
def test_same_quantity_in_other_words(point, reply):
    assert text.missing_quantities(point, reply) == []


@pytest.mark.parametrize("point, reply", [
    ("10分钟内给您答复", "二十分钟内回复您"),
    ("24小时内给出方案", "三天内给您方案"),
    ("退还399元", "退还三百元"),
    ("今晚18:00前", "晚上八点前"),
])
def test_other_quantity_is_missing(point, reply):
    assert text.missing_quantities(point, reply)


def test_words_that_only_look_like_numerals_are_not_quantities():
    assert text.quantities("官方客服昵称统一带【官方】前缀") == set()


def test_sentences_in_chinese_and_english():
    assert text.sentences("Hi everyone. The account was removed! 好的。谢谢") == [
        "Hi everyone.", "The account was removed!", "好的。", "谢谢"]
    assert text.sentences("请看 v1.2 版本说明。") == ["请看 v1.2 版本说明。"]


def test_full_width_forms_are_folded():
    assert text.normalise("１３８＠ｑｑ．ｃｏｍ") == "138@qq.com"


@pytest.mark.parametrize("clause, negative", [
    ("HEPA滤芯不能水洗", True), ("HEPA滤芯可以水洗", False), ("官方客服绝不会要求转账", True),
    ("官方客服会要求您扫码", False), ("千万别付款", True), ("请停止付款", True),
    ("不好意思让您久等了", False), ("别担心，我已经上报", False), ("Official staff will never ask for a code", True),
    ("Please keep the receipt", False),
    # words, not characters: 别 in 分别/识别/个别 and 不 in 不过 do not negate; an adverb glued to a negator does
    ("会私聊两位分别了解情况", False), ("机器人识别的违规须人工确认后才能处罚", False), ("不过陈先生反映的是正当投诉", False),
    ("个别情况也要上报", False), ("理解您的不满", False), ("暂不采纳这条建议", True), ("并非官方账号", True),
    ("请勿转账", True), ("尚未发货", True), ("毫不知情", True),
])
def test_polarity(clause, negative):
    assert text.negated(clause) is negative


@pytest.mark.parametrize("reply, lang", [("您好，已处理", "zh"), ("Hi, it has been handled.", "en"),
                                         ("Hi 大家好，this group is for 售后", "mixed")])
def test_language(reply, lang):
    assert text.language(reply) == lang


@pytest.mark.parametrize("reply,apology", [
    ("在这里也正式向您道个歉", True), ("给大家道声歉", True), ("先给您赔个不是", True), ("真对不住", True),
    ("We apologise for the wait", True), ("道路施工，请绕行", False), ("这不是我们能决定的", False),
])
def test_apology_in_separable_and_other_forms(reply, apology):
    from casebook.scoring import tone
    assert tone.apologises(reply) is apology


def test_a_supposed_negation_is_not_a_polarity():
    """要是还不行 supposes; it does not say the point's opposite (询问更新后是否还有问题 was capped as contradicted)."""
    from casebook.scoring.matcher import asserts_negation
    assert asserts_negation("HEPA滤芯不能水洗") and asserts_negation("这次暂不采纳")
    assert not asserts_negation("更新后要是还不行") and not asserts_negation("如果三天还没到账")
    assert not asserts_negation("可以水洗")


def test_a_modal_flip_on_the_points_own_verb_is_its_opposite():
    """不能替代 said back as 完全可以替代 is the point the other way round, however close the embeddings are;
    the same verb denied again, or a contrast that denies it too, is not."""
    from casebook.scoring.matcher import modal_flip
    assert modal_flip("配方奶粉不能替代母乳", "母乳不够的话直接换奶粉完全可以替代")
    assert modal_flip("HEPA滤芯不能水洗", "滤芯其实也可以水洗")
    assert not modal_flip("配方奶粉不能替代母乳", "奶粉不能替代母乳")
    assert not modal_flip("HEPA滤芯不能水洗", "初效滤网可以水洗，HEPA滤芯不能水洗")
    assert not modal_flip("HEPA滤芯不能水洗", "HEPA滤芯也不可以水洗")
    assert not modal_flip("官方客服不会要求转账", "我们不会要求转账")
