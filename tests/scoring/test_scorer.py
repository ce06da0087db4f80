"""The scorer: each criterion kind, critical failures, branching, goldens and the adversarial set."""
from __future__ import annotations

import pytest

from casebook.content import load_project
from casebook.scoring import Scorer, TranscriptError
from casebook.scoring.critical import by_pattern
from tests.conftest import MINI, REPO

from .adversarial import adversarial_transcripts


@pytest.fixture(scope="module")
def repo():
    return load_project(REPO)


@pytest.fixture(scope="module")
def repo_scorer(repo):
    return Scorer(repo)


@pytest.fixture(scope="module")
def mini():
    return load_project(MINI)


@pytest.fixture(scope="module")
def mini_scorer(mini):
    return Scorer(mini)


@pytest.fixture(scope="module")
def mini_case(mini):
    return mini.cases["CASE-001"].obj


@pytest.fixture
def score(mini_scorer):
    return mini_scorer.score


def check_reply(reply, public):
    return by_pattern(reply, public, {})


def assert_flagged(kind, replies, public=False):
    """Each reply is flagged as exactly one critical failure of this kind."""
    for reply in replies:
        assert [c.kind for c in check_reply(reply, public)] == [kind], reply


def assert_not_flagged(replies, public=True):
    for reply in replies:
        assert check_reply(reply, public) == [], reply


def turn(step, actions, reply, minutes=1):
    return {"step": step, "actions": actions, "reply": reply, "minutes": minutes}


GOOD_S1 = turn("s1", ["delete_message", "warn_member", "reply"], "您好，群内禁止发布广告，消息已删除，请您理解。", 2)
GOOD_S2 = turn("s2", ["reply"], "感谢您的配合！")


def by_kind(report, step, kind):
    return [c for c in report.criteria if c.step == step and c.kind == kind]


def test_exemplary_passes_everything(mini_case, score):
    report = score(mini_case, {"steps": [GOOD_S1, GOOD_S2]})
    assert report.score == 100 and not report.critical
    assert report.path == ["s1", "s2"]


def test_required_actions(mini_case, score):
    s1 = dict(GOOD_S1, actions=["delete_message", "reply"])
    report = score(mini_case, {"steps": [s1, GOOD_S2]})
    warn = [c for c in by_kind(report, "s1", "required_actions") if "warn_member" in c.label][0]
    assert warn.status == "fail" and warn.rule


def test_forbidden_actions_and_branching(mini_case, score):
    s1 = dict(GOOD_S1, actions=["remove_member", "reply"])
    report = score(mini_case, {"steps": [s1, turn("s2_complaint", ["reply"], "非常抱歉，您可以在7天内申诉。")]})
    assert report.path == ["s1", "s2_complaint"]
    assert by_kind(report, "s1", "forbidden_actions")[0].status == "fail"
    with pytest.raises(TranscriptError):
        score(mini_case, {"steps": [s1, GOOD_S2]})  # remove_member leads to s2_complaint


def test_key_points_evidence(mini_case, score):
    report = score(mini_case, {"steps": [GOOD_S1, GOOD_S2]})
    point = by_kind(report, "s1", "key_points")[0]
    assert point.status == "pass" and "禁止" in point.said and "相似度" in point.detail
    off = score(mini_case, {"steps": [dict(GOOD_S1, reply="您好，今天天气不错，祝您周末愉快。"), GOOD_S2]})
    assert by_kind(off, "s1", "key_points")[0].status == "fail"


def test_avoid(mini_case, score):
    report = score(mini_case, {"steps": [dict(GOOD_S1, reply="您好，群内禁止广告，再发就滚。"), GOOD_S2]})
    assert by_kind(report, "s1", "avoid")[0].status == "fail"


def test_tone(mini_case, score):
    report = score(mini_case, {"steps": [dict(GOOD_S1, reply="群内禁止发广告，是你自己没看群规。"), GOOD_S2]})
    tone = {c.label: c.status for c in by_kind(report, "s1", "tone")}
    assert tone["语气礼貌，不指责、不敷衍"] == "fail"
    private = score(mini_case, {"steps": [dict(GOOD_S1, actions=GOOD_S1["actions"] + ["private_message"],
                                                reply="群内禁止发广告，消息删了。"), GOOD_S2]})
    assert {c.label: c.status for c in by_kind(private, "s1", "tone")}["私聊时称呼“您”"] == "fail"
    group = score(mini_case, {"steps": [dict(GOOD_S1, reply="大家好，群内禁止发广告，消息已删除。"), GOOD_S2]})
    assert "私聊时称呼“您”" not in {c.label for c in by_kind(group, "s1", "tone")}  # group-wide: 大家 is right
    complaint = score(mini_case, {"steps": [dict(GOOD_S1, actions=["remove_member", "reply"]),
                                            turn("s2_complaint", ["reply"], "您可以在7天内申诉。")]})
    apology = [c for c in by_kind(complaint, "s2_complaint", "tone") if c.label == "致歉或共情"][0]
    assert apology.status == "fail"


def test_response_time_and_scale(mini_case, score):
    late = score(mini_case, {"steps": [dict(GOOD_S1, minutes=9), GOOD_S2]})
    assert by_kind(late, "s1", "response_time")[0].status == "fail"
    assert score(mini_case, {"steps": [GOOD_S1, GOOD_S2]}).score > late.score


def test_na_excluded(mini_case, score):
    """With no reply the avoid-list check does not apply: N/A, and it costs nothing."""
    report = score(mini_case, {"steps": [dict(GOOD_S1, reply=""), GOOD_S2]})
    avoid = by_kind(report, "s1", "avoid")[0]
    assert avoid.status == "na" and avoid.deduction == 0
    assert report.caps and report.caps[0].reason.startswith("应回复")


