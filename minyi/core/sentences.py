"""Joining sentences without doubling their punctuation.

A text made of pieces (an SMS template and its values, several error messages) must end each
sentence once: a reason's basis that already ends with "。" is not followed by the template's
own "。" ("。。"), and messages joined with "；" lose their own full stops ("。；").
"""

from __future__ import annotations

from collections.abc import Iterable

# What may end a sentence a value brings (Chinese and ASCII).
SENTENCE_ENDS = "。！？；….!?;"
# The marks a template puts after a value that the value's own end makes redundant.
JOINING = "。；，.,;"


def ends_sentence(text: str) -> bool:
    return bool(text) and text.rstrip()[-1:] in SENTENCE_ENDS


def clause(text: str) -> str:
    """``text`` without its closing mark(s), to be joined into a longer sentence."""
    return text.rstrip().rstrip(SENTENCE_ENDS).rstrip()


def join_sentences(parts: Iterable[str], *, sep: str = "；", end: str = "。") -> str:
    """Join sentences with ``sep`` and close the whole with ``end`` (each part's own mark goes)."""
    clauses = [c for c in (clause(p) for p in parts) if c]
    return sep.join(clauses) + end if clauses else ""


def glue(pieces: Iterable[tuple[str, bool]]) -> str:
    """Concatenate ``(text, is_value)`` pieces: a literal right after a value that ends its
    sentence loses its leading joining mark."""
    out: list[str] = []
    after_value_end = False
    for text, is_value in pieces:
        if is_value:
            text = text.rstrip() if ends_sentence(text) else text
            after_value_end = ends_sentence(text)
        else:
            if after_value_end and text[:1] in JOINING:
                text = text[1:]
            after_value_end = False
        out.append(text)
    return "".join(out)
