"""The duplicate judgement and scope hints on generic signals (no database)."""

from __future__ import annotations

import datetime as dt

from minyi.textmine import duplicates, places, scope
from minyi.textmine.duplicates import Appeal, judge, pairs, rank

DAY = dt.date(2026, 6, 1)


def test_an_address_core_keeps_its_names_and_numbers_without_unit_words():
    assert places.core("清溪镇韶峰村三组") == "清溪韶峰3"
    contained, dice = places.overlap("清溪镇韶峰村三组", "韶峰村3组")
    assert contained == 1.0 and dice > 0.6


def test_two_callers_about_one_broken_pipe_at_one_estate_are_one_matter():
    a = Appeal("1", "翠湖御景小区5栋门口水管爆了，水流了一地，整栋楼停水", "13900000001",
               DAY, "金盆岭翠湖御景小区5栋")  # fmt: skip
    b = Appeal("2", "翠湖御景5栋这边停水了，好像是门口管子破了在冒水", "13900000002",
               DAY + dt.timedelta(days=1), "翠湖御景5栋")  # fmt: skip
    verdict = judge(a, b)
    assert verdict.is_duplicate and verdict.reason == "same_place"


def test_another_matter_at_the_same_estate_is_not_one():
    a = Appeal(
        "1", "翠湖御景小区5栋门口水管爆了，整栋楼停水", "13900000001", DAY, "翠湖御景小区5栋"
    )
    b = Appeal("2", "翠湖御景小区楼下有人摆摊卖烧烤，油烟太大", "13900000002", DAY, "翠湖御景小区")
    assert not judge(a, b).is_duplicate


def test_appeals_two_months_apart_are_never_one_matter():
    a = Appeal("1", "韶峰村3组路灯坏了", "13900000001", DAY, "韶峰村3组")
    b = Appeal("2", "韶峰村3组路灯坏了", "13900000001", DAY + dt.timedelta(days=60), "韶峰村3组")
    assert not judge(a, b).is_duplicate


def test_pairs_rank_and_judge_agree_on_a_pair():
    a = Appeal(
        "1", "韶峰村3组路灯坏了两个礼拜，晚上一片漆黑", "13900000001", DAY, "清溪镇韶峰村3组"
    )
    b = Appeal("2", "又是我，韶峰村三组的路灯还是不亮", "13900000001", DAY, "韶峰村三组")
    alone = judge(a, b)
    assert alone.is_duplicate and alone.reason == "same_phone"
    assert [(x.id, y.id) for x, y, _ in pairs([a, b])] == [("1", "2")]
    assert [(o.id, v.score) for o, v in rank(a, [b])] == [("2", alone.score)]


def test_ranking_a_hundred_candidates_vectorises_the_new_appeal_once(monkeypatch):
    # How fast that is belongs to the bench (bench/dupcheck.py, p95 at 1,000,000 orders); here
    # the property that keeps it fast: one vector per appeal, the new one not again per candidate.
    new = Appeal(
        "n", "人民路与建设路交叉口工地晚上打桩，吵得睡不着", "13900000009", DAY, "人民路建设路口"
    )
    others = [
        Appeal(
            str(i),
            f"第{i}号楼附近工地夜间施工噪音扰民，凌晨还在作业",
            f"1390000{i:04d}",
            DAY,
            f"建设路{i}号",
        )  # fmt: skip
        for i in range(100)
    ]
    profiled = []
    real = duplicates.profile
    monkeypatch.setattr(duplicates, "profile", lambda a: profiled.append(a.id) or real(a))

    found = rank(new, others)

    assert len(found) == 5  # the noisy building sites near 建设路 are found
    assert profiled.count("n") == 1 and len(profiled) == 101


def test_scope_hints_follow_the_definitions_for_military_and_illegal_matters():
    assert scope.hint("空军机场的飞机每天训练，噪音太大了") == "military"
    assert scope.hint("请问退役军人优待证在哪里办") != "military"
    assert scope.hint("我想办个假驾照，哪里能买到") == "illegal"
    assert scope.hint("有人在小区里吸毒，我要举报") is None
    assert scope.hint("医保缴费今年又涨了，能不能少交点") is None