@pytest.mark.parametrize("reply,public,reason", [
    ("您的电话13800001234我记下了", True, "手机号"),
    ("收件地址是翠湖小区5栋802", True, "住址"),
    ("身份证110101199003071234已核对", True, "身份证"),
    ("邮箱 lin@example.com 已登记", True, "邮箱"),
    ("你个傻逼", True, "辱骂"),
    ("我直接给您赔偿500元", True, "补偿"),
    ("请把收到的验证码发给我", False, "验证码"),
    ("请先转账100元押金", False, "付款"),
    ("这个钱我做主先退给您", False, "补偿"),
    ("I'll refund you in full myself", False, "补偿"),
    ("值班同事小王已经被记过，还扣了奖金", True, "内部"),
    # the grammar, not phrases: negation is judged per clause, a hand-over to anyone is a hand-over,
    # waiving the approving team is not a deferral, a deferral before "不过" does not govern what follows
    ("您先别拉黑他，对方要验证码您就照他说的发过去", False, "验证码"),
    ("运费您扫一下我发的这个码转给我，收到货再退您", False, "付款"),
    ("差价我来兜着，不用等售后组", False, "补偿"),
    ("价格以公告为准，不过差价我自己掏", False, "补偿"),
    ("这事怪我们，我个人先转您200块", False, "补偿"),
    ("主管会打您登记的 139·0021·6654 联系您", True, "手机号"),
    ("小王这个月的服务绩效已经扣了，主管也约谈过她", True, "内部"),
    ("因为让您多等了，我这边再额外给您返30块钱到账户里", False, "补偿"),
    ("被骂的同事主管批了两天假去做心理疏导", True, "内部"),
    ("其实下单页写得很清楚，字体也是他自己预览确认过的", True, "责任"),
    # indirect wordings: a code described by its digits, a fee by any name, money into the agent's own
    # account, reimbursing, a place in the member's account, a child's school and class
    ("短信里那几个数字您报给我，我帮您核对", False, "验证码"),
    ("开通需要交一笔认证费，您扫我发的码就行", False, "付款"),
    ("货款打我卡上，我今天就发货", False, "付款"),
    ("定金直接微信转我也行", False, "付款"),
    ("修好的费用我给您报销，您别担心", False, "补偿"),
    ("我给您会员账户里补两百积分，算一点心意", False, "补偿"),
    ("小李上个月被扣了年终奖，所以这次特别小心", True, "内部"),
    ("那位同事还没转正，这事对她影响很大", True, "内部"),
    ("这位宝妈可能没太留意说明书上的提示", True, "责任"),
    ("明德小学三年级二班的朵朵已经找到了", True, "学校"),
    ("快递员说放在了七栋十二层门口", True, "住址"),                      # numbers in Chinese numerals
    ("上周那位客服的季度考评因为这件事扣了不少", True, "内部"),
    ("小吴的提成上个月就因为投诉太多被公司扣光了", True, "内部"),          # a 被 passive between them
    ("审核没过的话，差额我这边给您补齐", False, "补偿"),
    ("想要优惠名额的话，先给我发个二十块红包锁定", False, "付款"),
    ("补发前要先交5块钱的冷链运输费，您付一下就行", False, "付款"),       # a fee by any name, with a pay verb
    ("寄出时我再给您多送一个收纳袋，算我们的心意", False, "补偿"),         # extra goods from the agent
    ("以后再坏了您直接找我，我帮您免费换个新的", False, "补偿"),
    ("检查费用您别管，这笔我们这边来出", False, "补偿"),                   # a cost named, then borne
    ("收不到退款就把收款码发我，我自己先转给您", False, "补偿"),
    ("那位管理员已经停职，这次的年终奖也泡汤了", True, "内部"),
    ("下周其实有个还没公布的促销，现在别急着买", True, "内部"),
    ("想先占个名额的话，先转50块订金到我支付宝", False, "付款"),          # money named between verb and agent
    ("对方可以先把货款打到我这里，我确认后再通知您", False, "付款"),
    ("上门检测要先收您30元，付完就给您排期", False, "付款"),              # the agent charging
    ("等会儿会有条短信，里面有几位数字，您报给我就行", False, "验证码"),   # a code read to the agent
    ("回头我往您账户里充100积分，算一点补偿", False, "补偿"),
    ("您那2000分我先按老比例给您算", False, "补偿"),
    ("为表歉意，我额外送您一盒茶叶", False, "补偿"),
    ("之前的上门费我这边直接给您退回去", False, "补偿"),
    ("就算售后那边审核慢，我也先把钱转给您", False, "补偿"),             # a concession is not a deferral
    ("被骗转出去的钱，官方这边先给您补上", False, "补偿"),
    ("款项已退回您尾号6633的工行卡", True, "银行卡"),
    ("这个问题的责任确实不在我们这边", True, "责任"),
    ("想预留的话把30块定金转我这边", False, "付款"),
    ("着急的话把您的收款码发我，我这边先给您转过去", False, "补偿"),
    ("少的那一百我回头私下给您找补回来", False, "补偿"),
    ("想加急的话可以扫我发的码付20元服务费", False, "付款"),
    ("那位同事这个季度的奖金估计要受影响", True, "内部"),
    ("这款耳机公司拿货才五十多", True, "内部"),
    ("她已经被解除合同，上个月提成也没发", True, "内部"),
    ("收件人李秀英、寄到锦绣家园的那单已经改好了", True, "姓名"),
    ("王姐家孩子现在在市一医院处理，大家放心", True, "就医"),
    ("页面写得很清楚，可能他当时没细看", True, "责任"),
    ("回头您扫一下我发的码，东西就给您留着", False, "付款"),             # an instruction: verb + 一下
    ("处理您投诉的同事还在实习期，这次考核肯定受影响", True, "内部"),     # a colleague and an HR matter
    ("误了您的事，我先给您记一笔50块的补贴", False, "补偿"),              # crediting verbs: 记一笔, 加
    ("我这边给您会员账户里加300积分，算是心意", False, "补偿"),
    ("我晚点往您账户里加两百积分", False, "补偿"),                        # the same verbs after 往您
    ("运费您先垫一下，回头一起算", False, "付款"),                        # 垫 + 一下: an instruction
    ("稍后我给您发个收款码，扫了就行", False, "付款"),                    # the agent's collection code
    ("悄悄说，公司内部已经定了下个月还要降价", True, "内部"),              # an internal plan told as news
    ("这个颜色是您亲手勾选的，我们是按单做的", True, "责任"),
    # word orders of a commitment: the sum before the member, the member's channel, counted goods, advancing
    ("过两天我私下转个红包给您，算我的心意", False, "补偿"),
    ("我这边直接给您支付宝返20块", False, "补偿"),
    ("为表心意我个人再各送一盒点心", True, "补偿"),
    ("我先帮您垫付运费", False, "补偿"),
    ("钱我这边先给您退了，剩下的交给售后组核", False, "补偿"),          # the team gets only the rest
    ("您把货款付给我，我替您下单", False, "付款"),                      # the money named, then handed over
    ("我待会发您一个码，您家里人扫一下付了就行", False, "付款"),          # the agent's code, across clauses
    ("手机上那串数字先别告诉别人，发我看看", False, "验证码"),            # a warning, then a hand-over
    # polite blame as a frame of the sentence
    ("其实您早点升级固件就不会出这个问题", True, "责任"),
    ("说白了还是您家网络不稳定才连不上", True, "责任"),
    ("您平时那样一直插着电就容易坏", True, "责任"),
    ("掉色跟您洗的水温也有关系", True, "责任"),
    ("安装师傅之前就提醒过您要留出散热空间", True, "责任"),
    ("这不是您自己确认过的吗？", True, "责任"),                          # a rhetorical question
    # disclosures: a secret told, a colleague disciplined, an internal price, a child's school and grade
    ("跟大家透个底，新品下个月就上架", True, "内部"),
    ("原来的客服小林是被公司辞退的", True, "内部"),
    ("主管已经批评过他了，这次算他的差错", True, "内部"),
    ("我们员工内购价比这还低", True, "内部"),
    ("星河初二的乐乐同学，你的照片我先撤了", True, "学校"),
    ("您少收的那部分金额我这边先按比例给您退", False, "补偿"),          # 金额 is money
    ("之前那位客服是因为私下收客户的钱才离职的", True, "内部"),          # why a colleague left
    ("运费险的钱一定会退给您的，放心", True, "补偿"),                    # a payment guaranteed, not deferred
    ("我帮您报了申请，二十块的券肯定能批下来", False, "补偿"),            # the approval itself guaranteed
    ("您的手机尾号和翠湖花园的地址我都记下了", True, "住址"),              # an estate's address, named
    ("您当时没勾选保价，所以才只能按普通件赔", True, "责任"),              # what the member left out, as the cause
    ("报名的先转我19块9锁名额，结束后退回", True, "付款"),                # a sum paid to the agent
    ("差价我这边给您原路打回去", False, "补偿"),                          # 打回去 is money; 打电话 is not
    ("那300您别心疼，我先从我这边转给您", False, "补偿"),                  # a sum named by a demonstrative
    ("多出来的差价我这边想办法返给大家", True, "补偿"),                    # the members as a group
    ("我晚点往您账户里塞张20块的券", False, "补偿"),                       # 塞 credits like 加/打
    ("检查费这部分我这边给您全报了", False, "补偿"),                       # all of it (全)
    ("系统会给您发个验证码，您念给我听就行", False, "验证码"),              # described, then read to the agent
    ("是您滤网没装到位，所以才会漏水", True, "责任"),                      # the member named as the one at fault
    ("那张卡被您注销了，所以退款没成功", True, "责任"),                    # the member's act as the cause
    ("您说了没问题，我就以为可以关单了，才没再跟", True, "责任"),          # the member's answer as the excuse
    # frames found at round 23's look
    ("把那条带验证码的短信截图发我看看", False, "验证码"),                  # the message described by what it carries
    ("放心，我肯定给您争取个两百块的补偿", False, "补偿"),                  # an amount guaranteed
    ("至少一张三十的券我这边能给您申请下来", False, "补偿"),                # a floor promised (无门槛 is not a denial)
    ("医药费您放心，这个钱肯定不用您自己出", False, "补偿"),                # a cost the member will not bear
    ("您那些积分我这边手动按老比例帮您换", False, "补偿"),                  # a rate of one's own
    ("差的那三百我找售后给大家走个补贴", True, "补偿"),                    # a subsidy for the members
    ("您这个是滤芯的时候没装到底", True, "责任"),                          # the cleft after the member
    ("说明书第一页早就写了要先预热", True, "责任"),                        # the manual cited against the member
    # frames found at round 24's look
    ("滤网要是按时换就不会这样了", True, "责任"),                          # a counterfactual not about us
    ("我跟主管说说，这次破个例给您退了", True, "补偿"),                    # an exception made by the agent
    ("我跟售后说好了，起码给您返个30块", False, "补偿"),                    # a floor with a credit verb
    ("维修费您放心，肯定是我们这边出", False, "补偿"),                      # a cost the company will bear
    ("到时候我先从自己这儿给您垫上", False, "补偿"),                        # 垫 credits like 补
    # frames found at round 25's look
    ("您把刚收到的那条短信转发给我看看", False, "验证码"),                  # a just-received message is the code
    ("到时候我跟售后说一声，多少给您补点", False, "补偿"),                  # a hedged amount is still promised
    ("这种情况三十块的券跑不了", True, "补偿"),                            # 跑不了 guarantees
    ("烂成这样肯定给您全退", False, "补偿"),
    ("我跟财务打个招呼，先给您返一百块红包", False, "补偿"),                # 给您 + credit + sum, subject elided
    ("我这边先微信转您300块应急", False, "补偿"),                           # the agent's own transfer with the sum
    ("回头我在后台把您这部分积分按原比例给您补上", False, "补偿"),          # what is credited named first
    # frames found at round 26's look
    ("差价这块我想办法给大家返回去", True, "补偿"),                        # the members in the benefactive
    ("也跟您手机上的App一直没升级有点关系", True, "责任"),                  # a longer cause laid at the member's door
    ("补寄还是寄到锦绣路88弄3号602室对吧", True, "住址"),                  # lane, number and room
    # frames found at round 35's look
    ("接口是您家装修时自己接的，角度不对才一直渗水", True, "责任"),          # the member's own act as the cause
    ("如果之后还在群里这样说，我们会保留截图，向平台和市场监管部门反映", False, "威胁"),  # reporting as a threat
    ("小周的私人微信您要是加了也没事，退款进度您也可以问问他", False, "私人渠道"),  # a personal channel allowed
    ("到账慢的话，您可以先加一下小周那个私人号问问退款", False, "私人渠道"),
    # frames found at round 36's look
    ("多半是之前没加水就开了机，把加热盘烧坏了，下回用前记得先加满水", True, "责任"),  # a diagnosis + next-time advice
    ("应该是那天最后一步没点上，所以工单一直没人接", True, "责任"),                # an omission as the cause
    ("主要还是因为您没及时升级App，才出现这个问题", True, "责任"),                  # the member as the cause
    ("两天没等到您回复，我就以为这事已经解决了", True, "责任"),                    # the member's silence as the excuse
    ("如果再到处传这种话，我们会保留追究法律责任的权利", True, "威胁"),              # a legal threat on condition
    ("新品那边确实在开发，下个月就会上", True, "内部"),                             # an unreleased plan
    ("群里的截图我们都保存着，您如果再去骚扰客服，会发生什么我也说不好", False, "威胁"),  # records held as a lever
    # frames found at round 37's look: a code described by its message, then handed to the agent
    ("稍后会有一条验证短信发到您手机上，收到后把里面的数字回我一下", False, "验证码"),
    ("系统会发一条六位数的短信，您接电话时报给我就行", False, "验证码"),
])
def test_critical_failures(mini_case, score, reply, public, reason):
    assert any(reason in c.reason for c in check_reply(reply, public)), check_reply(reply, public)
    report = score(mini_case, {"steps": [dict(GOOD_S1, reply=reply, actions=GOOD_S1["actions"] + ([] if public else ["private_message"])), GOOD_S2]})
    assert report.score == 0 and report.critical


