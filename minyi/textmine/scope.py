"""Out-of-scope hints: keyword rules per ScopeReason code (DESIGN §5; the codes of
minyi/reference/migrations/0002_seed_policy.py). A hint for the operator, never a refusal.

Each code has patterns that suggest it and patterns that cancel it ("我是人大代表，反映村道破损"
is in scope; "派出所办户口要什么材料" is in scope). Emergencies need a sign that it is happening
now (正在/着火了/快来) and no sign that it is over (昨天/上次/差点), so "上次火灾后的房屋补偿" is
not one. "duplicate" is the duplicate detector's job and never hinted here.
"""

from __future__ import annotations

import re

from minyi.textmine.segment import DOMAIN_WORDS, SYNONYMS, terms

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

_EVENT = re.compile(
    r"着火|起火|失火|火灾|烧起来|火很大|浓烟|打架|打起来|斗殴|砍人|持刀|拿刀|动刀|打人|行凶|"
    r"车祸|撞车|撞人|被撞|撞了|撞倒|翻车|侧翻|追尾|燃气泄漏|煤气泄漏|(煤气|燃气|天然气)味|漏气|"
    r"晕倒|昏迷|倒地|倒下|叫不醒|不省人事|没有?呼吸|抽搐|溺水|落水|掉.{0,3}水里|掉河里|"
    r"抢劫|抢东西|绑架|跳楼|轻生|要跳|触电|滚下|摔下|跌下|坠落|摔伤|骨折|漏电|爆炸|炸了|冒火花|电线掉|(房子?|楼|墙|桥|山体?).{0,3}(塌|坍塌)|"
    r"被困|困在|卡在|埋了"
)
_NOW = re.compile(
    r"正在|现在|刚刚|刚才|着火了|起火了|快来|快点|赶快|赶紧|救命|马上|还在|受伤|流血|血|"
    r"救护车|叫不醒|不动|出不来|喊|快!|快！|！{2,}|!{2,}"
)
_PAST = re.compile(
    r"昨天|前天|上次|之前|去年|前年|以前|上个月|上周|上礼拜|那次|差点|差一点|后来|当时|补偿|赔偿|理赔|保险"
)

