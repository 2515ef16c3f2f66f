"""Chinese segmentation for the text engine: rjieba words, a domain dictionary, stopwords
and a small synonym table of general hotline vocabulary (so 街灯 and 路灯 count as one word).

``terms(text)`` is the one entry point; everything else in the package builds on it.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Words rjieba should keep whole: the vocabulary a county 12345 hears every day.
DOMAIN_WORDS = [
    "路灯", "停水", "停电", "欠薪", "农民工", "广场舞", "流浪狗", "流浪猫", "垃圾桶", "垃圾站",
    "医保", "社保", "养老金", "高龄补贴", "低保", "入学", "学位", "征地", "征收", "拆迁",
    "危房", "危房改造", "物业", "物业费", "业委会", "停车位", "乱停车", "违停", "坑洼", "积水",
    "排水", "下水道", "内涝", "水质", "自来水", "黄泥水", "信号", "基站", "宽带", "公交",
    "公交车", "班车", "噪音", "扰民", "油烟", "异味", "臭味", "排污", "偷排", "假货", "退款",
    "营业执照", "租房", "房东", "押金", "燃气", "天然气", "煤气", "暖气", "村道", "通村",
    "硬化", "窨井盖", "井盖", "施工", "夜间施工", "渣土车", "工钱", "工资", "包工头",
    "食品安全", "过期", "小区", "业主", "开发商", "网格员", "户口", "身份证", "补贴", "补偿款",
    "红绿灯", "斑马线", "减速带", "垃圾清运", "大喇叭", "广场", "学区", "划片", "摊贩",
    "占道", "违建", "漏水", "渗水", "楼上", "化工厂", "黑烟", "粉尘", "街灯", "不亮", "村里",
    "没水", "断水", "野狗", "恶犬", "拖欠", "工钱", "路面", "泥巴路", "水泥路", "堵塞", "冒水",
]  # fmt: skip

# General hotline synonyms -> one canonical word. Vocabulary, not sentences of any test set.
SYNONYMS = {
    "街灯": "路灯", "村里": "村", "不亮": "坏", "坏掉": "坏", "损坏": "坏", "灯": "路灯", "电灯": "路灯", "照明": "路灯", "灯泡": "路灯",
    "没水": "停水", "断水": "停水", "无水": "停水", "水停": "停水",
    "工钱": "工资", "薪水": "工资", "薪资": "工资", "工资款": "工资", "欠薪": "欠工资",
    "拖欠": "欠", "欠款": "欠", "没发": "欠", "不发": "欠", "没给": "欠", "不给": "欠",
    "野狗": "流浪狗", "狗": "流浪狗", "恶犬": "流浪狗", "犬": "流浪狗", "狗狗": "流浪狗",
    "坑": "坑洼", "坑坑洼洼": "坑洼", "凹凸不平": "坑洼", "破损": "坑洼", "烂": "坑洼",
    "吵": "噪音", "噪声": "噪音", "吵闹": "噪音", "吵死": "噪音", "扰民": "噪音", "声音": "噪音",
    "音响": "大喇叭", "喇叭": "大喇叭", "音箱": "大喇叭",
    "涝": "积水", "淹": "积水", "淹水": "积水", "水淹": "积水", "内涝": "积水", "泡水": "积水",
    "煤气": "燃气", "天然气": "燃气", "液化气": "燃气",
    "手机信号": "信号", "网络": "信号", "网速": "信号", "5G": "信号", "4G": "信号",
    "公交车": "公交", "班车": "公交", "巴士": "公交", "车次": "公交",
    "上学": "入学", "读书": "入学", "就读": "入学", "报名": "入学", "学位": "入学",
    "医疗保险": "医保", "合作医疗": "医保", "农合": "医保", "报销": "医保",
    "社会保险": "社保", "养老保险": "社保",
    "垃圾": "垃圾", "垃圾桶": "垃圾", "垃圾站": "垃圾", "垃圾清运": "垃圾",
    "违停": "乱停车", "乱停": "乱停车", "占道停车": "乱停车", "停车": "乱停车",
    "井盖": "窨井盖", "臭": "臭味", "异味": "臭味", "气味": "臭味",
    "拆迁": "征收", "征收款": "补偿款", "补偿金": "补偿款",
    "房租": "租房", "出租房": "租房", "租金": "租房",
    "自来水": "水质", "黄泥水": "水质", "浑浊": "水质", "水浑": "水质",
}  # fmt: skip

STOPWORDS = frozenset(
    """
    的 了 是 在 我 你 他 她 它 我们 你们 他们 她们 这 那 这个 那个 这些 那些 这里 那里 这边 那边
    和 与 及 或 也 都 就 还 又 再 才 很 太 非常 特别 比较 更 最 真 真的 一直 一下 一些 一点 一个
    有 没 没有 不 不是 不能 不会 能 会 要 想 让 把 被 给 对 向 从 到 跟 为 为了 因为 所以 但是 但
    可是 而且 如果 虽然 然后 还是 就是 只是 已经 现在 今天 昨天 前天 明天 最近 之前 以前 以后 后来
    时候 时间 每天 天天 经常 总是 好像 可能 应该 需要 希望 请 请问 麻烦 帮忙 帮 帮助 一下子 吧 吗
    呢 啊 呀 哦 嘛 啦 哈 嗯 么 什么 怎么 怎么办 怎样 为什么 哪里 哪个 谁 多少 几 个 次 些 下 上 里
    中 内 外 前 后 说 讲 问 看 听 知道 觉得 认为 反映 反应 投诉 举报 咨询 求助 问题 情况 事情 事
    解决 处理 落实 相关 部门 领导 师傅 同志 你好 您好 谢谢 感谢 您 你们好 喂 老百姓 群众 市民 居民
    村民 大家 自己 人家 家里 我家 多次 好几次 几次 半天 到底 根本 简直 实在 确实 其实 当时 一样
    个月 天 月 年 号 日 点 分 元 块 位 名 家 户 条 处 次数 打 打电话 电话 热线 12345 联系 回复
    答复 管 管管 不管 没人 没人管 管不管 得 着 过 地 所 之 其 该 以 于 而 则 等 等等 啥 咋 嘞 哟
    可以 能够 还有 另外 并且 结果 总之 一共 而已 了解 关注 重视 尽快 马上 赶紧 及时 早日 务必
    码上找代表 留言 代表 人大代表 市人大代表 县人大代表 政协委员 代表您好 转 转来 建议 您 呼吁
    """.split()
)

_KEEP = re.compile(r"[\u4e00-\u9fff]|[A-Za-z]+\d*|\d+[A-Za-z]+")
_DIGITS = re.compile(r"^[\d一二三四五六七八九十两几百千万多余.]+[个万多余]?$")


@lru_cache(maxsize=1)
def _jieba():
    """rjieba with the domain dictionary, loaded by the first text cut (its dictionary is tens of
    MB: not in every process that merely loads the URLs)."""
    import rjieba

    for word in DOMAIN_WORDS:
        rjieba.add_word(word, None, None)
    return rjieba


def words(text: str) -> list[str]:
    """rjieba's words of ``text`` (domain dictionary loaded), whitespace dropped."""
    return [w for w in _jieba().cut(text or "") if w.strip()]


def normalise(word: str) -> str:
    return SYNONYMS.get(word, word)


def content_words(text: str) -> list[tuple[str, str]]:
    """(word as written, normalised word) of each content word of ``text``."""
    out = []
    for word in words(text):
        if word in STOPWORDS or _DIGITS.match(word) or not _KEEP.search(word):
            continue
        norm = normalise(word)
        if norm not in STOPWORDS:
            out.append((word, norm))
    return out


def terms(text: str) -> list[str]:
    """Content words of ``text``: segmented, synonyms normalised, stopwords, punctuation and
    bare numbers removed. Order is kept (repeats too): callers weigh them."""
    return [norm for _, norm in content_words(text)]