@pytest.mark.parametrize("reply", ["官方不会索要验证码，请勿转账", "赔偿以售后组核实确认为准", "您的手机号138****1234已隐藏",
                                   "私聊里提供一下您订单号后4位", "请把付款记录和聊天截图保存好，尽快报警",
                                   "售后组已审核通过，给您换新，寄回运费由我们承担", "您先用顺丰寄付寄回就行",
                                   "买东西请在官方商城下单付款，不要把钱转给任何个人", "我马上为您查询退款进度",
                                   "是我们没注意到您的留言，抱歉",
                                   # warnings and policies that name the same things
                                   "短信里的数字千万不要告诉任何人，包括客服", "官方不会收取任何服务费，请勿转账",
                                   "退款会原路转到您的支付宝账户", "如果有人以退款为由让您转账或提供验证码，都不要理，直接找我",
                                   "退换全程不需要您付任何钱", "售后组核定后，医药费不用您自己出", "这个不用您出面，我来跟进",
                                   "我给您查一下退款进度", "我已经把您的诉求登记到工单，转给售后组",
                                   "大家可以先转给身边的家长提个醒", "孩子的学校信息请不要在群里发",
                                   "活动红包已经发给您了", "我们会考核每位客服的响应时间", "差额以售后组核定为准",
                                   "售后组已经审核通过，给您换新，寄回的运费由我们承担",
                                   "具体原因官方还没公布，请以公告为准", "我负责跟进到底，有进展第一时间告诉您",
                                   "费用标准以售后组核定为准", "我帮您查一下免费维修的条件",
                                   "孩子的烫伤先用凉水冲15到20分钟", "工单尾号0932已经转给售后组",
                                   "短信里的几位数字是验证码，谁问都不要说，包括我", "退款会原路退回，请留意银行卡到账",
                                   "如果售后组审核通过，会由他们联系您补偿",
                                   "刚才有账号说“把验证码发我就行”，这是骗术，千万别信",
                                   "有人说“我给您全额退款”，那不是官方的说法",
                                   "请尽快带孩子去附近的医院", "收件信息请私聊发我，别在群里发",
                                   "产品同事正在评估您的建议，周二前给您结论",
                                   "相关同事的考核按公司制度处理，不在群里公开",
                                   "期间如果有人私下找您说要先付运费才能退，请别理",
                                   "退款到账后您扫一下官方小程序的码确认收货",
                                   "只要不是人为损坏，保修期内都按政策处理",
                                   # round 35's frames, said the right way round
                                   "我们客服也从来不会让大家把钱转到个人微信",
                                   "有人说可以加小周私人微信办退款，这个请别加",
                                   "如果有人冒充客服收钱，我们会向平台举报",
                                   "如果您被骗了，我们可以协助您向警方报案",
                                   "您可以自己在小程序里申请退款，所以不用等我",
                                   # round 36's frames, said the right way round
                                   "E3多半是水位传感器的问题，我先给您建单", "多半是温控件坏了，以后有问题您记得先找我",
                                   "应该是系统没推送，所以没人看到", "因为您反馈及时，我们才能很快定位问题",
                                   "新品上市后会第一时间在群里通知大家", "新款的消息以官方公告为准",
                                   "如果再发广告，将按群规移出群聊", "如果有人继续冒充客服，我们会追究法律责任",
                                   "截图我们已经保存，如果您还需要可以随时找我", "记录都在，如果您再有问题可以再问我",
                                   "验证短信里的数字谁问都别说，有问题随时回我",
                                   "我给您加个备注，售后组核实后联系您", "退款金额以售后组核定为准，我给您记下了",
                                   "内部资料已经删了，新品信息以官方发布为准",
                                   "群里说的“内部已经定了下个月降价”不是官方消息，请以公告为准",
                                   # near the new frames, but safe: a diagnosis, a real question, a denied
                                   # relation or secret, the company's prize, a deferral of what is owed
                                   "这种情况多半是滤网没装到位，您重新装一下试试", "跟您核对一下，订单是您本人确认过的吗？",
                                   "这跟您的操作没有关系，是系统的问题", "新款下个月上市以官方公告为准，我这边没有内部消息",
                                   "我们会在活动中各送中奖者一份礼盒", "售后组核实后会把差价退给您，其他的我这边继续跟进",
                                   "您收到的验证码不要告诉任何人，有问题告诉我", "我先把单号发给您，您扫一下官方小程序的码查询就行",
                                   "上次您提醒过我们的问题已经修好了", "您当时是按说明操作的，这不怪您",
                                   # a member charged by a failed payment is not a colleague's pay cut
                                   "我们已经收到多位朋友反馈付款失败还扣了钱，技术团队在紧急处理",
                                   "老周是因为被误移出才离开的群，我们已经请他回来",   # a member, not a colleague
                                   "原来的客服小周因为工作调整不再负责本群，之后由我为大家服务",
                                   "审核通过后，退款一定会退给您", "补偿能不能批下来要看售后组审核，我不能保证",
                                   "这个券肯定能用吗？", "请您私聊补一下门牌号，我好安排补发", "阳光花园的活动下周开始",
                                   "我现在就给您查退款到哪一步了", "我马上给您看看补偿怎么申请",   # 给您 as a service
                                   "我们的人给您打电话，不会让您转钱",
                                   # near the frames added in round 22: information handed over, a cause ruled
                                   # out or supposed, a thank-you, a warning followed by an offer of help
                                   "关键词是谁加的，我查完记录再补给您", "不是您没装好，是配件本身的问题",
                                   "要是您没收到，私聊我补发", "谢谢您说了这个情况，我以为只是个别现象",
                                   "验证码是发给您本人的，千万别给任何人，有问题告诉我",
                                   "说明书第8页有详细的安装步骤，您可以对照看看", "补偿能不能批下来，要看售后组审核",
                                   "收货人是您本人吗？", "这个月的活动有无门槛券，大家可以去官方商城领",
                                   "最后投票选出10位，每人送一个拉花杯",   # a contest's prize
                                   "要是我们早点通知就不会这样了，抱歉", "如果售后组审核通过，就会安排补发",
                                   "再写正确做法：补寄签收、用户确认后才关单",   # a procedure, not blame
                                   "复核结论是您分享菜谱没有违反任何群规，那个警告是我弄错了",   # a finding that clears the member
                                   "收到的短信通知以官方为准，别点里面的链接"])   # quoted to correct it   # a cause ruled out, not blamed
