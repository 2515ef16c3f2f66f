"""What the hint models read of an order: its title and content cut into words.

``analyze`` is pickled into every stored model by name, so it stays here, module-level, and
keeps its meaning: content words (minyi.textmine.segment.terms once that package is here; rjieba
with a small filter until then), plus the word bigrams that tell "路灯 坏" from "路灯 安装".
"""

from __future__ import annotations

import re

try:  # the project's text engine (helper "textmine"); rjieba directly until it lands
    from minyi.textmine.segment import terms as _terms
except ImportError:  # pragma: no cover - depends on the branch
    _terms = None

_WORD = re.compile(r"[\w]", re.UNICODE)
_STOP = frozenset(
    "的 了 是 在 我 我们 你 他 她 它 和 与 及 也 都 就 还 很 有 没有 没 又 要 把 被 让 给 对 "
    "这 那 这个 那个 一个 一下 什么 怎么 为什么 现在 已经 希望 请 请求 反映 要求 市民 来电 诉求 "
    "问题 情况 相关 部门 处理 解决 尽快 一直 非常 比较 能否 是否 可以".split()
)


def terms(text: str) -> list[str]:
    if _terms is not None:
        return list(_terms(text))
    import rjieba

    return [
        w
        for w in rjieba.cut(text or "")
        if w.strip() and w not in _STOP and _WORD.search(w) and not w.isdigit()
    ]


def analyze(text: str) -> list[str]:
    words = terms(text)
    return words + [f"{a}_{b}" for a, b in zip(words, words[1:], strict=False)]


def order_text(title: str, content: str) -> str:
    return f"{title or ''}\n{content or ''}"