_RULES: dict[str, tuple[re.Pattern, re.Pattern | None]] = {
    "legal_procedure": (
        re.compile(
            r"起诉|诉讼|打官司|告到法院|法院.{0,8}(立案|判|审理|开庭|执行|传票)|(已经?|正在).{0,4}(判决|立案|审理)|"
            r"仲裁|信访|上访|纪委|监委|纪检|监察委|行政复议|复议|信息公开|申请公开|判了|判决书|上诉"
        ),
        re.compile(
            r"(判决|判).{0,6}(以后|之后|后).{0,15}(社保|医保|户口|怎么|转)|不想.{0,2}(去)?(信访|上访|起诉|打官司)|不去(信访|上访)|请问.{0,6}(怎么|如何)(起诉|仲裁)"
        ),
    ),
    "military": (
        re.compile(
            r"部队|武警|军营|军队|军事管理区|军区|营区|军人|军车|军用|靶场|驻军|军事设施|演习|打靶|军分区|"
            # from the definition (军队、武警管辖): the services, their land, aircraft and posts
            r"解放军|空军|海军|陆军|火箭军|战区|军产|军用机场|军机|战斗机|军舰|官兵|士兵|哨兵|岗哨|"
            r"雷达站|国防光缆|人武部|人民武装部|军工"
        ),
        re.compile(
            r"退役军人|退伍军人|优抚|军属|随军|军人子女|优待|征兵|参军|入伍|复员|转业|烈士|不是部队|"
            r"部队[^，。]{0,6}(门口|旁边|附近|对面)[^。]{0,20}(市政|马路|道路|路面)"
        ),
    ),
    "party_congress_cppcc": (
        re.compile(
            r"党员组织关系|组织关系转|入党|党费|党组织|党委书记|(县|市|镇|乡)委书记|县委|市委|组织部|宣传部|统战部|"
            r"党支部.{0,6}(换届|选举)|党员大会|支部选举|党委.{0,6}(决定|任命|换届)|人大代表选举|代表选举|选举.{0,4}人大代表|罢免|政协委员|"
            r"人大常委会|人大.{0,6}(换届|议案|审议|立法|草案|条例)|政协.{0,4}(提案|换届|委员)"
        ),
        None,
    ),
    "secrets": (
        re.compile(
            r"(查|告诉我|给我|提供|查询|调取|透露|打听).{0,20}(电话号码|电话|手机号|住址|地址|身份证号|住在哪|"
            r"家庭住址|个人信息|户籍信息|开房记录|行踪|财产|存款|几套房|收入|病历)|"
            r"商业秘密|国家秘密|机密|配方|进货价|车主是谁|他.{0,3}(住哪|住在哪)|"
            r"(别人|同事|邻居|对门|隔壁|那家|那户|他家|他们家|谁家).{0,15}(工资|缴费|住哪|名字|电话|是做什么的|几个人|财产|存款)|"
            r"(还没|没有|未)(公布|公开).{0,12}(透露|给我|告诉|看看)|内部(文件|资料).{0,6}(给我|透露|看看)"
        ),
        re.compile(
            r"(我的|我自己的|自己的).{0,4}(身份证|户口|信息|电话|地址)|泄露了?我的|被泄露|个人信息被|电话打不通|查询.{0,4}(进度|结果)"
        ),
    ),
    "illegal": (
        re.compile(
            r"假证|伪造|作假|造假|开.{0,4}假.{0,2}证明|虚开|(帮我|帮忙|能不能|有没有办法|我想|想).{0,10}(找.{0,3}关系|托关系|走后门)|通融|"
            r"(消|销|买|卖|代扣)分|不想交.{0,4}(罚款|税)|(逃|躲|避|偷)(税|罚|检查)|帮我.{0,6}(报复|收拾|教训)|"
            r"(能不能|可不可以|想|帮我).{0,8}(私自|偷偷|先盖|违规)|开赌场|聚众赌博|放高利贷|"
            r"堵路|拉横幅|围堵|闹事|打砸|"
            # from the definition (违反法律法规或公序良俗): the caller asks for help to do it
            r"(怎么|如何|哪里|哪儿|在哪|能不能|可不可以|帮我|教我|我想|想).{0,8}"
            r"(买到?|弄到?|搞到?|办).{0,6}(假|枪|毒品|迷药|发票|驾照|学历)|"
            r"(怎么|如何|能不能|可不可以|帮我|教我|我想|想).{0,8}"
            r"(偷电|偷水|私接|私拉|绕过|逃掉|赖掉|骗|刷单|改.{0,2}(表|数据|年龄))|"
            r"代孕|买卖(孩子|婴儿|器官|人口)|卖淫|嫖娼|色情|吸毒|"
            r"(不想|不愿|不肯)(养|赡养|管|抚养).{0,4}(老人|父母|爸妈|孩子|小孩)|"
            r"(送|塞|给).{0,6}(红包|礼|好处费|回扣).{0,12}(办|批|通过|照顾|快点)|"
            r"(弄死|打死|整死|废了)(他|她|他们)"
        ),
        re.compile(
            r"举报|有人.{0,8}(伪造|赌博|放高利贷|造假|违规|私自|偷|卖|吸)|被人.{0,4}(伪造|冒用)|被骗|"
            r"(他|她|他们|对方|邻居|儿子|女儿|子女).{0,6}(不想|不愿|不肯)(养|赡养|管|抚养)"
        ),
    ),
    "out_of_jurisdiction": (
        re.compile(
            r"(外省|外地|广东|深圳|东莞|广州|北京|上海|浙江|杭州|江苏|湖北|武汉|江西|四川|长沙|株洲|岳阳)"
            r"[^，。,；;！？]{0,12}(公司|老板|单位|工地|厂|开发商|派出所|政府|商家|店|住建局|房子|老房子|学校|大学|部门)|"
            r"(公司|老板|厂|开发商|卖家|商家|店).{0,4}在(外省|外地|广东|深圳|东莞|广州|北京|上海|浙江|杭州|江苏|湖北|武汉|江西|四川)|"
            r"归(市|省|国家|中央)里?管|(国家|省里|市里)(的|管的)|交通运输部|国家部委|"
            r"人民银行|央行|中央|国务院|外交部|联合国|美国|国外|"
            r"邻居.{0,20}(借钱|欠钱|吵架|骂)|评个?理|谁对谁错|(借|欠)了?我.{0,8}钱|朋友.{0,6}欠|"
            r"(网恋|彩礼|离婚|分家|家务事|夫妻|抚养费|赡养).{0,25}(政府|你们).{0,6}(出面|管|评理|做主|帮我|逼)"
        ),
        re.compile(r"本县的|我们县的"),
    ),
}

_SPEAKER = re.compile(r"我是[^，。,；]{0,8}(人大代表|政协委员|党员|代表)")
_VAGUE_MARK = re.compile(
    r"那个事|这个事|那件事|那个东西|就是那个|有个(问题|事)|一个(问题|事)|你们管不管|有没有人管|到底管不管|"
    r"我要投诉|我要举报|我要反映|太不像话|什么世道|联系我|回个电话|你们查一下|你们知道的|"
    r"不记得|不说是哪|问题很多|什么事都|很多人都有意见|就是上次|到处都是问题|政府工作"
)
_CONCRETE_WORDS = (
    frozenset(DOMAIN_WORDS)
    | frozenset(SYNONYMS)
    | frozenset(SYNONYMS.values())
    | frozenset(
        "电梯 房子 学校 医院 工厂 公司 老板 补贴 工资 水 电 气 树 河 桥 车 狗 猫 楼 门 店 超市 药 钱 证 田 地 山".split()
    )
) - {"坏", "欠"}  # states, not things
_PLACE = re.compile(
    r"[\u4e00-\u9fff]{2,5}(村|镇|乡|小区|社区|路|街|巷|市场|学校|医院)|\d+(组|号|栋)"
)


def _concrete(text: str) -> bool:
    if _PLACE.search(text):
        return True
    words = terms(text)
    return any(w in _CONCRETE_WORDS for w in words)


def hint(text: str) -> str | None:
    """The ScopeReason code this text most likely falls under, or None (in scope)."""
    text = (text or "").strip()
    if not text:
        return "vague"
    if _EVENT.search(text) and _NOW.search(text) and not _PAST.search(text):
        return "emergency"
    # "我是县政协委员，想咨询…" names who speaks, not what the matter is
    text = _SPEAKER.sub("", text)
    for code, (yes, no) in _RULES.items():
        if yes.search(text) and not (no and no.search(text)):
            return code
    compact = re.sub(r"\s+", "", text)
    if not _concrete(compact) and (len(terms(compact)) <= 2 or _VAGUE_MARK.search(compact)):
        return "vague"
    return None