def test_not_critical(reply):
    assert check_reply(reply, True) == []


def test_a_colleague_is_named_by_the_case_description():
    """Staff the scenario names by title (原负责本群的客服小周昨天离职) are colleagues though not in the cast."""
    from casebook.scoring.critical import colleague_pattern, staff_named
    assert staff_named("原负责本群的客服小周昨天离职，值班主管苏姐在线") == {"小周", "苏姐"}
    reply = "小周的事公司查实了，所以就让他走了"
    assert check_reply(reply, True) == []
    assert [c.kind for c in by_pattern(reply, True, {}, colleague_pattern(("小周",)))] == ["internal"]


def test_a_colleagues_leave_is_an_employment_matter():
    """A colleague's leave told to a member (同事…已经请假回家了) discloses an HR matter."""
    assert [c.kind for c in check_reply("我们那位同事已经请假回家了，这几天都不上班", False)] == ["internal"]
    assert check_reply("客服请假期间由我负责本群", True) == []   # no colleague named: a handover


def test_a_colleague_is_named_by_the_case_cast():
    """The cast's staff are colleagues by name: their employment matters are not the members' business."""
    from casebook.scoring.critical import colleague_pattern
    reply = "阿青这个月的考核会因为这件事受影响"
    assert check_reply(reply, True) == []   # no colleague named without the cast
    found = by_pattern(reply, False, {}, colleague_pattern(("【官方】客服阿青", "值班主管老孟")))
    assert [c.kind for c in found] == ["internal"] and found[0].evidence == reply


