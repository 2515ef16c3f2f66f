"""Texts joined from sentences end each sentence once: a value that already ends with 。 is not
followed by a second mark (the "。。" of the rejection SMS, "。；" in joined messages)."""

from __future__ import annotations

import pytest

from minyi.core.sentences import clause, join_sentences
from minyi.notify.texts import render


@pytest.mark.parametrize(
    "value, expected",
    [
        ("不属于受理范围。", "依据：不属于受理范围。如有疑问"),
        ("不属于受理范围", "依据：不属于受理范围。如有疑问"),
        ("真的吗？", "依据：真的吗？如有疑问"),
        ("见第三条. ", "依据：见第三条.如有疑问"),
    ],
)
def test_a_value_that_ends_its_sentence_takes_no_second_mark(value, expected):
    assert render("依据：{basis}。如有疑问", {"basis": value}) == expected


def test_a_mark_inside_the_template_is_kept_when_no_value_ends_before_it():
    assert render("工单{number}已受理。。", {"number": "1"}) == "工单1已受理。。"


def test_a_value_ending_in_a_full_stop_before_a_comma_drops_the_comma():
    assert render("{a}，{b}", {"a": "甲。", "b": "乙"}) == "甲。乙"


def test_sentences_joined_with_a_semicolon_lose_their_own_full_stops():
    assert join_sentences(["密码太短。", "密码太常见。"]) == "密码太短；密码太常见。"
    assert join_sentences(["不能归档。"], end="") == "不能归档"
    assert join_sentences([]) == ""


def test_a_clause_loses_its_closing_mark():
    assert clause("理由充分。") == "理由充分"
    assert clause("理由充分") == "理由充分"


def test_a_page_joining_a_typed_sentence_with_a_semicolon_drops_its_full_stop():
    from django.template import Context, Template

    page = Template("{% load sentences %}依据：{{ basis|clause }}；领导签署意见").render(
        Context({"basis": "《三定方案》未赋予本单位该项职责。"})
    )

    assert page == "依据：《三定方案》未赋予本单位该项职责；领导签署意见"
