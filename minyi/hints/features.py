"""What the hint models read of an order: its title and content cut into words.

``analyze`` is pickled into every stored model by name, so it stays here, module-level, and
keeps its meaning: content words (minyi.textmine.segment.terms), plus the word bigrams that tell
"路灯 坏" from "路灯 安装".
"""

from __future__ import annotations

from minyi.textmine.segment import terms


def analyze(text: str) -> list[str]:
    words = terms(text)
    return words + [f"{a}_{b}" for a, b in zip(words, words[1:], strict=False)]


def order_text(title: str, content: str) -> str:
    return f"{title or ''}\n{content or ''}"