def test_bad_transcripts(mini_case, score):
    for bad in ({}, {"steps": []}, {"steps": [{"actions": []}]}, {"steps": [turn("s9", [], "")]},
                {"steps": [turn("s1", ["fly"], "")]}, {"steps": [GOOD_S1]}):
        with pytest.raises(TranscriptError):
            score(mini_case, bad)


def _goldens(project):
    for case_id, located in sorted(project.cases.items()):
        if located.obj.scenario:
            for golden in located.obj.scenario.golden:
                yield located.obj, golden


def test_real_goldens_in_range(repo, repo_scorer):
    """Golden ranges come from trainers' grades: the scorer keeps at least GOLDEN_FLOOR of them inside,
    and no exemplary golden is marked critical."""
    from casebook.scoring.lint_check import GOLDEN_FLOOR
    inside, total, critical_exemplary = 0, 0, []
    for case, golden in _goldens(repo):
        report = repo_scorer.score_golden(case, golden)
        low, high = golden.expect_score
        total += 1
        inside += low <= report.score <= high
        if low >= 70 and report.critical:
            critical_exemplary.append((case.id, golden.name, report.critical[0].evidence))
    assert inside / total >= GOLDEN_FLOOR, (inside, total)
    assert critical_exemplary == []


def test_adversarial_set(repo, repo_scorer):
    """Each gaming reply scores at least 25 points below the exemplary golden of its case."""
    failures = []
    for case_id, located in sorted(repo.cases.items()):
        case = located.obj
        if case.scenario is None:
            continue
        exemplary = max(case.scenario.golden, key=lambda g: g.expect_score[0])
        best = repo_scorer.score_golden(case, exemplary).score
        for name, transcript in adversarial_transcripts(case, exemplary):
            got = repo_scorer.score(case, transcript).score
            if got > best - 25:
                failures.append((case_id, name, got, best))
    assert failures == []


def test_personal_data_in_any_written_form_is_critical():
    """The scorer shares search's redaction patterns: spaced or +86 numbers count, masked tails do not."""
    for reply in ("您的手机号是 138 0000 1234", "+86 13800001234 请回电", "邮箱 a.b@example.com"):
        assert check_reply(reply, public=True), reply
    assert check_reply("已核对您尾号 138****1234 的订单", public=True) == []
    assert check_reply("您的手机号是 138 0000 1234", public=False) == []


# ---------------------------------------------------------------- issue #11: the judgments a trainer makes

CASE5_S1 = ("各位好，刚才有账号冒充官方客服私聊成员，要求扫码交“保证金”，该账号已被移出群聊。提醒大家：极光官方客服的昵称"
            "统一带【官方】前缀；官方客服绝不会要求您转账或扫码付款，也不会向您索要验证码。如果您也收到类似私聊，请截图发给【官方】客服，"
            "千万不要付款。")
CASE5_S2 = ("陈阿姨，真对不住，让您遇到这种事。请您不要再提供验证码，也不要继续付款；聊天记录和付款凭证都保存好，尽快报警。"
            "我已上报安全风控组协助处理，您的耳机退换我会继续跟进。")


def case5(s1_reply=CASE5_S1, s1_actions=("delete_message", "remove_member", "reply"), s2_reply=CASE5_S2, minutes=2):
    return {"steps": [turn("s1", list(s1_actions), s1_reply, minutes),
                      turn("s2", ["private_message", "escalate:安全风控组"], s2_reply, minutes)]}


def test_actions_dominate_the_score(repo, repo_scorer):
    case = repo.cases["CASE-005"].obj
    good = repo_scorer.score(case, case5())
    only_warned = repo_scorer.score(case, case5(s1_actions=("delete_message", "warn_member", "reply")))
    assert good.score >= 85
    assert only_warned.score <= 40 and only_warned.caps[0].reason.startswith(("执行了禁止动作", "缺少必做动作"))
    assert only_warned.comment.index("最高") < only_warned.comment.index("②") if "②" in only_warned.comment else True


def test_english_reply_is_scored_by_the_same_criteria(repo, repo_scorer):
    case = repo.cases["CASE-005"].obj
    english = ("Hi everyone, the account pretending to be our support has been removed from the group. Official "
               "support accounts always carry the 【官方】 prefix. Official staff will never ask you to transfer money, "
               "pay by scanning a code, or give a verification code. If you get a similar private message, please "
               "send a screenshot to an official agent and do not pay.")
    report = repo_scorer.score(case, case5(s1_reply=english))
    s1 = by_kind(report, "s1", "key_points")
    assert sum(c.status == "pass" for c in s1) >= 3, [(c.label, c.status, c.detail) for c in s1]
    assert report.score >= 70


def test_a_bare_keyword_list_earns_at_most_one_point_per_clause(repo, repo_scorer):
    case = repo.cases["CASE-005"].obj
    stuffed = "冒充客服、已移出群聊、【官方】前缀、不会要求转账、扫码付款、验证码、截图、不要付款"
    report = repo_scorer.score(case, case5(s1_reply=stuffed))
    assert sum(c.status == "pass" for c in by_kind(report, "s1", "key_points")) <= 1
    assert report.score < 70


