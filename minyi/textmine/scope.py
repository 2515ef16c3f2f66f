"""Out-of-scope hints: keyword rules per ScopeReason code (DESIGN §5; the codes of
minyi/reference/migrations/0002_seed_policy.py). A hint for the operator, never a refusal.

Each code has patterns that suggest it and patterns that cancel it ("我是人大代表，反映村道破损"
is in scope; "派出所办户口要什么材料" is in scope). Emergencies need a sign that it is happening
now (正在/着火了/快来), so "上次火灾后的房屋补偿" is not one. "duplicate" is the duplicate
detector's job and never hinted here.
"""

from __future__ import annotations

import re

from minyi.textmine.segment import terms

CODES = {
    "emergency": "应由110、119、120、122等紧急专线受理",
    "legal_procedure": "须经诉讼、仲裁、纪检监察、行政复议、信息公开或已进入信访渠道",
    "military": "涉及军队、武警管辖事项",
    "party_congress_cppcc": "属于党委、人大、政协管辖范围",
    "secrets": "涉及国家秘密、商业秘密、个人隐私",
    "illegal": "违反法律法规或公序良俗",
    "vague": "内容不具体，无法办理和答复",
    "out_of_jurisdiction": "不属于本级热线管辖范围",
}

_NOW = re.compile(
    r"正在|现在|刚刚|刚才|着火了|起火了|快来|赶快|赶紧|救命|马上来|快点来|还在|有人受伤|流血|晕倒|昏迷|不省人事"
)
_EMERGENCY = re.compile(
    r"着火|起火|失火|火灾|冒烟|烧起来|打架|斗殴|砍人|持刀|打人|车祸|撞车|撞人|被撞|翻车|"
    r"燃气泄漏|煤气泄漏|闻到.{0,4}(煤气|燃气|天然气)味|漏气|晕倒|昏迷|倒地|不省人事|溺水|落水|抢劫|绑架|跳楼|轻生"
)
_RULES: dict[str, tuple[re.Pattern, re.Pattern | None]] = {
    "legal_procedure": (
        re.compile(
            r"起诉|诉讼|打官司|法院.{0,6}(立案|判决|审理|开庭|执行)|已.{0,4}(判决|立案)|仲裁|"
            r"信访|上访|纪委|监委|纪检|监察委|行政复议|信息公开|申请公开"
        ),
        re.compile(r"判决后.{0,10}(社保|医保|户口|怎么办理|转)|怎么起诉.{0,6}(费用|材料)"),
    ),
    "military": (
        re.compile(r"部队|武警|军营|军队|军事管理区|军区|营区|军人|军车|军用|靶场|驻军"),
        re.compile(r"退役军人|退伍军人|优抚|军属|征兵|参军|入伍|复员|转业"),
    ),
    "party_congress_cppcc": (
        re.compile(
            r"党员组织关系|组织关系转|入党|党费|党支部|党组织|党委.{0,6}(决定|任命|换届)|"
            r"人大代表选举|代表选举|选举.{0,4}人大代表|罢免|政协委员|人大.{0,4}(换届|议案)|政协.{0,4}(提案|换届)"
        ),
        None,
    ),
    "secrets": (
        re.compile(
            r"(查|告诉我|给我|提供|要|查询|调取).{0,8}(电话|手机号|住址|地址|身份证号|家庭住址|个人信息|户籍信息|开房记录|行踪)|"
            r"商业秘密|国家秘密|机密|配方|泄露.{0,4}(信息|隐私)|他.{0,3}(住哪|住在哪)"
        ),
        re.compile(r"(我的|自己的).{0,4}(身份证|户口|信息)|泄露了?我的|被泄露|个人信息被"),
    ),
    "illegal": (
        re.compile(
            r"帮我.{0,10}(办个假|弄个假|伪造|作弊|走后门|搞定|摆平)|假证|代办.{0,4}假|伪造|"
            r"不想交.{0,4}(罚款|税)|怎么(逃|躲|避)(税|罚|检查)|逃税|偷税|帮我.{0,6}(报复|收拾)|"
            r"(能不能|可不可以|想).{0,6}(私自|偷偷).{0,6}(砍|挖|占|排|卖)|赌博.{0,4}(开|办)|放贷|高利贷.{0,4}(收|催)"
        ),
        re.compile(r"举报|有人.{0,6}(伪造|赌博|放高利贷)"),
    ),
    "out_of_jurisdiction": (
        re.compile(
            r"(外省|外地|广东|深圳|北京|上海|浙江|江苏|广州|长沙市|湖北|江西|四川)的?.{0,10}(公司|老板|单位|工地|房子|派出所|政府)|"
            r"人民银行|央行|中央|国务院|外交部|联合国|美国|国外|"
            r"邻居.{0,10}(借钱|欠钱|吵架|骂)|(借|欠)我.{0,4}钱不还|朋友.{0,6}欠|网恋|彩礼|离婚|分家|家务事"
        ),
        re.compile(r"本县|我们县|县里"),
    ),
}
_VAGUE = re.compile(
    r"你们管不管|有没有人管|到底管不管|我要投诉|我要举报|我要反映|太不像话|什么世道"
)
_CONCRETE = re.compile(
    r"[镇村路街区组号栋]|小区|社区|学校|医院|公司|工资|路灯|停水|停电|狗|垃圾|噪音|医保|社保|\d"
)


def hint(text: str) -> str | None:
    """The ScopeReason code this text most likely falls under, or None (in scope)."""
    text = (text or "").strip()
    if not text:
        return "vague"
    if (
        _EMERGENCY.search(text)
        and _NOW.search(text)
        and not re.search(r"上次|之前|去年|以前.{0,4}(火灾|车祸)", text)
    ):
        return "emergency"
    for code, (yes, no) in _RULES.items():
        if yes.search(text) and not (no and no.search(text)):
            return code
    compact = re.sub(r"\s+", "", text)
    concrete = _CONCRETE.search(compact)
    if not concrete and (
        len(terms(compact)) <= 1 or (len(compact) <= 40 and _VAGUE.search(compact))
    ):
        return "vague"
    return None
