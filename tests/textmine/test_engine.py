"""The text engine's functions on small hand-written texts (no database)."""

from __future__ import annotations

import datetime as dt

from minyi.textmine import places, scope, similar
from minyi.textmine.duplicates import Appeal, judge, pairs
from minyi.textmine.segment import terms
from minyi.textmine.topics import group

LIGHTS = [
    "我们村的路灯坏了三个月没人修，晚上黑漆漆的老人不敢出门",
    "村里街灯不亮好久了，晚上走路摔了一跤，请尽快派人修路灯",
    "清溪镇东风路上的路灯坏了好几盏，晚上骑车看不见",
]
WAGES = [
    "包工头拖欠我们农民工工资八万多，过年了还不发",
    "老板欠了我们三个月的工钱，找他就躲，农民工讨薪太难了",
    "工地上干了半年活，工资一分没拿到，包工头跑了",
]
DANCE = [
    "小区楼下广场舞每天晚上放到十点，音响声音太大，孩子没法写作业",
    "广场舞大喇叭太吵了，老人心脏受不了，能不能限制一下音量和时间",
]


def test_terms_drop_stopwords_and_normalise_synonyms():
    words = terms("师傅你好，我们村里的街灯坏了三个月了")
    assert "路灯" in words
    assert "村" in words
    assert not {"师傅", "你好", "我们", "的", "了", "三个"} & set(words)


def test_topics_group_the_same_matter_in_different_words():
    texts = LIGHTS + WAGES + DANCE + ["请问高龄补贴怎么申请"]
    grouping = group(texts)
    labels = grouping.labels
    assert len(labels) == len(texts)
    assert len({labels[i] for i in range(3)}) == 1 and labels[0] != -1
    assert len({labels[i] for i in range(3, 6)}) == 1 and labels[3] != -1
    assert labels[0] != labels[3]
    assert labels[-1] == -1  # a singleton has no topic
    first = grouping.topics[0]
    assert first.size == 3
    assert first.id == 0 and 0 <= first.representative < len(texts)
    assert first.key_terms


def test_topics_of_nothing_is_nothing():
    assert group([]).labels == []
    assert group(["，。！"]).labels == [-1]


def test_the_same_phone_rewording_the_same_matter_is_a_duplicate():
    a = Appeal("1", "韶峰村3组路灯坏了半个月了，晚上一片漆黑，请派人来修", "13900001111",
               dt.date(2026, 5, 1), "清溪镇韶峰村3组")  # fmt: skip
    b = Appeal("2", "上次反映的路灯还是坏的，晚上漆黑一片，到底什么时候修", "13900001111",
               dt.date(2026, 5, 6), "韶峰村")  # fmt: skip
    verdict = judge(a, b)
    assert verdict.is_duplicate and verdict.reason == "same_phone"
    assert 0 <= verdict.score <= 1


def test_the_same_place_with_a_different_matter_is_not_a_duplicate():
    a = Appeal("1", "韶峰村3组路灯坏了半个月了，晚上一片漆黑", "13900001111",
               dt.date(2026, 5, 1), "清溪镇韶峰村3组")  # fmt: skip
    c = Appeal("3", "韶峰村3组门口的垃圾好几天没人收，臭得不得了", "13900002222",
               dt.date(2026, 5, 2), "韶峰村3组")  # fmt: skip
    assert not judge(a, c).is_duplicate


def test_pairs_find_the_duplicates_of_a_batch():
    batch = [
        Appeal("1", "韶峰村3组的路灯坏了半个月，晚上一片漆黑，请派人修路灯", "13900001111",
               dt.date(2026, 5, 1), "清溪镇韶峰村3组"),
        Appeal("2", "韶峰村三组路灯全坏了，晚上漆黑一片，出门不安全，请派人修", "13900003333",
               dt.date(2026, 5, 3), "韶峰村三组"),
        Appeal("3", "包工头欠我们工资不发", "13900004444", dt.date(2026, 5, 3), "东风路"),
    ]  # fmt: skip
    found = [(a.id, b.id, v.reason) for a, b, v in pairs(batch)]
    assert found == [("1", "2", "same_place")]


def test_places_read_the_same_address_written_differently():
    assert places.similarity("清溪镇韶峰村3组", "韶峰村三组") == 1.0
    assert places.similarity("人民路与建设路交叉口", "建设路口") == 1.0
    assert places.similarity("清溪镇韶峰村", "清溪镇石门村") == 0.0
    assert places.similarity("", "韶峰村") is None


def test_scope_hints_name_the_reason_and_let_near_misses_through():
    assert scope.hint("我家楼下着火了，快来人啊") == "emergency"
    assert scope.hint("上次火灾后的房屋补偿什么时候发") is None
    assert scope.hint("我已经向法院起诉了，想问问进度") == "legal_procedure"
    assert scope.hint("帮我查一下张三的电话和家庭住址") == "secrets"
    assert scope.hint("我是人大代表，群众反映村道破损严重") is None
    assert scope.hint("派出所办户口要什么材料") is None
    assert scope.hint("我要投诉") == "vague"
    assert set(scope.CODES) == {
        "emergency", "legal_procedure", "military", "party_congress_cppcc", "secrets",
        "illegal", "vague", "out_of_jurisdiction",
    }  # fmt: skip


def test_similar_vectors_tell_a_like_order_from_another_matter():
    clue = similar.centroid(similar.vector(t) for t in LIGHTS)
    assert similar.cosine(clue, similar.vector("村口路灯不亮了")) > similar.cosine(
        clue, similar.vector("包工头欠工资")
    )