def test_template_reply_earns_no_key_point(repo, repo_scorer):
    case = repo.cases["CASE-005"].obj
    report = repo_scorer.score(case, case5(s1_reply="您好，这里写一段示范回复。", s2_reply="您好，感谢您的反馈，我们会尽快处理，请您耐心等待。"))
    points = by_kind(report, "s1", "key_points") + by_kind(report, "s2", "key_points")
    # a template earns no key point of substance; one short point may ride on a shared word
    # (「尽快报警」 and 「我们会尽快处理」, similarity 0.90): at most one of the twelve
    assert sum(c.status == "pass" for c in points) <= 1, [(c.label, c.said) for c in points if c.status == "pass"]
    # the grading guide puts "a generic reply that does not address the member" at 40–69: not a pass
    assert report.score < 70


def test_apology_in_other_words(repo, repo_scorer):
    case = repo.cases["CASE-005"].obj
    report = repo_scorer.score(case, case5())
    apology = [c for c in by_kind(report, "s2", "tone") if c.label == "致歉或共情"]
    assert all(c.status == "pass" for c in apology)  # 对不住 is an apology


def test_serious_failures_compound(mini_case, score):
    report = score(mini_case, {"steps": [turn("s1", ["remove_member"], "", 12),
                                         turn("s2_complaint", ["reply"], "非常抱歉，您可以在7天内申诉。")]})
    assert len(report.caps) >= 3  # forbidden action, required actions missing, no reply, very late
    single = min(c.cap for c in report.caps)
    assert report.score < single


def test_critical_by_meaning_shows_its_evidence(repo):
    """The meaning detector compares with the rubric's labelled examples; safe near-misses stay safe."""
    from casebook.scoring.critical import MeaningDetector
    detector = MeaningDetector(repo.rubric.obj.critical, sim=0.0, margin=0.0)
    found = detector.detect(["这个钱我做主先退给您，不用等审核"], "这个钱我做主先退给您，不用等审核", public=True)
    assert found and found[0].kind == "compensation" and "相似度" in found[0].how
    safe = detector.detect(["补偿方案需要售后组核定，结果出来我第一时间告诉您"], "补偿方案需要售后组核定，结果出来我第一时间告诉您",
                           public=True)
    assert not [f for f in safe if f.kind == "compensation"]


def test_scoring_is_pure(repo):
    """Two scorers built from the same content agree; nothing global is consulted."""
    case = repo.cases["CASE-005"].obj
    a, b = Scorer(repo).score(case, case5()), Scorer(repo).score(case, case5())
    assert a.as_dict() == b.as_dict()
    assert all(c.rule is None or c.rule in repo.rules for c in a.criteria)


def test_an_avoided_phrase_denied_or_quoted_is_not_used():
    """Trainers flagged it (validation round 3): 「没法先发货」 does not promise 先发货, and quoting a claim to
    correct it is not making it."""
    from casebook.scoring.scorer import _uses_phrase
    assert _uses_phrase("我们今天就先发货给您", "先发货")
    assert not _uses_phrase("平板没法先发货哦，要等家长确认", "先发货")
    assert not _uses_phrase("有人说“比母乳还好”，这个说法不对", "比母乳还好")
    assert _uses_phrase("我们这款比母乳还好", "比母乳还好")
    assert _uses_phrase("这个做不了", "这个做不了")   # an avoided phrase that is itself negative still counts
    # a round-10 trainer: 「这个我保证不了」 denies the promise; 「我保证不会再出问题」 is one
    assert not _uses_phrase("退不退这个我保证不了，要看售后组审核", "我保证")
    assert _uses_phrase("我保证不会再出问题", "我保证")
    assert not _uses_phrase("能否补偿您要由售后组按政策确认", "补偿您")   # an embedded question
    assert _uses_phrase("这次就补偿您五十元", "补偿您")
    assert _uses_phrase("我保证，明天一定到", "我保证")
    # a round-16 trainer: the complement of a denied assertion is not asserted, even when it is negative itself
    assert not _uses_phrase("奶粉不能保证不会过敏，请先咨询医生", "不会过敏")
    assert not _uses_phrase("现在还不能说肯定没问题，等检测结果出来", "肯定没问题")
    assert _uses_phrase("我保证不会过敏", "不会过敏")
    assert _uses_phrase("放心，肯定没问题的", "肯定没问题")
    # … and a phrase refuted in its own clause is not said
    assert not _uses_phrase("说它比母乳还好是不对的", "比母乳还好")
    assert _uses_phrase("这款比母乳还好，错不了", "比母乳还好")


def test_repeating_a_members_public_message_word_for_word_is_quoting(repo, repo_scorer):
    """Trainers mark an official reply down for repeating a member's words at length — the spam it has just
    deleted, an insult, a rumour — whoever the member is; a short mention of what was asked is not quoting."""
    case = repo.cases["CASE-026"].obj
    golden = case.scenario.golden[0]
    steps = [{"step": s.step, "actions": list(s.actions), "reply": s.reply, "minutes": s.minutes} for s in golden.steps]
    clean = repo_scorer.score(case, {"steps": steps})
    assert not [c for c in clean.criteria if c.kind == "quoting"]
    steps[0] = dict(steps[0], reply="提醒一下：“出二手35mm定焦，九成新，1200，要的私聊”连发了三遍，属于刷屏，已删除。"
                                     "本群不做二手交易，转让请发到App器材交流板块。@小白 您的问题我马上回复。")
    quoted = repo_scorer.score(case, {"steps": steps})
    [c] = [c for c in quoted.criteria if c.kind == "quoting"]
    assert c.status == "fail" and "出二手35mm定焦" in c.evidence
    assert any("原样复述" in cap.reason for cap in quoted.caps)
    assert quoted.score < clean.score


def test_a_message_marked_quotable_may_be_quoted_to_correct_it(repo, repo_scorer):
    """CASE-024 marks the helpful member's wrong answer `quotable`: quoting it in order to correct it is not
    capped (trainers graded such replies 72–91); an unmarked message still is (the test above)."""
    case = repo.cases["CASE-024"].obj
    step = case.scenario.steps[0]
    assert any(m.quotable for m in step.messages) and not all(m.quotable for m in step.messages)
    golden = case.scenario.golden[0]
    steps = [{"step": s.step, "actions": list(s.actions), "reply": s.reply, "minutes": s.minutes} for s in golden.steps]
    steps[0] = dict(steps[0], reply="谢谢老周热心！不过“能洗！我家一直用水冲，晒干装回去照样用”这个说法要更正一下：" + steps[0]["reply"])
    report = repo_scorer.score(case, {"steps": steps})
    assert not [c for c in report.criteria if c.kind == "quoting"]
    assert not any("原样复述" in cap.reason for cap in report.caps)


def test_internal_and_staff_messages_are_relayed_not_quoted():
    from casebook.scoring.scorer import INTERNAL, STAFF_ROLES
    assert INTERNAL.match("（内部）口径已审定：检测报告全部合格") and INTERNAL.match("（工作群）核实了")
    assert not INTERNAL.match("（私聊）钱到现在没到") and not INTERNAL.match("内部价确实是1999")
    assert {"agent", "moderator"} <= STAFF_ROLES


def test_confirming_a_members_words_in_private_is_not_quoting(repo, repo_scorer):
    """Repeating amplifies only in the group: a private reply that confirms what the member wrote is fine."""
    case = repo.cases["CASE-006"].obj
    reply = ("张先生您好，您说的“尾号6621，11月3号寄回的”我已记下，已为您建工单，尾号0932，转售后组核查，"
             "售后组会在2小时内接手，损失诉求已写进工单，由售后组按政策确认，我会跟进到底。")
    steps = [{"step": "s1", "actions": ["reply", "classify:售后退款"], "minutes": 2,
              "reply": "张先生您好，非常抱歉让您久等了，我马上为您查询退款进度，请私聊发订单号后4位，15分钟内私聊回复您。"},
             {"step": "s2", "actions": ["private_message", "create_ticket", "escalate:售后组"], "minutes": 5, "reply": reply}]
    report = repo_scorer.score(case, {"steps": steps}, partial=True)
    assert not [c for c in report.criteria if c.kind == "quoting"]


def test_a_threat_to_expose_the_member_is_critical():
    """On condition of the member's conduct, the agent making the member's own records or data public, or
    telling a third party (round 33: both missed by patterns, meaning and the learned model); posting a
    scam's screenshot to warn the group, or passing a member's records to a colleague, is not a threat."""
    assert_flagged("conduct", ("不过丑话说在前面：截图都在，再有一次，我们就把截图连同您的手机号一起发到您单位，让大家都看看。",
                               "您要是还这样，下次我就把您昨天的聊天记录截图发到群里，让大家看看是谁在带节奏。",
                               "信不信我把你的住址发出来",
                               # round 34: the member's data handed to the authorities as a lever
                               "您要是再闹，我们会把您的账号信息一并交给网信部门和派出所处理。"))
    assert_not_flagged(("如果还有人发广告，我们会把截图发到群里提醒大家。",
                        "如果您还有问题，我们会把您的聊天记录发给技术同事看看。",
                        "请您保存好聊天记录和付款截图，尽快到就近派出所报案。",
                        "如果再有人发布违法信息，我们会保存记录，依法配合有关部门调查。"))


def test_declining_to_tell_a_colleagues_matter_is_not_a_disclosure():
    """A sentence that names an employment matter only to decline to tell (…属于我们内部管理，这里就不跟您
    多说了) keeps it internal; a clause that tells it is still a disclosure."""
    from casebook.scoring.critical import colleague_pattern
    colleagues = colleague_pattern(("客服小王",))
    assert by_pattern("处理人那边的考核和内部沟通属于我们内部管理，这里就不跟您多说了，我只看事实和群规。", False, {},
                      colleagues) == []
    assert by_pattern("处理人这个月的考核，我这边不方便讲。", False, {}, colleagues) == []
    assert [c.kind for c in by_pattern("他不跟您说清楚就扣了小王的绩效。", False, {}, colleagues)] == ["internal"]


def test_a_denied_commitment_or_one_handed_to_a_colleague_is_not_critical():
    """都不是我能做主答应的 denies the commitment; 方案我回头再补一份给王姐 hands a document to a colleague."""
    from casebook.scoring.critical import colleague_pattern
    colleagues = colleague_pattern(("主管王姐",))
    assert check_reply("按错价成交或者私下补差价，都不是我能做主答应的。", True) == []
    assert by_pattern("明天再说，方案我回头再补一份给王姐。", False, {}, colleagues) == []
    assert [c.kind for c in check_reply("差价我来补给您，这事我做主了。", True)] == ["compensation"]
    assert [c.kind for c in by_pattern("我回头再补一份礼品给您。", False, {}, colleagues)] == ["compensation"]


def test_a_counterfactual_that_the_harm_would_have_been_less_blames_the_member():
    """要是当时留意一下，也不至于白等 blames the member; the company's own act in the condition owns the fault."""
    assert [c.kind for c in check_reply("这一步要是当时留意一下，也不至于白等这么多天。", False)] == ["conduct"]
    assert check_reply("要是物流没延误，也不至于让您白等。", False) == []


def test_money_the_steps_own_key_point_commits_is_authorised():
    """CASE-019 s2: the approving team granted the replacement and the return shipping; the key point 寄回运费
    由我们承担 said as 寄回去的快递费我们承担 is authorised by the case, whatever its wording; money promised
    beyond the point in the same sentence is still critical."""
    from casebook.content import load_project
    from casebook.scoring import Scorer
    from tests.conftest import REPO
    project = load_project(REPO)
    case = project.cases["CASE-019"].obj
    scorer = Scorer(project, critical_model=None)
    s1 = {"step": "s1", "actions": ["reply", "follow_up"], "minutes": 3,
          "reply": "橙子您好，让您反复追问了三次，实在抱歉。上午的换新工单尾号0917我已经找到，不用您再说一遍，"
                   "这件事我负责跟进到底，17:00前在群里给您明确结果。"}
    def s2(extra):
        return {"step": "s2", "actions": ["private_message", "follow_up"], "minutes": 3,
                "reply": "橙子，好消息：换新申请批下来了，售后给您换一副新耳机。" + extra +
                         "您把旧耳机和充电盒一起装好，用我发给您的到付单号寄出来就行。您看还有哪里不清楚的，随时问我。"}
    ok = scorer.score(case, {"steps": [s1, s2("寄回去的快递费我们承担。")]})
    assert not ok.critical
    bad = scorer.score(case, {"steps": [s1, s2("寄回去的快递费我们承担，我再私下补您50元红包。")]})
    assert [c.step for c in bad.critical] == ["s2"]


def test_padding_by_repetition_is_stuffing():
    """Round 37: key phrases said twice over (10分钟内回复您查询结果，10分钟内回复) or words doubled (群规群规，
    定位定位) game the key points; a greeting said twice (欢迎欢迎) or one repeated reminder does not."""
    from casebook.scoring.form import is_stuffed
    assert is_stuffed("您好：致歉，让您久等了，向您致歉。单号后4位请私聊发，私聊发单号后4位。十分钟内给您结果，十分钟内给结果。")
    assert is_stuffed("本群不做二手交易，请勿刷屏。群规群规，定位定位，二手不做。")
    assert not is_stuffed("欢迎欢迎！新朋友好，有问题随时问我。")
    assert not is_stuffed("消息已删除，请大家不要刷屏。二手交易请到App交流板块，群里不做二手交易，谢谢理解。")


def test_prefetch_embeds_everything_scoring_needs(mini_case, mini_scorer, monkeypatch):
    """Practice embeds each reply as it is sent (Scorer.prefetch); the report at the end must then find
    every vector it needs in the cache: a text scoring embeds that prefetch did not would bring the wait
    back unnoticed. Batching changes no vector: each equals the text embedded on its own."""
    import uuid

    import numpy as np

    from casebook.scoring import semantic
    service = semantic._service()
    mini_scorer.score(mini_case, {"steps": [GOOD_S1, GOOD_S2]})   # the background, embedded once
    tag = uuid.uuid4().hex[:8]                                    # replies never embedded before
    steps = [turn("s1", ["delete_message", "warn_member", "reply"],
                  f"各位好，刚才的广告已经删除，群内禁止发布广告；发布的成员我已私下提醒，请大家不要扫码或转账（{tag}）。", 2),
             turn("s2", ["reply"], f"谢谢您的配合，有问题随时在群里说（{tag}）。")]
    mini_scorer.prefetch(*(s["reply"] for s in steps))
    embedded: list[str] = []
    query, passage = service.embedder.query, service.embedder.passage
    monkeypatch.setattr(service.embedder, "query", lambda t: embedded.extend(t) or query(t))
    monkeypatch.setattr(service.embedder, "passage", lambda t: embedded.extend(t) or passage(t))
    mini_scorer.score(mini_case, {"steps": steps})
    assert embedded == []
    texts = [f"谢谢您的配合（{tag}）", f"有问题随时在群里说（{tag}）"]
    batch = service.embed(texts, "passage")
    alone = np.stack([passage([t])[0] for t in texts])
    assert np.array_equal(batch, alone)


def test_round_38_frames_of_blame_and_threat():
    """Round 38 (measured unseen, then studied): a counterfactual without "if" (…勾一下隐私号就不会出这种事了),
    the member's answer as the reason for the agent's mistake with 才 before 以为, and a complaint deterred by its
    cost (要是去投诉，处理会先暂停). The wordings below are new, not the round's; the safe ones look forward,
    address the group, own the fault or say complaining changes nothing."""
    assert_flagged("conduct", ("您当初填地址时写全门牌号就不会有这个问题了。",
                               "那天师傅问能不能装的时候您点了头，我就以为没问题了。",
                               "如果您去12315投诉，这单就只能先搁置，等他们的结果。",
                               "您要是把这事发到网上，售后那边反而不好再给您处理了。"))
    assert_not_flagged(("大家以后下单勾选隐私号，就不会出现这种情况了。",
                        "以后我们发货前多核对一遍，就不会再有这种事了。",
                        "如果我们当时多确认一次，就不会出这种事了，这是我的失误。",
                        "如果您对结果不满意，可以向12315投诉，投诉不会影响我们这边的处理进度。",
                        "要是您想投诉，这是您的权利，我们照常处理，不会暂停。"))


def test_a_telegram_of_keywords_is_not_a_reply():
    """A Chinese reply of 12+ characters without a single function word (pronoun, particle, preposition) is a
    list of what to say, not something said to the member (round 38: 致歉，久等。订单号后4位，私聊。); a terse
    announcement still has a few, and English is judged by its own checks."""
    from casebook.scoring.form import gaming_flags, is_telegram
    assert is_telegram("工单已建，尾号4058。已升级物流组。4小时内答复。无需重复描述。")
    assert is_telegram("退款进度核实中。售后组两小时内联系。订单号私聊。")
    assert not is_telegram("广告已删除，发布者按群规禁言24小时。大家别加陌生人微信，买配件认准官方渠道。")
    assert gaming_flags("致歉，久等。订单号后4位，私聊。10分钟内回复。", [], [])
    assert not is_telegram("【更正】活动价为399元，原公告写错了，已撤下，向大家致歉。")
    assert not is_telegram("已收到，马上处理。")   # too short to tell
    assert not is_telegram("Ticket created, ref 4058. Escalated to logistics. Reply within 4 hours.")


def test_a_warning_about_payment_is_not_a_request_for_the_learned_model_either():
    """Round 38: the learned model scored 我们的人不会让您转钱，也不会问您要验证码 like a request for money (its
    n-grams are a request's). A sentence whose every clause naming payment or a code is negated only warns;
    one clause that asks is enough to keep it."""
    from casebook.scoring.critical import only_warns
    assert only_warns("另外记住，我们的人不会让您转钱，也不会问您要验证码。")
    assert only_warns("大家千万别扫那个码，也别私下转账。")
    assert not only_warns("先别着急，把验证码发我就行。")
    assert not only_warns("截了图的朋友也别急，私聊我登个记。")      # names no payment: not a warning about one


def test_a_clause_that_coordinates_two_things_may_state_two_points():
    """30分钟内会在群里公布抽奖规则和开奖录屏 states two key points; one clause without a coordinator still credits
    one point only, however close both points are to it (a keyword list is the form checks' business)."""
    import numpy as np

    from casebook.scoring.matcher import Span, assign, clause_capacity
    assert clause_capacity("30分钟内会在群里公布抽奖规则和开奖录屏") == 2
    assert clause_capacity("别扫码、别转账、别给验证码、别加好友") == 3
    assert clause_capacity("30分钟内公布开奖录屏") == 1
    probs = np.array([[0.9], [0.8]], dtype=np.float32)
    both = [Span("30分钟内会在群里公布抽奖规则和开奖录屏", frozenset({0}), "s")]
    assert assign(both, probs, 0.5) == {0: 0, 1: 0}
    one = [Span("30分钟内公布抽奖规则开奖录屏", frozenset({0}), "s")]
    assert assign(one, probs, 0.5) == {0: 0}


def test_deferring_the_rest_does_not_authorise_what_came_before():
    """Round 39: 我这边先给您报掉，后面其他的赔偿再由售后组…核定 commits the medical costs and defers only the rest."""
    assert [c.kind for c in check_reply("孩子看病的钱您把发票拍给我，我先给您报掉，后面其他的赔偿再由售后组核定。", False)] \
        == ["compensation"]
    assert check_reply("看病的费用和其他赔偿都由售后组负责人核定后答复您，票据请先留好。", False) == []
